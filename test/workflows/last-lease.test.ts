import type { Person } from '../harness/requests';
import { between, people, requestSuite } from '../harness/requests';

/**
 * Two grants of the same membership (example rules: Confluence / User gives confluence-users, and
 * Jira Software / Admin gives jira-software-users and confluence-users): the membership ends with the
 * last grant holding it, never with the first, and never at all when it was there before both.
 */
describe('the last lease ending', () => {
  const suite = requestSuite('last-lease');
  const confluenceUsers = () => suite.world.directory.group('confluence-users');
  const jiraSoftwareUsers = () => suite.world.directory.group('jira-software-users');

  /** Confluence for 3 days, then Jira Software Admin (approved by the manager and the owner carol) for 1 day. */
  async function twoGrants(requester: Person) {
    const confluence = await suite.start({
      application: 'Confluence',
      accessType: 'User',
      duration: '3 days',
      requester,
    });
    await confluence.until((s) => s.state === 'Active', 'the Confluence grant');
    const admin = await suite.start({
      application: 'Jira Software',
      accessType: 'Admin',
      duration: '1 day',
      requester,
    });
    await admin.until((s) => s.state === 'AwaitingApproval', 'the wait for approval');
    await admin.decide(people.bob, 'Approved');
    await admin.decide(people.carol, 'Approved');
    const adminActive = await admin.until((s) => s.state === 'Active', 'the Jira Software Admin grant');
    return { confluence, admin, adminActive };
  }

  test('the first grant to end keeps the membership another grant holds; the last one removes it', async () => {
    const erin = people.erin.directoryUserId;
    const { confluence, admin, adminActive } = await twoGrants(people.erin);
    expect(adminActive.groupChanges.find((c) => c.group === 'confluence-users')).toMatchObject({
      action: 'already-member',
      preExisting: false,
      reason: `already granted by ${confluence.issueKey}`,
    });

    await suite.env.sleep('1 day'); // the admin grant ends
    const adminEvidence = await admin.evidence();
    expect(adminEvidence.outcome).toBe('Expired');
    const adminEnd = adminEvidence.groupChanges.slice(-2);
    expect(adminEnd).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ group: 'jira-software-users', action: 'removed' }),
        expect.objectContaining({
          group: 'confluence-users',
          action: 'kept',
          reason: expect.stringContaining(`still held by ${confluence.issueKey}`),
        }),
      ]),
    );
    expect(jiraSoftwareUsers().members.has(erin)).toBe(false);
    expect(confluenceUsers().members.has(erin)).toBe(true);
    expect(suite.world.jira.commentsStarting('Access expired', admin.issueKey)[0]!.text).toContain(
      `kept in confluence-users (still held by ${confluence.issueKey}`,
    );

    await suite.env.sleep('2 days'); // the Confluence grant ends: the last lease
    const confluenceEvidence = await confluence.evidence();
    expect(confluenceEvidence.outcome).toBe('Expired');
    expect(confluenceEvidence.groupChanges.at(-1)).toMatchObject({
      group: 'confluence-users',
      action: 'removed',
      reason: 'last grant ended',
    });
    expect(between(confluenceEvidence.expiresAt!, confluenceEvidence.groupChanges.at(-1)!.at)).toBeLessThan(5_000);
    expect(confluenceUsers().members.has(erin)).toBe(false);
    expect(confluenceUsers().changes.map((c) => c.op)).toEqual(['add', 'remove']);
  });

  test('a membership that existed before both grants is never removed', async () => {
    const frank = people.frank.directoryUserId;
    confluenceUsers().members.add(frank);
    const { confluence, admin, adminActive } = await twoGrants(people.frank);
    expect((await confluence.state()).groupChanges).toEqual([
      expect.objectContaining({ action: 'already-member', preExisting: true }),
    ]);
    expect(adminActive.groupChanges.find((c) => c.group === 'confluence-users')).toMatchObject({
      action: 'already-member',
      preExisting: true,
    });

    await suite.env.sleep('1 day');
    const adminEvidence = await admin.evidence();
    expect(adminEvidence.preExistingMembership).toBe(true);
    expect(
      adminEvidence.groupChanges.find((c) => c.group === 'jira-software-users' && c.action === 'removed'),
    ).toBeDefined();
    expect(confluenceUsers().members.has(frank)).toBe(true);

    await suite.env.sleep('2 days');
    const confluenceEvidence = await confluence.evidence();
    expect(confluenceEvidence).toMatchObject({ outcome: 'Expired', preExistingMembership: true });
    expect(confluenceEvidence.groupChanges.at(-1)).toMatchObject({
      group: 'confluence-users',
      action: 'kept',
      preExisting: true,
      reason: 'member before the grant: membership kept',
    });
    expect(confluenceUsers().members.has(frank)).toBe(true);
    expect(confluenceUsers().changes).toEqual([]); // Leasehold never touched it
    expect(jiraSoftwareUsers().changes.map((c) => c.op)).toEqual(['add', 'remove']);
  });
});
