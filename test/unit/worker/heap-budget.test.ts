import { heapBudgetWarning } from '../../../src/worker/heap-budget';

/** The image caps each isolate's heap; a workflow cache that cannot fit in it is said at start. */
describe('the workflow cache against the heap limit', () => {
  const imageLimit = 524; // --max-old-space-size=512 plus the young generation

  test('the defaults fit the image: 250 cached runs, with or without workflow stack traces', () => {
    expect(heapBudgetWarning({ cachedRuns: 250, stackTraces: false, limitMiB: imageLimit })).toBeUndefined();
    expect(heapBudgetWarning({ cachedRuns: 250, stackTraces: true, limitMiB: imageLimit })).toBeUndefined();
  });

  test('a cache raised past what the limit holds is named, with both ways out', () => {
    expect(heapBudgetWarning({ cachedRuns: 2500, stackTraces: false, limitMiB: imageLimit })).toBeUndefined();
    expect(heapBudgetWarning({ cachedRuns: 5000, stackTraces: false, limitMiB: imageLimit })).toBe(
      '5000 cached workflow runs may need ~564 MiB in one workflow thread, and each isolate may use 524 MiB: ' +
        'raise --max-old-space-size in NODE_OPTIONS or lower LEASEHOLD_WORKER_CACHE',
    );
    expect(heapBudgetWarning({ cachedRuns: 2500, stackTraces: true, limitMiB: imageLimit })).toMatch(
      /^2500 cached workflow runs with workflow stack traces on may need ~1439 MiB/,
    );
  });

  test("V8's own sizing on a large machine (no cap) takes a large cache", () => {
    expect(heapBudgetWarning({ cachedRuns: 5000, stackTraces: false, limitMiB: 4144 })).toBeUndefined();
  });
});
