import { outage } from '../harness/fakes';
import { HOUR, MINUTE, between, people, requestSuite } from '../harness/requests';

/**
 * A revocation the directory keeps failing (503s) for hours past the expiry: the request says so
 * (state, search attribute, one ALERT in Jira) and keeps trying; once the directory answers, the
 * access is removed and the evidence shows how late. Releases retry fast for the first 10 minutes, then
 * back off to a few calls a minute: a directory down for hours is not hammered, and removal follows its
 * return within about a minute.
 */
const OUTAGE_HOURS = 2;

describe('revocation failing for hours', () => {
  const suite = requestSuite('revocation-failing');
  const confluenceUsers = () => suite.world.directory.group('confluence-users');
  const alice = people.alice.directoryUserId;

  test(`the directory fails the removal for ${OUTAGE_HOURS} hours past the expiry: RevocationFailing with an ALERT, then removed and closed Expired, late`, async () => {
    const r = await suite.start({ application: 'Confluence', accessType: 'User', duration: '1 day' });
    const active = await r.until((s) => s.state === 'Active', 'the grant');
    confluenceUsers().removeFailure = outage;

    await suite.env.sleep('1 day');
    await suite.env.sleep('5 minutes');
    const failing = await r.until((s) => s.state === 'RevocationFailing', 'the failing revocation');
    expect(failing.problem!.message).toBe('release in confluence-users: removeMember: 503 Service Unavailable');
    expect(failing.revocation).toMatchObject({ reason: 'expired' });
    expect(failing.revocation!.completedAt).toBeUndefined();
    expect(await r.stateAttribute()).toBe('RevocationFailing');
    const alert = await suite.comment(
      'ALERT: revoking this access keeps failing (release in confluence-users: removeMember: 503 Service Unavailable).',
      r.issueKey,
    );
    expect(alert.text).toContain('operators can filter LeaseholdState = "RevocationFailing"');
    expect(confluenceUsers().members.has(alice)).toBe(true); // honest: the access has not ended

    await suite.env.sleep(OUTAGE_HOURS * HOUR - 5 * MINUTE);
    expect((await r.state()).state).toBe('RevocationFailing');
    // It never stopped trying, and backed off: fast for 10 minutes, then 3 calls about a minute apart.
    const attempts = confluenceUsers().attempts.removeMember;
    expect(attempts).toBeGreaterThan(OUTAGE_HOURS * 60 * 2);
    expect(attempts).toBeLessThan(OUTAGE_HOURS * 60 * 4 + 200);
    expect(suite.world.jira.commentsStarting('ALERT:')).toHaveLength(1); // alerted once, not once per round

    confluenceUsers().removeFailure = undefined; // the directory answers again
    const evidence = await r.evidence();
    expect(evidence.outcome).toBe('Expired');
    expect(confluenceUsers().members.has(alice)).toBe(false);
    const removed = evidence.groupChanges.at(-1)!;
    expect(removed).toMatchObject({ action: 'removed', group: 'confluence-users' });
    // Late by the outage, visibly: the expiry, when revocation was asked, and when the directory removed the access.
    const late = between(active.expiresAt!, removed.at);
    expect(late).toBeGreaterThan(OUTAGE_HOURS * HOUR - MINUTE);
    expect(late).toBeLessThan(OUTAGE_HOURS * HOUR + 2 * MINUTE); // within a backed-off round of the return
    expect(between(active.expiresAt!, evidence.revocation!.requestedAt)).toBeLessThan(5_000);
    expect(between(evidence.revocation!.requestedAt, evidence.revocation!.completedAt!)).toBeGreaterThan(
      OUTAGE_HOURS * HOUR - MINUTE,
    );
    expect(await r.stateAttribute()).toBe('Expired');
    expect(
      suite.world.jira.commentsStarting('Access expired: alice@example.com removed from confluence-users.', r.issueKey),
    ).toHaveLength(1);
  });
});
