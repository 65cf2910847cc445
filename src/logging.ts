import pino, { type Logger } from 'pino';

/**
 * The one structured logger of every Leasehold process (worker, webhook starter, sandboxes, CLI).
 * Level from LEASEHOLD_LOG_LEVEL (default `info`; tests default to `warn` so jest output stays readable).
 */
export const logger: Logger = pino(
  {
    name: 'leasehold',
    level: process.env.LEASEHOLD_LOG_LEVEL ?? (process.env.JEST_WORKER_ID ? 'error' : 'info'),
    redact: {
      paths: ['*.apiToken', '*.token', '*.clientSecret', '*.secret', '*.password', 'headers.authorization'],
      censor: '[redacted]',
    },
  },
  // stderr: a command's results go to stdout, the logs beside them.
  pino.destination(2),
);

export type { Logger };
