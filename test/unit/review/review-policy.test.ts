import { authorizeReviewer, defaultDecision, recommend, resolveReviewers } from '../../../src/policy/review';
import type { ReviewedPerson, ReviewGroup } from '../../../src/workflows/review/types';

const DAY = 86_400_000;
const okta = { type: 'okta', orgUrl: 'http://okta.invalid', token: { env: 'T' }, maxSdkRetries: 0 } as const;
const group: ReviewGroup = {
  application: 'Salesforce',
  level: 'Admin',
  owner: 'carol@example.com',
  connectionName: 'okta',
  connection: okta,
  groupId: 'g1',
  groupName: 'sf-admin',
};
const erin: ReviewedPerson = {
  userId: 'u-erin',
  login: 'erin@example.com',
  email: 'erin@example.com',
  manager: { email: 'Bob@Example.com' },
};
const connections = (name: string) => (name === 'okta' ? okta : undefined);
const actor = (email: string, approverGroups: string[] = []) => ({ accountId: `acc-${email}`, email, approverGroups });

describe('who reviews an item', () => {
  test('the manager, the owner, named people and groups, each once and in lower case', () => {
    const reviewers = resolveReviewers(
      ['manager', 'app-owner', { user: 'BOB@example.com' }, { group: 'auditors', connection: 'okta' }],
      erin,
      group,
      connections,
    );
    expect(reviewers.users).toEqual(['bob@example.com', 'carol@example.com']);
    expect(reviewers.described).toEqual([
      'manager bob@example.com',
      'app-owner carol@example.com',
      'group okta:auditors (except erin@example.com)',
    ]);
    expect(reviewers.groups).toEqual([{ connectionName: 'okta', connection: okta, group: 'auditors' }]);
  });

  test('never the person under review: the owner reviewing their own access falls back to nobody but the manager', () => {
    const carol: ReviewedPerson = {
      userId: 'u-carol',
      login: 'carol@example.com',
      email: 'carol@example.com',
      manager: { email: 'dave@example.com' },
    };
    expect(resolveReviewers(['app-owner', 'manager'], carol, group, connections).users).toEqual(['dave@example.com']);
    // No manager recorded, the owner is the person: nobody can decide (the default applies at the end).
    expect(
      resolveReviewers(['app-owner', 'manager'], { ...carol, manager: undefined }, group, connections).users,
    ).toEqual([]);
  });

  test('no manager recorded: the application owner reviews', () => {
    const reviewers = resolveReviewers(['manager'], { ...erin, manager: undefined }, group, connections);
    expect(reviewers.described).toEqual(['app-owner (fallback) carol@example.com']);
  });
});

describe('whose decision counts', () => {
  const item = {
    person: erin,
    reviewers: resolveReviewers(['manager', { group: 'auditors', connection: 'okta' }], erin, group, connections),
  };

  test('the manager, or a member of the reviewer group', () => {
    expect(authorizeReviewer(item, actor('bob@example.com'))).toEqual({
      authorized: true,
      as: 'manager bob@example.com',
    });
    expect(authorizeReviewer(item, actor('frank@example.com', ['auditors']))).toEqual({
      authorized: true,
      as: 'group okta:auditors',
    });
  });

  test('not the person under review, even as a member of the reviewer group; not anyone else', () => {
    expect(authorizeReviewer(item, actor('ERIN@example.com', ['auditors']))).toEqual({
      authorized: false,
      reason: 'ERIN@example.com is the person under review',
    });
    expect(authorizeReviewer(item, actor('mallory@example.com'))).toEqual({
      authorized: false,
      reason: expect.stringContaining(
        'mallory@example.com is not a reviewer of this item (reviewers: manager bob@example.com',
      ),
    });
    expect(authorizeReviewer(item, { accountId: 'app-1', approverGroups: [], unresolvable: 'deleted' })).toEqual({
      authorized: false,
      reason: 'account app-1 cannot be resolved in Jira (deleted)',
    });
  });
});

describe('recommendation and default', () => {
  const now = Date.parse('2026-12-04T00:00:00Z');
  test('revoke after the threshold without a sign-in; keep within it; none without a sign-in time', () => {
    const policy = { recommendRevokeAfterMs: 90 * DAY };
    expect(recommend({ ...erin, lastActivity: new Date(now - 91 * DAY).toISOString() }, policy, now).decision).toBe(
      'revoke',
    );
    expect(recommend({ ...erin, lastActivity: new Date(now - 89 * DAY).toISOString() }, policy, now).decision).toBe(
      'keep',
    );
    expect(recommend(erin, policy, now)).toEqual({
      decision: 'none',
      reason: expect.stringContaining('no sign-in time'),
    });
  });

  test('undecided items get the campaign default, or follow the recommendation (kept when there is none)', () => {
    const revoke = { decision: 'revoke' as const, reason: 'idle' };
    expect(defaultDecision('keep', revoke).decision).toBe('keep');
    expect(defaultDecision('revoke', { decision: 'keep', reason: 'active' }).decision).toBe('revoke');
    expect(defaultDecision('recommendation', revoke)).toEqual({
      decision: 'revoke',
      reason: expect.stringContaining('recommendation applies (idle)'),
    });
    expect(defaultDecision('recommendation', { decision: 'none', reason: 'no sign-in time' }).decision).toBe('keep');
  });
});
