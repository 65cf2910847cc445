import { execFileSync } from 'node:child_process';
import { DefaultLogger, Runtime, type LogEntry, type LogLevel, type RuntimeOptions } from '@temporalio/worker';
import { logger } from '../logging';

const toPino: Record<LogLevel, 'trace' | 'debug' | 'info' | 'warn' | 'error'> = {
  TRACE: 'trace',
  DEBUG: 'debug',
  INFO: 'info',
  WARN: 'warn',
  ERROR: 'error',
};

export interface RuntimeInstallOptions {
  /**
   * Have core serve the Temporal SDK metrics (Prometheus) on a loopback port, which the worker's
   * `/metrics` merges in. The address is LEASEHOLD_TEMPORAL_METRICS_BIND when set, else a free port.
   */
  metrics?: boolean;
}

/**
 * Installs the Temporal runtime (once per process, before any connection): the SDK's logs (worker,
 * workflow `log`, core) go into Leasehold's pino logger as structured lines without task tokens or
 * payloads, and with `metrics` core serves its Prometheus metrics on loopback. The SDK's info chatter
 * (bundle statistics) shows only at LEASEHOLD_LOG_LEVEL=debug.
 */
export function installRuntimeLogging(options: RuntimeInstallOptions = {}): void {
  const debug = ['debug', 'trace'].includes(logger.level);
  const install: RuntimeOptions = {
    logger: new DefaultLogger(debug ? 'DEBUG' : 'WARN', forwardTemporalLog),
  };
  if (!options.metrics) {
    Runtime.install(install);
    return;
  }
  const bindAddress = process.env.LEASEHOLD_TEMPORAL_METRICS_BIND || `127.0.0.1:${freeLoopbackPort()}`;
  try {
    Runtime.install({ ...install, telemetryOptions: { metrics: { prometheus: { bindAddress } } } });
  } catch (err) {
    if (Runtime._instance) throw err; // installed before: not a metrics problem
    // The port taken meanwhile, or a bad LEASEHOLD_TEMPORAL_METRICS_BIND: the worker runs, without SDK metrics.
    logger.warn(
      { err, bindAddress },
      'the Temporal SDK metrics endpoint could not start; /metrics serves without them',
    );
    Runtime.install(install);
  }
}

/**
 * The runtime, (re)created now, before a worker connects. Core shuts the runtime down when its last
 * worker and connection close and creates it again, with the same options, on the next one; by then
 * another process may hold the metrics port it had, and the connection would fail ("Address already
 * in use"). Then the runtime is installed again, on a fresh port (or, failing that, without metrics).
 */
export function ensureRuntime(): void {
  if (Runtime._instance) return;
  try {
    Runtime.instance();
  } catch (err) {
    if (!/metrics exporter|address already in use/i.test(String(err))) throw err;
    installRuntimeLogging({ metrics: true });
  }
}

/** One Temporal SDK/core log entry, as a pino line without task tokens or payloads. */
export function forwardTemporalLog(entry: LogEntry): void {
  const { meta, message } = scrubTemporalLog(entry.meta, entry.message);
  logger[toPino[entry.level]]({ ...meta, source: 'temporal-sdk' }, message);
}

/**
 * The URL of the Temporal SDK's Prometheus endpoint when the installed runtime serves one. Read from
 * the runtime itself, so every module instance (jest loads modules per test file) sees the same one.
 */
export function temporalMetricsUrl(): string | undefined {
  if (!Runtime._instance) return undefined;
  const exporter = (Runtime._instance.options.runtimeOptions as { metricsExporter?: unknown }).metricsExporter as
    { type?: string; socketAddr?: string } | undefined;
  if (exporter?.type !== 'prometheus' || !exporter.socketAddr) return undefined;
  const addr = exporter.socketAddr.replace(/^0\.0\.0\.0:/, '127.0.0.1:').replace(/^\[::\]:/, '[::1]:');
  return `http://${addr}/metrics`;
}

/** Fields that carry task tokens (base64) or payloads: never logged. */
const secretKey = /task_?token|payload|^(input|result|details|heartbeat_?details|completion)$/i;
/** Task tokens written into a message's text (core formats some as `TaskToken(base64)`). */
const tokenInText = [
  /TaskToken\([^)]*\)/g,
  /(task_?token["']?\s*[:=]\s*)["']?[A-Za-z0-9+/=_-]{12,}["']?/gi,
  /(payloads?["']?\s*[:=]\s*)(\[[^\]]*\]|\{[^}]*\}|"[^"]*")/gi,
];

/** A Temporal SDK/core log line without task tokens or payloads: those fields dropped, the text redacted. */
export function scrubTemporalLog(
  meta: Record<string, unknown> | undefined,
  message: string,
): { meta: Record<string, unknown>; message: string } {
  let text = message;
  for (const pattern of tokenInText)
    text = text.replace(pattern, (_m, prefix: unknown) => `${typeof prefix === 'string' ? prefix : ''}[redacted]`);
  return { meta: scrub(meta ?? {}, 0) as Record<string, unknown>, message: text };
}

function scrub(value: unknown, depth: number): unknown {
  if (depth > 4 || value === null || typeof value !== 'object') return value;
  if (value instanceof Error || value instanceof Date) return value;
  if (Array.isArray(value)) return value.map((v) => scrub(v, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value)) {
    if (secretKey.test(key)) continue;
    out[key] = scrub(v, depth + 1);
  }
  return out;
}

/** A free loopback TCP port, found synchronously (Runtime.install is synchronous) by a short child process. */
function freeLoopbackPort(): number {
  const script =
    "const s=require('net').createServer();s.listen(0,'127.0.0.1',()=>{process.stdout.write(String(s.address().port));s.close()})";
  return Number(
    execFileSync(process.execPath, ['-e', script], {
      encoding: 'utf8',
      timeout: 10_000,
      stdio: ['ignore', 'pipe', 'ignore'],
    }).trim(),
  );
}
