import { DefaultLogger, Runtime, type LogLevel } from '@temporalio/worker';
import { logger } from '../logging';

const toPino: Record<LogLevel, 'trace' | 'debug' | 'info' | 'warn' | 'error'> = {
  TRACE: 'trace',
  DEBUG: 'debug',
  INFO: 'info',
  WARN: 'warn',
  ERROR: 'error',
};

/**
 * Routes the Temporal SDK's logs (worker, workflow `log`, core) into Leasehold's pino logger as
 * structured lines. The SDK's info chatter (bundle statistics) shows only at LEASEHOLD_LOG_LEVEL=debug.
 */
export function installRuntimeLogging(): void {
  const debug = ['debug', 'trace'].includes(logger.level);
  Runtime.install({
    logger: new DefaultLogger(debug ? 'DEBUG' : 'WARN', (entry) => {
      logger[toPino[entry.level]]({ ...(entry.meta ?? {}), source: 'temporal-sdk' }, entry.message);
    }),
  });
}
