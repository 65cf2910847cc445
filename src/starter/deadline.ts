/**
 * Settles with `work`, or rejects with `late()` once `deadline` (epoch ms) has passed, whichever is
 * first. The SDK's own deadline (`client.withDeadline`) bounds each gRPC call, but its retry backoff
 * can sleep past it; this bounds what the caller waits for. `work` is not cancelled.
 */
export async function beforeDeadline<T>(deadline: number, work: Promise<T>, late: () => Error): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(late()), Math.max(0, deadline - Date.now()));
  });
  try {
    return await Promise.race([work, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
