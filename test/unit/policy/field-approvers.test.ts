import { authorizeApprover } from '../../../src/policy/approval';
import { accountIdsOf, fieldAtCreation } from '../../../src/policy/field-approvers';
import type { AccessLevel } from '../../../src/policy/schema';

const assignee = { name: 'Assignee', id: 'assignee' };
const entry = (
  id: string,
  by: string,
  created: string,
  from: string | null,
  to: string | null,
  field = 'assignee',
) => ({
  id,
  authorAccountId: by,
  created,
  items: [{ field, fieldId: field, from, to, fromString: from, toString: to }],
});

describe('who was in an approver field when the request was raised', () => {
  test('the current value with every later change undone', () => {
    const entries = [
      entry('1', 'acc-alice', '2026-12-04T10:01:00.000+0000', 'acc-carol', 'acc-alice'),
      entry('2', 'acc-alice', '2026-12-04T10:02:00.000+0000', 'acc-alice', 'acc-frank'),
    ];
    expect(fieldAtCreation(assignee, ['acc-frank'], entries)).toEqual({
      atCreation: ['acc-carol'],
      changes: [
        { field: 'Assignee', byAccountId: 'acc-alice', at: '2026-12-04T10:01:00.000Z', to: ['acc-alice'] },
        { field: 'Assignee', byAccountId: 'acc-alice', at: '2026-12-04T10:02:00.000Z', to: ['acc-frank'] },
      ],
    });
  });

  test('never changed: the current value; unassigned at creation: nobody; other fields are not this one', () => {
    expect(
      fieldAtCreation(assignee, ['acc-carol'], [entry('1', 'x', '2026-12-04T10:00:00Z', 'a', 'b', 'status')]),
    ).toEqual({
      atCreation: ['acc-carol'],
      changes: [],
    });
    expect(
      fieldAtCreation(assignee, ['acc-bob'], [entry('1', 'acc-alice', '2026-12-04T10:00:00Z', null, 'acc-bob')])
        .atCreation,
    ).toEqual([]);
  });

  test('a multi-user field (JSM Approvers): lists in the value and in the changelog', () => {
    const approvers = { name: 'Approvers', id: 'customfield_10003' };
    expect(accountIdsOf([{ accountId: 'a1' }, { accountId: 'a2' }])).toEqual(['a1', 'a2']);
    const changed = entry(
      '1',
      'acc-alice',
      '2026-12-04T10:00:00Z',
      '[a1, a2]',
      '[a1, a2, acc-alice]',
      'customfield_10003',
    );
    expect(fieldAtCreation(approvers, ['a1', 'a2', 'acc-alice'], [changed]).atCreation).toEqual(['a1', 'a2']);
  });
});

describe('a field approver', () => {
  const level = { approval: { approvers: [{ field: 'Assignee' }], required: 1 } } as unknown as AccessLevel;
  const ctx = {
    requesterAccountId: 'acc-alice',
    requesterEmail: 'alice@example.com',
    ownerEmail: 'carol@example.com',
    fieldApprovers: { Assignee: ['acc-carol'] },
  };
  test('counts when they were in the field at the request; nobody else does, the requester never', () => {
    expect(
      authorizeApprover(level, ctx, { accountId: 'acc-carol', email: 'carol@example.com', approverGroups: [] }),
    ).toEqual({
      authorized: true,
      as: 'Assignee at request',
    });
    expect(
      authorizeApprover(level, ctx, { accountId: 'acc-frank', email: 'frank@example.com', approverGroups: [] }),
    ).toEqual({
      authorized: false,
      reason: 'frank@example.com is not an authorized approver (allowed: the Assignee field)',
    });
    const self = { ...ctx, fieldApprovers: { Assignee: ['acc-alice'] } };
    expect(
      authorizeApprover(level, self, { accountId: 'acc-alice', email: 'alice@example.com', approverGroups: [] })
        .authorized,
    ).toBe(false);
  });
});
