import { retryRevocationUpdate } from '../../src/workflows/access-request/messages';
import { RELEASE_ATTEMPTS_PER_ROUND } from '../../src/workflows/group-lease/rounds';
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

  /** A grant whose revocation keeps failing, with the pauses between its rounds at their longest. */
  const failingRevocation = async () => {
    const r = await suite.start({ application: 'Confluence', accessType: 'User', duration: '1 day' });
    await r.until((s) => s.state === 'Active', 'the grant');
    await expect(
      r.handle.executeUpdate(retryRevocationUpdate, { args: [{ operator: 'dave', reason: 'too early' }] }),
    ).rejects.toThrow(); // nothing to retry while the grant is active
    confluenceUsers().removeFailure = outage;
    await suite.env.sleep('1 day');
    await suite.env.sleep('5 minutes'); // rounds of retries: their pauses are at the longest (30 s) by now
    await r.until((s) => s.state === 'RevocationFailing', 'the failing revocation');
    return r;
  };

  test('an operator retries a failing revocation now: the release is tried at once, not after its round pause', async () => {
    const r = await failingRevocation();
    // Test time in small steps until a round of attempts has just failed: its 30 s pause starts now.
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

  test('a retry asked while a round is still failing skips the pause after that round', async () => {
    const r = await failingRevocation();
    const attempts = () => confluenceUsers().attempts.removeMember;
    while (attempts() % RELEASE_ATTEMPTS_PER_ROUND !== 2) await suite.env.sleep(250); // mid-round
    const roundEnd = attempts() + RELEASE_ATTEMPTS_PER_ROUND - 2;
    confluenceUsers().removeFailure = (what) => (attempts() <= roundEnd ? outage(what) : undefined);
    const asked = Date.now();
    await r.handle.executeUpdate(retryRevocationUpdate, { args: [{ operator: 'dave', reason: 'token rotated' }] });
    await r.until((s) => s.state === 'Expired', 'the revocation after the retry');
    expect(attempts()).toBe(roundEnd + 1); // the rest of the round failed, the next round's first try removed
    expect(Date.now() - asked).toBeLessThan(5_000 + 8 * 1_000); // the round's own retries, not its 30 s pause
    expect(confluenceUsers().members.has(alice)).toBe(false);
  });
});
