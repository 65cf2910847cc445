import { stringify } from 'yaml';
import { revokeNowUpdate } from '../../src/workflows/access-request/messages';
import { editedRules } from '../fixtures/rules';
import { MINUTE, between, people, requestSuite } from '../harness/requests';

/**
 * A membership the directory cannot add for half an hour (503s): the group-lease workflow keeps
 * trying for ~30 minutes, then gives up and tells the grant, which rolls back what it did get and
 * waits as ProvisioningFailed. Rules: the example ones plus a low-risk level with two groups.
 */
const rules = stringify(
  editedRules((doc) => {
    doc.applications.push({
      name: 'Wiki',
      owner: 'carol@example.com',
      levels: [
        {
          name: 'Editor',
          connection: 'okta',
          groups: ['wiki-readers', 'wiki-editors'],
          risk: 'low',
          autoApprove: true,
          approval: { approvers: ['manager'] },
          duration: { default: '1 day', max: '7 days' },
        },
      ],
    });
  }),
);

describe('acquire give-up in the group lease', () => {
  const suite = requestSuite('acquire-give-up', rules);
  const readers = () => suite.world.directory.group('wiki-readers');
  const editors = () => suite.world.directory.group('wiki-editors');
  const alice = people.alice.directoryUserId;

  test('an add failing transiently is retried for ~30 minutes, then the grant is told, rolls back the other group and is ProvisioningFailed', async () => {
    editors().writesFail = true;
    const r = await suite.start({ application: 'Wiki', accessType: 'Editor', duration: '1 day' });
    const requested = Date.parse(r.input.requestedAt);

    // Still trying at 29 minutes, and the grant shows why it waits.
    await suite.env.sleep('29 minutes');
    const trying = await r.until((s) => s.problem !== undefined, 'the trouble on the grant');
    expect(trying.state).toBe('Provisioning');
    expect(trying.problem!.message).toBe('acquire in wiki-editors: addMember: 503 Service Unavailable');
    expect(trying.problem!.attempts).toBeGreaterThanOrEqual(20);
    expect(editors().attempts.addMember).toBeGreaterThanOrEqual(20);
    expect(editors().members.has(alice)).toBe(false);

    // Given up by 45 minutes: reported to the grant as a failure, with the directory's answer.
    await suite.env.sleep('16 minutes');
    const failed = await r.until(
      (s) => s.state === 'ProvisioningFailed' && s.jiraWriteBack?.pending === 0,
      'the give-up, said in Jira',
    );
    expect(failed.problem!.message).toBe('wiki-editors: addMember: 503 Service Unavailable');
    expect(between(requested, failed.problem!.since)).toBeGreaterThan(30 * MINUTE);
    expect(between(requested, failed.problem!.since)).toBeLessThan(45 * MINUTE);
    const attemptsAtGiveUp = editors().attempts.addMember;

    // No partial access: the group that was added is removed again.
    expect(readers().changes.map((c) => c.op)).toEqual(['add', 'remove']);
    expect(readers().members.has(alice)).toBe(false);
    // (The rollback releases both; the group never joined answers "kept": nothing of this grant's to undo.)
    expect(failed.groupChanges.map((c) => `${c.action} ${c.group}: ${c.reason}`)).toEqual([
      'added wiki-readers: added for this grant',
      'removed wiki-readers: last grant ended',
      'kept wiki-editors: this grant held no lease',
    ]);
    expect(failed.grantedAt).toBeUndefined();
    expect(
      suite.world.jira.commentsStarting(
        'Provisioning failed: wiki-editors: addMember: 503 Service Unavailable. No access was granted.',
      ),
    ).toHaveLength(1);
    expect(suite.world.jira.transitions.map((t) => t.toStatus)).toEqual(['Access Failed']);

    // Given up means given up: no more tries until an operator retries (here: closes it instead).
    await suite.env.sleep('1 hour');
    expect(editors().attempts.addMember).toBe(attemptsAtGiveUp);
    await r.handle.executeUpdate(revokeNowUpdate, {
      args: [{ operator: 'dave', reason: 'wiki migration, requested again later' }],
    });
    const evidence = await r.evidence();
    expect(evidence.outcome).toBe('Failed');
    expect(
      suite.world.jira.commentsStarting('Closed by operator dave: wiki migration, requested again later.'),
    ).toHaveLength(1);
  });
});
