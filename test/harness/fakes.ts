import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import type { Client } from '@temporalio/client';
import type { LeaseholdActivities } from '../../src/activities/contract';
import { leaseOperationSignal } from '../../src/workflows/group-lease/messages';

/**
 * The outside world of the fast workflow tests, in memory: a directory and Jira's write-back side.
 * Times are the test server's (when the activity attempt was scheduled), so they move with skipped time.
 */

/** What a connector throws for a transient outage (retried by the activity's policy). */
export const outage = (what: string): ApplicationFailure =>
  ApplicationFailure.create({ message: `${what}: 503 Service Unavailable`, type: 'TransientConnectorError' });

/** What a connector throws for a permanent refusal (not retried: e.g. the token lacks the permission). */
export const refusal = (what: string): ApplicationFailure =>
  ApplicationFailure.create({ message: `${what}: 403 Forbidden`, type: 'PermanentConnectorError', nonRetryable: true });

/** The test server's time of the running activity attempt (skipped time included). */
export const serverNow = (): number => Context.current().info.currentAttemptScheduledTimestampMs;

type DirectoryActivities = Pick<
  LeaseholdActivities,
  'isMember' | 'addMember' | 'removeMember' | 'verifyMembership' | 'ensureMember' | 'ensureRemoved'
>;

/** A directory group in memory: who is in it, every change made (when), and switches that make calls fail. */
export class FakeDirectoryGroup {
  readonly members = new Set<string>();
  readonly changes: Array<{ op: 'add' | 'remove'; userId: string; at?: number }> = [];
  /** Attempts of each call, failed ones included (an ensure… activity counts as its add or remove). */
  readonly attempts = { isMember: 0, addMember: 0, removeMember: 0 };
  readsFail = false;
  /** Adds and removes fail transiently. */
  writesFail = false;
  /** When set, every add (or remove) fails with what it returns (a remove succeeds where it returns nothing). */
  addFailure?: (what: string) => ApplicationFailure;
  removeFailure?: (what: string) => ApplicationFailure | undefined;

  activities(): DirectoryActivities {
    const add = async (userId: string) => {
      this.attempts.addMember++;
      if (this.addFailure) throw this.addFailure('addMember');
      if (this.writesFail) throw outage('addMember');
      this.members.add(userId);
      this.changes.push({ op: 'add', userId, at: serverNow() });
      return { status: 204, note: 'added' };
    };
    const remove = async (userId: string) => {
      this.attempts.removeMember++;
      const failure = this.removeFailure?.('removeMember');
      if (failure) throw failure;
      if (this.writesFail) throw outage('removeMember');
      this.members.delete(userId);
      this.changes.push({ op: 'remove', userId, at: serverNow() });
      return { status: 204, note: 'removed' };
    };
    // Reading back always shows the write here (the sandboxes' contract tests cover a lagging read).
    const verified = () => new Date().toISOString();
    return {
      isMember: async ({ userId }) => {
        this.attempts.isMember++;
        if (this.readsFail) throw outage('isMember');
        return this.members.has(userId);
      },
      addMember: ({ userId }) => add(userId),
      removeMember: ({ userId }) => remove(userId),
      verifyMembership: async () => verified(),
      ensureMember: async ({ userId }) => ({ answer: await add(userId), verifiedAt: verified() }),
      ensureRemoved: async ({ userId }) => ({ answer: await remove(userId), verifiedAt: verified() }),
    };
  }
}

/** The directory activities, each call made on the group `of` picks for it (the test's current group, say). */
export function directoryCallsTo(of: (input: { groupId: string }) => FakeDirectoryGroup): DirectoryActivities {
  return {
    isMember: (i) => of(i).activities().isMember(i),
    addMember: (i) => of(i).activities().addMember(i),
    removeMember: (i) => of(i).activities().removeMember(i),
    verifyMembership: (i) => of(i).activities().verifyMembership(i),
    ensureMember: (i) => of(i).activities().ensureMember(i),
    ensureRemoved: (i) => of(i).activities().ensureRemoved(i),
  };
}

/** Several directory groups, by id (`g-<name>`, as `resolveGroups` answers): calls go to the group they name. */
export class FakeDirectory {
  private readonly groups = new Map<string, FakeDirectoryGroup>();

  /** The group of that name (created empty on first use). */
  group(name: string): FakeDirectoryGroup {
    const id = FakeDirectory.groupId(name);
    let group = this.groups.get(id);
    if (!group) this.groups.set(id, (group = new FakeDirectoryGroup()));
    return group;
  }

  static groupId(name: string): string {
    return `g-${name}`;
  }

  /** The group a call names by id. */
  byId(groupId: string): FakeDirectoryGroup {
    return this.group(groupId.replace(/^g-/, ''));
  }

  activities(): DirectoryActivities {
    return directoryCallsTo((i) => this.byId(i.groupId));
  }
}

/** Jira's write-back side in memory: comments, transitions and attachments as they landed (when), and a switch for an outage. */
export class FakeJira {
  readonly comments: Array<{ issueKey: string; text: string; at?: number }> = [];
  readonly transitions: Array<{ issueKey: string; toStatus: string; at?: number }> = [];
  readonly attachments: Array<{ issueKey: string; fileName: string; json: string }> = [];
  down = false;

  /** Comments on an issue whose text starts with `prefix`. */
  commentsStarting(prefix: string, issueKey?: string): Array<{ issueKey: string; text: string; at?: number }> {
    return this.comments.filter(
      (c) => c.text.startsWith(prefix) && (issueKey === undefined || c.issueKey === issueKey),
    );
  }

  activities(): Pick<LeaseholdActivities, 'commentOnIssue' | 'transitionIssue' | 'attachEvidence'> {
    return {
      commentOnIssue: async ({ issueKey, text, dedupeKey }) => {
        if (this.down) throw outage('Jira add comment');
        const marked = `${text}\n\n[Leasehold ${dedupeKey}]`;
        if (!this.comments.some((c) => c.text === marked))
          this.comments.push({ issueKey, text: marked, at: serverNow() });
      },
      transitionIssue: async ({ issueKey, toStatus }) => {
        if (this.down) throw outage('Jira transition issue');
        // As the real gateway: an issue already in the status is not moved again (a retried activity, e.g.
        // one the time-skipping server timed out while it ran, changes nothing).
        const current = this.transitions.filter((t) => t.issueKey === issueKey).at(-1)?.toStatus;
        if (current === toStatus) return { changed: false };
        this.transitions.push({ issueKey, toStatus, at: serverNow() });
        return { changed: true };
      },
      attachEvidence: async ({ issueKey, fileName, json }) => {
        if (this.down) throw outage('Jira add attachment');
        this.attachments.push({ issueKey, fileName, json });
        return { as: 'attachment' as const };
      },
    };
  }
}

/** `sendLeaseOperation` as the real activity does it: signal-with-start of the membership's group lease. */
export const leaseHandOff =
  (client: Client, taskQueue: string): LeaseholdActivities['sendLeaseOperation'] =>
  async (op) => {
    await client.workflow.signalWithStart('groupLeaseWorkflow', {
      workflowId: `group-lease-${op.key.groupId}-${op.key.userId}`,
      taskQueue,
      args: [op.key],
      signal: leaseOperationSignal,
      signalArgs: [op],
    });
  };
