import {
  approvalsMissing,
  authorizeApprover,
  grantDuration,
  isAutoApproved,
  maxDuration,
  type ApprovalContext,
  type ApproverFacts,
} from '../../../src/policy/approval';
import { accessLevelSchema, type AccessLevel } from '../../../src/policy/schema';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/** An access level as the schema makes it (defaults applied), with overrides. */
function level(overrides: Record<string, unknown> = {}): AccessLevel {
  return accessLevelSchema.parse({
    name: 'Admin',
    connection: 'okta',
    groups: ['github-admins'],
    risk: 'high',
    approval: {
      approvers: [
        'manager',
        'app-owner',
        { user: 'dave@example.com' },
        { group: 'security-oncall', connection: 'okta' },
      ],
      required: 2,
    },
    duration: { default: '8 hours', max: '1 day' },
    ...overrides,
  });
}

const ctx: ApprovalContext = {
  requesterAccountId: 'acc-alice',
  requesterEmail: 'alice@example.com',
  managerEmail: 'bob@example.com',
  ownerEmail: 'carol@example.com',
};

const actor = (accountId: string, email: string | undefined, approverGroups: string[] = []): ApproverFacts => ({
  accountId,
  email,
  approverGroups,
});

describe('who may approve (authorizeApprover)', () => {
  test.each([
    ['the manager', actor('acc-bob', 'bob@example.com'), 'manager'],
    ['the manager, whatever the case of the email', actor('acc-bob', 'Bob@Example.COM'), 'manager'],
    ['the application owner', actor('acc-carol', 'carol@example.com'), 'app-owner'],
    ['a named user', actor('acc-dave', 'DAVE@example.com'), 'dave@example.com'],
    [
      'a member of an approver group',
      actor('acc-erin', 'erin@example.com', ['security-oncall']),
      'group security-oncall',
    ],
  ])('%s counts', (_who, facts, as) => {
    expect(authorizeApprover(level(), ctx, facts)).toEqual({ authorized: true, as });
  });

  test('the requester never counts: not as manager, owner, named user or group member', () => {
    const everything = level();
    const selfApproving: ApprovalContext = {
      ...ctx,
      managerEmail: 'alice@example.com',
      ownerEmail: 'alice@example.com',
    };
    const asRequester = [
      actor('acc-alice', 'alice@example.com', ['security-oncall']),
      // same Jira account, email hidden by Jira
      actor('acc-alice', undefined, ['security-oncall']),
      // another account carrying the requester's email
      actor('acc-alice-2', 'ALICE@example.com', ['security-oncall']),
    ];
    for (const facts of asRequester) {
      expect(authorizeApprover(everything, selfApproving, facts)).toEqual({
        authorized: false,
        reason: 'the requester cannot approve their own request',
      });
    }
    const named = level({ approval: { approvers: [{ user: 'alice@example.com' }, 'manager'], required: 2 } });
    expect(authorizeApprover(named, ctx, actor('acc-alice', 'alice@example.com')).authorized).toBe(false);
  });

  test('people outside the policy do not count, and are told who may approve', () => {
    const managerOnly = level({ risk: 'medium', approval: { approvers: ['manager'], required: 1 } });
    expect(authorizeApprover(managerOnly, ctx, actor('acc-carol', 'carol@example.com'))).toEqual({
      authorized: false,
      reason: 'carol@example.com is not an authorized approver (allowed: manager)',
    });
    expect(authorizeApprover(level(), ctx, actor('acc-frank', 'frank@example.com', ['some-other-group']))).toEqual({
      authorized: false,
      reason:
        'frank@example.com is not an authorized approver (allowed: manager, app-owner, dave@example.com, group security-oncall)',
    });
  });

  test('without an email (hidden by Jira) only a group membership can identify an approver', () => {
    expect(authorizeApprover(level(), ctx, actor('acc-bob', undefined))).toEqual({
      authorized: false,
      reason: expect.stringContaining('account acc-bob is not an authorized approver'),
    });
    expect(authorizeApprover(level(), ctx, actor('acc-erin', undefined, ['security-oncall']))).toEqual({
      authorized: true,
      as: 'group security-oncall',
    });
  });

  test('a requester with no manager in the directory has no manager approver', () => {
    const noManager: ApprovalContext = { ...ctx, managerEmail: undefined };
    const managerOnly = level({ risk: 'medium', approval: { approvers: ['manager'], required: 1 } });
    expect(authorizeApprover(managerOnly, noManager, actor('acc-bob', 'bob@example.com')).authorized).toBe(false);
  });
});

describe('counting approvals (approvalsMissing)', () => {
  test('counts distinct people, not approval events', () => {
    const twoNeeded = level();
    expect(approvalsMissing(twoNeeded, [])).toBe(2);
    expect(approvalsMissing(twoNeeded, ['bob@example.com'])).toBe(1);
    expect(approvalsMissing(twoNeeded, ['bob@example.com', 'bob@example.com', 'BOB@example.com'])).toBe(1);
    expect(approvalsMissing(twoNeeded, ['bob@example.com', 'carol@example.com'])).toBe(0);
    expect(approvalsMissing(twoNeeded, ['bob@example.com', 'carol@example.com', 'dave@example.com'])).toBe(0);
  });

  test('one approval is required unless the level says otherwise', () => {
    const defaulted = level({ risk: 'medium', approval: { approvers: ['manager'] } });
    expect(defaulted.approval.required).toBe(1);
    expect(approvalsMissing(defaulted, [])).toBe(1);
    expect(approvalsMissing(defaulted, ['bob@example.com'])).toBe(0);
  });
});

describe('auto-approval (isAutoApproved)', () => {
  test('only low-risk levels marked autoApprove skip approval', () => {
    expect(isAutoApproved(level({ risk: 'low', autoApprove: true, approval: { approvers: ['manager'] } }))).toBe(true);
    expect(isAutoApproved(level({ risk: 'low', approval: { approvers: ['manager'] } }))).toBe(false);
    expect(isAutoApproved(level())).toBe(false);
  });
});

describe('the duration granted (grantDuration, maxDuration)', () => {
  const capped = level({
    risk: 'medium',
    approval: { approvers: ['manager'] },
    duration: { default: '8 hours', max: '1 day' },
  });

  test('no requested duration → the default', () => {
    expect(grantDuration(capped, undefined)).toEqual({ ms: 8 * HOUR, capped: false });
  });

  test('a requested duration within the maximum is granted as asked, shorter than the default too', () => {
    expect(grantDuration(capped, 30 * 60_000)).toEqual({ ms: 30 * 60_000, capped: false });
    expect(grantDuration(capped, DAY)).toEqual({ ms: DAY, capped: false });
  });

  test('a requested duration beyond the maximum is capped at the maximum', () => {
    expect(grantDuration(capped, 7 * DAY)).toEqual({ ms: DAY, capped: true });
    expect(grantDuration(capped, DAY + 1)).toEqual({ ms: DAY, capped: true });
  });

  test('a level without a maximum grants what is asked', () => {
    const unbounded = level({ risk: 'low', approval: { approvers: ['manager'] }, duration: { default: '30 days' } });
    expect(maxDuration(unbounded)).toBeUndefined();
    expect(grantDuration(unbounded, 365 * DAY)).toEqual({ ms: 365 * DAY, capped: false });
    expect(grantDuration(unbounded, undefined)).toEqual({ ms: 30 * DAY, capped: false });
  });

  test('maxDuration is the maximum in milliseconds', () => {
    expect(maxDuration(capped)).toBe(DAY);
  });
});
