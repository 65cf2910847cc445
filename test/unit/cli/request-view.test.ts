import { renderRequest } from '../../../src/cli/request-view';
import type { RequestSnapshot } from '../../../src/workflows/access-request/types';

const base = (): RequestSnapshot => ({
  workflowId: 'access-request-ACCESS-12',
  issueKey: 'ACCESS-12',
  state: 'AwaitingApproval',
  input: {
    issueKey: 'ACCESS-12',
    application: 'Jira Software',
    accessType: 'Admin',
    duration: '1 day',
    justification: 'migrate workflows',
    requester: { accountId: 'acc-alice', displayName: 'Alice' },
    requestedAt: '2025-03-01T09:00:00.000Z',
  },
  requester: { accountId: 'acc-alice', email: 'alice@example.com', displayName: 'Alice' },
  durationCapped: false,
  approvals: [
    {
      eventId: 'e1',
      issueKey: 'ACCESS-12',
      accountId: 'acc-bob',
      email: 'bob@example.com',
      as: 'manager',
      at: '2025-03-01T09:05:00.000Z',
    },
  ],
  ignored: [],
  autoApproved: false,
  groupChanges: [],
  extensions: [],
});

describe('`request show` for people', () => {
  test('while waiting: the approvals so far, who is still needed and the deadline', () => {
    const text = renderRequest({
      ...base(),
      awaiting: {
        for: 'grant',
        required: 2,
        have: 1,
        approvers: ['app-owner carol@example.com'],
        deadline: '2025-03-03T09:00:00.000Z',
      },
    });
    expect(text).toContain('ACCESS-12  AwaitingApproval');
    expect(text).toMatch(/^requester\s+alice@example.com \(Alice\)$/m);
    expect(text).toMatch(/^approvals\s+bob@example.com as manager at 2025-03-01T09:05:00.000Z$/m);
    expect(text).toMatch(
      /^waiting for\s+1 of 2 approvals for the grant; still needed from: app-owner carol@example.com; deadline 2025-03-03T09:00:00.000Z$/m,
    );
    expect(text).not.toMatch(/^granted/m);
  });

  test('an active grant with an extension, group changes, a problem and Jira trouble', () => {
    const text = renderRequest({
      ...base(),
      state: 'RevocationFailing',
      rule: {
        version: 3,
        application: 'Jira Software',
        owner: 'carol@example.com',
        level: { name: 'Admin', groups: ['jira-admins'] } as never,
        connectionName: 'okta',
        connection: {} as never,
      },
      grantedAt: '2025-03-01T10:00:00.000Z',
      expiresAt: '2025-03-02T10:00:00.000Z',
      extensions: [
        {
          by: 'operator dave: incident',
          from: '2025-03-02T08:00:00.000Z',
          to: '2025-03-02T10:00:00.000Z',
          capped: false,
          at: '2025-03-01T12:00:00.000Z',
          approvals: [],
        },
      ],
      groupChanges: [
        {
          group: 'jira-admins',
          groupId: 'g1',
          connection: 'okta',
          action: 'added',
          reason: '',
          preExisting: false,
          at: '2025-03-01T10:00:00.000Z',
        },
      ],
      problem: { message: 'removal in jira-admins: 403 Forbidden', since: '2025-03-02T10:00:05.000Z', attempts: 4 },
      jiraWriteBack: {
        pending: 2,
        done: 5,
        failing: { since: '2025-03-02T10:01:00.000Z', rounds: 3, error: 'Jira answered 503' },
      },
      revocation: { reason: 'expired', requestedAt: '2025-03-02T10:00:00.000Z' },
    });
    expect(text).toMatch(/^access\s+Jira Software \/ Admin: groups jira-admins in connection okta \(rules v3\)$/m);
    expect(text).toMatch(/^expires\s+2025-03-02T10:00:00.000Z$/m);
    expect(text).toMatch(
      /^extensions\s+2025-03-02T08:00:00.000Z → 2025-03-02T10:00:00.000Z by operator dave: incident/m,
    );
    expect(text).toMatch(/^group changes\s+added\s+jira-admins \(okta\)\s+2025-03-01T10:00:00.000Z$/m);
    expect(text).toMatch(
      /^problem\s+removal in jira-admins: 403 Forbidden \(since 2025-03-02T10:00:05.000Z, 4 attempts\)$/m,
    );
    expect(text).toMatch(
      /^jira\s+write-back failing since 2025-03-02T10:01:00.000Z \(3 rounds, 2 pending\): Jira answered 503$/m,
    );
    expect(text).toMatch(/^revocation\s+expired, requested 2025-03-02T10:00:00.000Z, not completed yet$/m);
  });
});
