import { installRuntimeLogging } from '../../src/temporal/runtime';

// The Temporal SDK logs through pino (quiet at warn) instead of printing its info chatter.
try {
  installRuntimeLogging({ metrics: true });
} catch {
  // Already installed in this jest worker by an earlier test file.
}
