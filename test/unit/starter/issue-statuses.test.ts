import type { JiraGateway } from '../../../src/connectors/jira/jira-gateway';
import { IssueStatuses, MAX_KEYS_PER_READ } from '../../../src/starter/issue-statuses';

/** A Jira whose bulk reads the test answers by hand, in order, each with the statuses as its call started. */
function scriptedJira() {
  const statuses = new Map<string, string>();
  const reads: Array<{ keys: string[]; answer: () => void; fail: (err: Error) => void }> = [];
  const reader = new IssueStatuses((_jira, keys) => {
    const seen = new Map(keys.flatMap((k) => (statuses.has(k) ? [[k, statuses.get(k)!] as const] : [])));
    return new Promise((resolve, reject) => reads.push({ keys, answer: () => resolve(seen), fail: reject }));
  });
  const site = {} as JiraGateway;
  return { statuses, reads, current: (key: string) => reader.current(site, key) };
}

const settle = () => new Promise((r) => setImmediate(r));

describe('the stale check’s coalesced status reads', () => {
  test('a quiet starter reads at once, one issue a call', async () => {
    const jira = scriptedJira();
    jira.statuses.set('ACCESS-1', 'Approved by Manager');
    const status = jira.current('access-1');
    expect(jira.reads.map((r) => r.keys)).toEqual([['ACCESS-1']]);
    jira.reads[0]!.answer();
    expect(await status).toBe('Approved by Manager');
  });

  test('a busy one: the deliveries arriving while two reads are in flight share the next read', async () => {
    const jira = scriptedJira();
    for (let i = 1; i <= 42; i++) jira.statuses.set(`ACCESS-${i}`, 'Approved by Manager');
    const first = [jira.current('ACCESS-1'), jira.current('ACCESS-2')];
    const later = Array.from({ length: 40 }, (_, i) => jira.current(`ACCESS-${i + 3}`));
    expect(jira.reads).toHaveLength(2);
    jira.reads[0]!.answer();
    await settle();
    expect(jira.reads).toHaveLength(3);
    expect(jira.reads[2]!.keys).toHaveLength(40);
    jira.reads[1]!.answer();
    jira.reads[2]!.answer();
    expect(await Promise.all([...first, ...later])).toEqual(Array(42).fill('Approved by Manager'));
  });

  test('never answered by a read that started before it was asked: a replay sees the status after it arrived', async () => {
    const jira = scriptedJira();
    jira.statuses.set('ACCESS-7', 'Approved by Manager');
    const early = [jira.current('ACCESS-1'), jira.current('ACCESS-7')]; // both reads in flight now
    jira.statuses.set('ACCESS-7', 'Rejected'); // Bob rejects
    const replay = jira.current('ACCESS-7'); // then the approval is replayed
    jira.reads[1]!.answer(); // the read that started before the rejection answers with the old status…
    expect(await early[1]).toBe('Approved by Manager');
    await settle();
    jira.reads[2]!.answer();
    expect(await replay).toBe('Rejected'); // …not to the replay
    expect(jira.reads[2]!.keys).toEqual(['ACCESS-7']);
    jira.reads[0]!.answer();
    expect(await early[0]).toBeUndefined(); // Jira did not find it
  });

  test(`at most ${MAX_KEYS_PER_READ} issues a read; an issue asked for twice is read once`, async () => {
    const jira = scriptedJira();
    void jira.current('ACCESS-A');
    void jira.current('ACCESS-B');
    // 100 issues, 30 of them again (a redelivery), then 20 more.
    const keys = [...Array(100).keys(), ...Array(30).keys(), ...Array.from({ length: 20 }, (_, i) => 100 + i)];
    const waiting = keys.map((k) => jira.current(`ACCESS-${k}`));
    jira.reads[0]!.answer();
    jira.reads[1]!.answer();
    await settle();
    expect(jira.reads.slice(2).map((r) => r.keys.length)).toEqual([100, 20]);
    expect(new Set(jira.reads[2]!.keys).size).toBe(100);
    jira.reads[2]!.answer();
    jira.reads[3]!.answer();
    await Promise.all(waiting);
  });

  test('a failed read fails only the deliveries it carried (Jira is asked again for the next ones)', async () => {
    const jira = scriptedJira();
    jira.statuses.set('ACCESS-3', 'Rejected');
    const carried = [jira.current('ACCESS-1'), jira.current('ACCESS-2')];
    const next = jira.current('ACCESS-3');
    jira.reads[0]!.fail(new Error('Jira answered 503'));
    await expect(carried[0]).rejects.toThrow('Jira answered 503');
    await settle();
    jira.reads[2]!.answer();
    expect(await next).toBe('Rejected');
    jira.reads[1]!.answer();
    expect(await carried[1]).toBeUndefined();
  });
});
