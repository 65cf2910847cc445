/**
 * Activity options for calls that must not wait long on a dead worker: with the worker's keep-alive
 * (src/worker/keep-alive.ts) a running attempt heartbeats, so an attempt lost with its worker (a crash,
 * a kill -9, a task in transit at shutdown) times out and is retried after 10 s, not after its
 * start-to-close timeout.
 */
export const KEEP_ALIVE = { heartbeatTimeout: '10s' } as const;
