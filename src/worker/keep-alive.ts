import type { Context } from '@temporalio/activity';
import type { ActivityInterceptors } from '@temporalio/worker';

/** The least time between two heartbeats (Core throttles them anyway). */
const MIN_EVERY_MS = 1_000;

/**
 * Heartbeats for activities scheduled with a heartbeat timeout, while they run. The calls behind the
 * two promises (directory changes, Jira write-back) are short HTTP calls that never heartbeat themselves;
 * with a heartbeat timeout and this interceptor, an attempt lost with its worker (a crash, a kill -9, a
 * task in transit when a worker shuts down) is retried once that timeout passes, not after the
 * start-to-close timeout of a minute. A call that ends within a third of the timeout sends none.
 */
export function keepAlive(ctx: Context): ActivityInterceptors {
  return {
    inbound: {
      async execute(input, next) {
        const timeoutMs = ctx.info.heartbeatTimeoutMs;
        if (!timeoutMs || ctx.info.isLocal) return next(input);
        const beat = setInterval(() => ctx.heartbeat(), Math.max(MIN_EVERY_MS, timeoutMs / 3));
        try {
          return await next(input);
        } finally {
          clearInterval(beat);
        }
      },
    },
  };
}

/** The worker option that installs it (every Leasehold worker runs activities with it). */
export const keepAliveInterceptors = { activity: [keepAlive] };
