import { RulesStore } from '../../src/temporal/rules-store';
import { Leasehold } from '../harness/leasehold';
import { exampleRules } from '../fixtures/rules';

/**
 * How the worker and the starter read the rules in force: every read asks Temporal (no read is older
 * than the cache's few ms here), yet a reader holding the version in force keeps its copy, and readers
 * arriving together share one read.
 */
describe('reading the rules in force', () => {
  let lh: Leasehold;
  beforeAll(async () => {
    lh = await Leasehold.start({ starter: false });
  });
  afterAll(async () => {
    await lh?.stop();
  });

  test('a new version applied elsewhere is read at once; an unchanged one is not fetched again', async () => {
    const reader = new RulesStore(lh.client, lh.taskQueue, 0);
    const first = await reader.current();
    expect(first?.version).toBe(1);
    // The same version: the copy held is the answer (the document was not fetched and decoded again).
    expect(await reader.current()).toBe(first);
    const [a, b] = await Promise.all([reader.current(), reader.current()]);
    expect(a).toBe(first);
    expect(b).toBe(first);

    // Another admin applies new rules (through another client, as the CLI would).
    const changed = exampleRules();
    changed.applications[0]!.owner = 'dave@example.com';
    await expect(lh.rules.submit({ document: changed, submittedBy: 'dave' })).resolves.toMatchObject({
      version: 2,
      status: 'active',
    });
    const second = await reader.current();
    expect(second?.version).toBe(2);
    expect(second?.submittedBy).toBe('dave');
    expect(second?.rules.applications[0]?.owner).toBe('dave@example.com');
    expect(await reader.current()).toBe(second);
  });
});
