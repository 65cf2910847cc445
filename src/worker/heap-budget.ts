import v8 from 'node:v8';

/**
 * Whether the workflow cache fits the heap each isolate may use. The image caps every isolate's old
 * space (NODE_OPTIONS in the Dockerfile), and the cached request and lease runs live in one workflow
 * thread: a cache raised far above its default, or workflow stack traces turned on, can outgrow the cap,
 * and V8 then ends the process (out of memory) in the middle of a storm. Said once, at start.
 */

/** Heap of the request/lease workflow thread before any run is cached (bundle, SDK), MiB: bench figure 6. */
const THREAD_BASE_MIB = 64;
/** Heap per cached run, MiB: ~0.1 as measured (250 cached: 52 → 73 MiB); ~0.55 with per-promise stack traces. */
const PER_CACHED_RUN_MIB = { plain: 0.1, stackTraces: 0.55 } as const;
/** The share of the limit the estimate may take: the thread also grows with the work in flight. */
const HEADROOM = 0.75;

export interface HeapBudget {
  cachedRuns: number;
  stackTraces: boolean;
  /** Each isolate's heap limit, MiB (default: this process's, from `--max-old-space-size` or V8's sizing). */
  limitMiB?: number;
}

/** A warning when the cache's estimated heap exceeds three quarters of the limit; undefined when it fits. */
export function heapBudgetWarning({
  cachedRuns,
  stackTraces,
  limitMiB = heapLimitMiB(),
}: HeapBudget): string | undefined {
  const perRun = stackTraces ? PER_CACHED_RUN_MIB.stackTraces : PER_CACHED_RUN_MIB.plain;
  const estimate = Math.round(THREAD_BASE_MIB + cachedRuns * perRun);
  if (estimate <= limitMiB * HEADROOM) return undefined;
  const why = stackTraces ? ' with workflow stack traces on' : '';
  return (
    `${cachedRuns} cached workflow runs${why} may need ~${estimate} MiB in one workflow thread, and each isolate ` +
    `may use ${limitMiB} MiB: raise --max-old-space-size in NODE_OPTIONS or lower LEASEHOLD_WORKER_CACHE`
  );
}

function heapLimitMiB(): number {
  return Math.round(v8.getHeapStatistics().heap_size_limit / 2 ** 20);
}
