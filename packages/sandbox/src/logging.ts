import pino, { type Logger } from 'pino';

/**
 * The sandboxes' own logger (this package does not reach into Leasehold's code): the same level
 * variable and stream as Leasehold's logger, named apart so sandbox lines are told from the product's.
 */
export const logger: Logger = pino(
  {
    name: 'leasehold-sandbox',
    level: process.env.LEASEHOLD_LOG_LEVEL ?? (process.env.JEST_WORKER_ID ? 'error' : 'info'),
  },
  pino.destination(2),
);
