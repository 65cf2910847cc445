import { reconcileGroup } from '../../../src/workflows/drift/reconcile';
import type { DriftFinding, GroupSnapshot, LeaseView } from '../../../src/workflows/drift/types';

const group = { connectionName: 'okta', groupId: 'g1', groupName: 'aws-prod-admins' };
const member = (id: string) => ({ id, login: `${id}@example.com` });
const lease = (userId: string, membership: LeaseView['membership'], holders: string[] = []): LeaseView => ({
  userId,
  workflowId: `group-lease-okta-g1-${userId}`,
  membership,
  holders: holders.map((issueKey) => ({
    leaseId: `l-${issueKey}`,
    holderWorkflowId: `access-request-${issueKey}`,
    issueKey,
  })),
});
const snapshot = (members: string[], leases: LeaseView[] = [], at = '2026-12-04T10:00:00.000Z'): GroupSnapshot => ({
  group,
  members: members.map(member),
  leases,
  at,
});
const kinds = (findings: DriftFinding[]) => findings.map((f) => [f.kind, f.userId]);

describe('drift: which memberships Leasehold cannot explain', () => {
  test('the first reconciliation of a group records its unleased members as there before Leasehold, and reports nothing', () => {
    const result = reconcileGroup(snapshot(['erin', 'alice'], [lease('alice', 'managed', ['ACCESS-1'])]), {}, []);
    expect(result.findings).toEqual([]);
    expect(result.baseline).toEqual(['erin']);
    expect(result.baselined).toBe(1);
  });

  test('a member added outside Leasehold after the baseline is reported; baselined and leased members are not', () => {
    const result = reconcileGroup(
      snapshot(['erin', 'alice', 'mallory'], [lease('alice', 'managed', ['ACCESS-1'])]),
      { 'okta:g1': ['erin'] },
      [],
    );
    expect(kinds(result.findings)).toEqual([['unmanaged', 'mallory']]);
    expect(result.findings[0]).toEqual(
      expect.objectContaining({
        id: 'unmanaged:okta:g1:mallory',
        userLogin: 'mallory@example.com',
        action: 'reported',
      }),
    );
  });

  test('a membership a grant holds, gone from the directory, is reported with the requests that hold it', () => {
    const result = reconcileGroup(
      snapshot(['erin'], [lease('alice', 'managed', ['ACCESS-1'])]),
      { 'okta:g1': ['erin'] },
      [],
    );
    expect(kinds(result.findings)).toEqual([['missing', 'alice']]);
    expect(result.findings[0]!.heldBy).toEqual(['ACCESS-1']);
  });

  test('a lease with no holder (acquiring, or just released) is not a missing membership', () => {
    const result = reconcileGroup(
      snapshot([], [lease('alice', 'none'), lease('bob', 'managed', [])]),
      { 'okta:g1': [] },
      [],
    );
    expect(result.findings).toEqual([]);
  });

  test('a member a lease found there before their grant joins the baseline, so its end does not make them drift', () => {
    const during = reconcileGroup(
      snapshot(['erin'], [lease('erin', 'pre-existing', ['ACCESS-2'])]),
      { 'okta:g1': [] },
      [],
    );
    expect(during.baseline).toEqual(['erin']);
    const after = reconcileGroup(snapshot(['erin']), { 'okta:g1': during.baseline }, []);
    expect(after.findings).toEqual([]);
  });

  test('a baselined member who leaves is forgotten: rejoining without a grant is drift', () => {
    const left = reconcileGroup(snapshot([]), { 'okta:g1': ['erin'] }, []);
    expect(left.baseline).toEqual([]);
    const back = reconcileGroup(snapshot(['erin']), { 'okta:g1': left.baseline }, []);
    expect(kinds(back.findings)).toEqual([['unmanaged', 'erin']]);
  });

  test('an open finding keeps when it was first seen and where it was reported', () => {
    const open: DriftFinding = {
      id: 'unmanaged:okta:g1:mallory',
      kind: 'unmanaged',
      ...group,
      userId: 'mallory',
      userLogin: 'mallory@example.com',
      firstSeen: '2026-12-01T00:00:00.000Z',
      action: 'reported',
      reportedIn: 'ACCESS-9',
    };
    const result = reconcileGroup(snapshot(['mallory']), { 'okta:g1': [] }, [open]);
    expect(result.findings).toEqual([open]);
  });
});
