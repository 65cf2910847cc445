import { retryRevocationUpdate } from '../../src/workflows/access-request/messages';
import { outage } from '../harness/fakes';
import { people, requestSuite } from '../harness/requests';

/**
 * `leasehold request retry-revocation`: a revocation the directory keeps failing is tried again the
 * moment an operator asks (e.g. once the directory or its token is fixed), not after the pause between
 * its rounds of retries.
 */
describe('retry a failing revocation now', () => {
  const suite = requestSuite('revocation-retry-now');
  const confluenceUsers = () => suite.world.directory.group('confluence-users');
  const alice = people.alice.directoryUserId;

  test('an operator retries a failing revocation now: the release is tried at once, not after its round pause', async () => {
    const r = await suite.start({ application: 'Confluence', accessType: 'User', duration: '1 day' });
    await r.until((s) => s.state === 'Active', 'the grant');
    await expect(
      r.handle.executeUpdate(retryRevocationUpdate, { args: [{ operator: 'dave', reason: 'directory fixed' }] }),
    ).rejects.toThrow(); // nothing to retry while the grant is active
    confluenceUsers().removeFailure = outage;
    await suite.env.sleep('1 day');
    await suite.env.sleep('5 minutes'); // rounds of retries: their pauses are at the longest (30 s) by now
    await r.until((s) => s.state === 'RevocationFailing', 'the failing revocation');

    // Test time in small steps until a round of 10 attempts has just failed: its 30 s pause starts now.
    const attempts = () => confluenceUsers().attempts.removeMember;
    const before = attempts();
    while (attempts() === before || attempts() % 10 !== 0) await suite.env.sleep(250);
    confluenceUsers().removeFailure = undefined; // the directory is fixed
    const asked = Date.now();
    await r.handle.executeUpdate(retryRevocationUpdate, { args: [{ operator: 'dave', reason: 'directory fixed' }] });
    await r.until((s) => s.state === 'Expired', 'the revocation after the retry');
    expect(Date.now() - asked).toBeLessThan(5_000); // not after the 30 s pause (test time runs at real speed here)
    expect(confluenceUsers().members.has(alice)).toBe(false);
    const evidence = await r.evidence();
    expect(evidence.overrides).toEqual([
      expect.objectContaining({ action: 'retry-revocation', operator: 'dave', reason: 'directory fixed' }),
    ]);
  });
});
