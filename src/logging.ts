import pino, { type DestinationStream, type Logger } from 'pino';
import pretty from 'pino-pretty';

/**
 * How log lines are written: LEASEHOLD_LOG_FORMAT=pretty|json forces one; otherwise pretty (pino-pretty)
 * when the logs go to a terminal and JSON lines when they go to a file, a pipe or a log collector.
 */
export function logFormat(
  env: NodeJS.ProcessEnv = process.env,
  isTTY = Boolean(process.stderr.isTTY),
): 'pretty' | 'json' {
  const forced = env.LEASEHOLD_LOG_FORMAT?.trim().toLowerCase();
  if (forced === 'pretty' || forced === 'json') return forced;
  return isTTY ? 'pretty' : 'json';
}

// stderr: a command's results go to stdout, the logs beside them.
const destination: DestinationStream =
  logFormat() === 'pretty'
    ? pretty({ destination: 2, sync: true, colorize: Boolean(process.stderr.isTTY), ignore: 'pid,hostname' })
    : pino.destination(2);

/**
 * The one structured logger of every Leasehold process (worker, webhook starter, sandboxes, CLI).
 * Level from LEASEHOLD_LOG_LEVEL (default `info`; tests default to `error` so jest output stays readable).
 */
export const logger: Logger = pino(
  {
    name: 'leasehold',
    level: process.env.LEASEHOLD_LOG_LEVEL ?? (process.env.JEST_WORKER_ID ? 'error' : 'info'),
    redact: {
      paths: [
        '*.apiToken',
        '*.token',
        '*.clientSecret',
        '*.secret',
        '*.password',
        'headers.authorization',
        // Temporal task tokens (base64) and payloads, should a log line carry them (see src/temporal/runtime.ts).
        'taskToken',
        'task_token',
        '*.taskToken',
        '*.task_token',
      ],
      censor: '[redacted]',
    },
  },
  destination,
);

export type { Logger };
