import type { JiraChangelogEntry } from '../../../src/connectors/jira/jira-gateway';
import { matchDecision } from '../../../src/policy/decision-source';

const BOB = '5b10a2844c20165700ede21b';
const MALLORY = '5b10a2844c20165700ede220';

const entry = (id: string, author: string, to: string, created: string, field = 'status'): JiraChangelogEntry => ({
  id,
  authorAccountId: author,
  created,
  items: [{ field, fieldId: field, from: '10002', fromString: 'Waiting for approval', to: '10010', toString: to }],
});

const changelog = [
  entry('10101', BOB, 'Approved by Manager', '2026-12-02T10:00:00.000+0000'),
  entry('10102', MALLORY, 'Waiting for approval', '2026-12-02T10:01:00.000+0000'),
  entry('10103', BOB, 'Approved by Manager', '2026-12-02T10:30:00.000+0000'),
];
const none = new Set<string>();

describe('matchDecision: a decision counts only if Jira recorded it', () => {
  test("a webhook claim with its changelog id is confirmed by that entry, with Jira's time", () => {
    const match = matchDecision(
      changelog,
      { status: 'approved by manager', actorAccountId: BOB, at: '2026-12-02T10:00:00.300Z', changelogId: '10101' },
      none,
      Date.parse('2026-12-02T10:00:00.400Z'), // received before Mallory's move at 10:01
    );
    expect(match).toEqual({
      confirmed: true,
      source: { changelogId: '10101', accountId: BOB, at: '2026-12-02T10:00:00.000Z', status: 'Approved by Manager' },
    });
  });

  test('a claim naming an entry made by someone else, to another status, at another time, or not on the issue is refused', () => {
    const claim = { status: 'Approved by Manager', actorAccountId: BOB, at: '2026-12-02T10:01:00.000Z' };
    expect(matchDecision(changelog, { ...claim, changelogId: '10102' }, none)).toEqual({
      confirmed: false,
      reason: 'changelog entry 10102 was made by another account',
    });
    expect(matchDecision(changelog, { ...claim, actorAccountId: MALLORY, changelogId: '10102' }, none)).toEqual({
      confirmed: false,
      reason: 'changelog entry 10102 is not a change to "Approved by Manager"',
    });
    expect(
      matchDecision(changelog, { ...claim, at: '2026-12-02T11:00:00.000Z', changelogId: '10103' }, none),
    ).toMatchObject({ confirmed: false, reason: expect.stringMatching(/was made at .*, not at/) });
    expect(matchDecision(changelog, { ...claim, changelogId: '99999' }, none)).toEqual({
      confirmed: false,
      reason: 'Jira has no changelog entry 99999 on this issue',
    });
  });

  test('each entry counts once', () => {
    const claim = {
      status: 'Approved by Manager',
      actorAccountId: BOB,
      at: '2026-12-02T10:00:00.000Z',
      changelogId: '10101',
    };
    expect(matchDecision(changelog, claim, new Set(['10101']))).toEqual({
      confirmed: false,
      reason: 'changelog entry 10101 was already counted',
    });
  });

  test('without an id (Jira Automation) the newest uncounted entry by that account to that status near that time confirms it', () => {
    const claim = { status: 'Approved by Manager', actorAccountId: BOB, at: '2026-12-02T10:31:00.000Z' };
    expect(matchDecision(changelog, claim, none)).toMatchObject({ confirmed: true, source: { changelogId: '10103' } });
    expect(matchDecision(changelog, claim, new Set(['10103']))).toEqual({
      confirmed: false,
      reason: 'every matching changelog entry was already counted',
    });
    expect(matchDecision(changelog, { ...claim, at: '2026-12-02T12:00:00.000Z' }, none)).toMatchObject({
      confirmed: false,
      reason: expect.stringMatching(/no change to "Approved by Manager" by this account/),
    });
  });

  test('a forged claim with a real approver but no change in Jira is refused', () => {
    expect(
      matchDecision([], { status: 'Approved by Manager', actorAccountId: BOB, at: '2026-12-02T10:00:00.000Z' }, none),
    ).toMatchObject({ confirmed: false });
    // A change of another field to a value that reads like the status does not count either.
    const other = [entry('10200', BOB, 'Approved by Manager', '2026-12-02T10:00:00.000+0000', 'labels')];
    expect(
      matchDecision(
        other,
        { status: 'Approved by Manager', actorAccountId: BOB, at: '2026-12-02T10:00:00.000Z', changelogId: '10200' },
        none,
      ),
    ).toMatchObject({ confirmed: false });
  });

  describe('a change the issue had moved on from when it arrived does not count', () => {
    const approval = {
      status: 'Approved by Manager',
      actorAccountId: BOB,
      at: '2026-12-02T10:00:00.000Z',
      changelogId: '10101',
    };

    test('received after the next status change (a replay of an old delivery): superseded, naming that change', () => {
      expect(matchDecision(changelog, approval, none, Date.parse('2026-12-02T10:05:00.000Z'))).toEqual({
        confirmed: false,
        superseded: true,
        reason:
          'superseded: the issue moved on to "Waiting for approval" (changelog entry 10102, 2026-12-02T10:01:00.000+0000)' +
          ' before this change was delivered (2026-12-02T10:05:00.000Z)',
      });
    });

    test('a claim with no valid receipt (sent straight to Temporal) is judged as of now: any later status change supersedes it', () => {
      expect(matchDecision(changelog, approval, none)).toMatchObject({
        confirmed: false,
        superseded: true,
        reason: expect.stringMatching(/moved on to "Waiting for approval" .* before it was verified$/),
      });
      // The same approval made again later is the current status: it counts.
      expect(
        matchDecision(changelog, { ...approval, at: '2026-12-02T10:30:00.000Z', changelogId: '10103' }, none),
      ).toMatchObject({ confirmed: true, source: { changelogId: '10103' } });
    });

    test('changes of other fields after it do not supersede it', () => {
      const withLabel = [changelog[0]!, entry('10150', MALLORY, 'urgent', '2026-12-02T10:00:30.000+0000', 'labels')];
      expect(matchDecision(withLabel, approval, none)).toMatchObject({ confirmed: true });
    });

    test('without an id (Jira Automation) the matched entry is held to the same rule', () => {
      const automation = { status: 'Approved by Manager', actorAccountId: BOB, at: '2026-12-02T10:00:10.000Z' };
      expect(matchDecision(changelog, automation, none, Date.parse('2026-12-02T10:00:20.000Z'))).toMatchObject({
        confirmed: true,
        source: { changelogId: '10101' },
      });
      expect(matchDecision(changelog, automation, none, Date.parse('2026-12-02T10:02:00.000Z'))).toMatchObject({
        confirmed: false,
        superseded: true,
      });
    });
  });
});
