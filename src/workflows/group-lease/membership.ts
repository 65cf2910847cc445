import { failureMessage, rateLimitWaitMs } from '../failures';
import { isCancellation, patched, sleep } from '@temporalio/workflow';
import { directoryCalls, localMembershipCheck, notStartedInTime } from './directory-calls';
import { persist, Preempted, type ApplyOptions } from './rounds';
import type { GroupLeaseState, LeaseOperation, LeaseOutcome } from './types';

/**
 * Applying one lease operation to the membership: an acquire adds the user for the first lease (or
 * records a membership that was there before), a release removes them when the last lease ends and
 * never when they were a member before Leasehold.
 */

export async function apply(
  state: GroupLeaseState,
  op: LeaseOperation,
  options: ApplyOptions = {},
): Promise<LeaseOutcome> {
  state.key = op.key; // the holder's pinned connection settings are the freshest we know
  // The connection's own queue (rate-limited); should no worker serve it, the lease's queue serves the next round.
  let unserved = false;
  const calls = () => directoryCalls(unserved ? undefined : op.key.taskQueue);
  const ref = {
    connectionName: op.key.connectionName,
    connection: op.key.connection,
    groupId: op.key.groupId,
    userId: op.key.userId,
  };
  const base = { opId: op.opId, kind: op.kind, leaseId: op.leaseId, groupId: op.key.groupId };
  const others = (): string[] => state.holders.filter((h) => h.leaseId !== op.leaseId).map((h) => h.issueKey);
  const now = (): string => new Date().toISOString();
  const call = <T>(fn: (backedOff: boolean) => Promise<T>, read = false): Promise<T> =>
    persist(
      op,
      (backedOff) =>
        fn(backedOff).catch((err: unknown) => {
          unserved ||= notStartedInTime(err);
          throw err;
        }),
      options,
      read,
    );
  // Activity summaries: what each directory call is for, in the Temporal UI.
  const user = op.key.userLogin;
  const group = `${op.key.groupName} (${op.key.connectionName})`;
  const said = (summary: string) => ({ summary });

  try {
    if (op.kind === 'acquire') {
      let local = patched('lease-check-local');
      const member = await call(async () => {
        const ask = said(`is ${user} in ${group}?`);
        if (local) {
          local = false;
          const answer = await localMembershipCheck.isMember
            .executeWithOptions(ask, [ref])
            .catch(async (err: unknown) => {
              if (isCancellation(err)) throw err;
              // The activity below reads it, with its retries; after the wait a rate limit asked for.
              const wait = rateLimitWaitMs(err);
              if (wait !== undefined) await sleep(wait);
              return undefined;
            });
          if (answer !== undefined) return answer;
        }
        return calls().idp.isMember.executeWithOptions(ask, [ref]);
      }, true);
      if (member) {
        hold(state, op);
        if (state.membership === 'none') state.membership = 'pre-existing';
        const preExisting = state.membership === 'pre-existing';
        return {
          ok: true,
          ...base,
          action: 'already-member',
          preExisting,
          at: now(),
          otherHolders: others(),
          reason: preExisting
            ? 'member before this grant: the membership will be kept when it ends'
            : `already granted by ${others().join(', ')}`,
        };
      }
      const wasManaged = state.membership === 'managed';
      // One activity adds and reads back (runs since 'lease-ensure'; older runs keep their two calls).
      const { answer, verifiedAt } = patched('lease-ensure')
        ? await call(() =>
            calls().change.ensureMember.executeWithOptions(said(`add ${user} to ${group}, read it back`), [ref]),
          )
        : {
            answer: await call(() => calls().idp.addMember.executeWithOptions(said(`add ${user} to ${group}`), [ref])),
            verifiedAt: await call(() =>
              calls().verify.verifyMembership.executeWithOptions(said(`read back: ${user} in ${group}`), [
                { ...ref, expected: true },
              ]),
            ),
          };
      // Access began when the directory answered the add (the grant's clock runs from here); reading it
      // back only confirms it, however late that happens. The activity stamps the answer (older runs: when
      // this run heard of it, which a worker restarting in between could make later).
      const addedAt = answer.at ?? now();
      hold(state, op);
      state.membership = 'managed';
      return {
        ok: true,
        ...base,
        action: wasManaged ? 'restored' : 'added',
        preExisting: false,
        at: addedAt,
        verifiedAt,
        idpAnswer: answer,
        otherHolders: others(),
        reason: wasManaged
          ? 'membership was missing (removed outside Leasehold) and was restored'
          : 'added for this grant',
      };
    }

    // release
    const held = state.holders.some((h) => h.leaseId === op.leaseId);
    // A forced removal ends every lease on the membership; a release, its own.
    const ended = op.force ? state.holders : [];
    state.holders = op.force ? [] : state.holders.filter((h) => h.leaseId !== op.leaseId);
    if (!held && !op.force) {
      // Never acquired (or already released): nothing of this grant's to undo.
      return {
        ok: true,
        ...base,
        action: 'kept',
        preExisting: state.membership === 'pre-existing',
        at: now(),
        otherHolders: others(),
        reason: 'this grant held no lease',
      };
    }
    if (state.holders.length > 0 && !op.force) {
      const latest = state.holders
        .map((h) => h.until ?? '')
        .sort()
        .at(-1);
      return {
        ok: true,
        ...base,
        action: 'kept',
        preExisting: state.membership === 'pre-existing',
        at: now(),
        otherHolders: others(),
        reason: `still held by ${others().join(', ')}${latest ? ` (until ${latest})` : ''}`,
      };
    }
    if (state.membership === 'pre-existing' && !op.force) {
      state.membership = 'none';
      return {
        ok: true,
        ...base,
        action: 'kept',
        preExisting: true,
        at: now(),
        otherHolders: [],
        reason: 'member before the grant: membership kept',
      };
    }
    // Releases first also means releases fast (older runs keep the calls they were recorded with).
    const fast = options.releaseWaiting !== undefined;
    const { answer, verifiedAt } = patched('lease-ensure')
      ? await call((backedOff) => {
          const { change, releaseChange, backedOffReleaseChange } = calls();
          const changer = backedOff ? backedOffReleaseChange : fast ? releaseChange : change;
          return changer.ensureRemoved.executeWithOptions(said(`remove ${user} from ${group}, read it back`), [ref]);
        })
      : {
          answer: await call((backedOff) => {
            const { idp, releaseIdp, backedOffReleaseIdp } = calls();
            const remover = backedOff ? backedOffReleaseIdp : fast ? releaseIdp : idp;
            return remover.removeMember.executeWithOptions(said(`remove ${user} from ${group}`), [ref]);
          }),
          verifiedAt: await call(() =>
            (fast ? calls().releaseVerify : calls().verify).verifyMembership.executeWithOptions(
              said(`read back: ${user} not in ${group}`),
              [{ ...ref, expected: false }],
            ),
          ),
        };
    // Access ended when the directory answered the removal; reading it back only confirms that.
    const removedAt = answer.at ?? now();
    state.membership = 'none';
    return {
      ok: true,
      ...base,
      action: 'removed',
      preExisting: false,
      at: fast ? removedAt : now(),
      verifiedAt,
      idpAnswer: answer,
      otherHolders: [],
      reason: op.force ? `removed by ${op.force.by}: ${op.force.reason}` : 'last grant ended',
      ...(op.force
        ? {
            endedLeases: ended.map(({ leaseId, holderWorkflowId, issueKey }) => ({
              leaseId,
              holderWorkflowId,
              issueKey,
            })),
          }
        : {}),
    };
  } catch (err) {
    if (err instanceof Preempted) throw err;
    if (op.kind === 'acquire' && state.holders.length === 0 && state.membership === 'pre-existing')
      state.membership = 'none';
    return { ok: false, ...base, error: failureMessage(err), at: now() };
  }
}

/** The lease is held from its acquire's success on (a lease being acquired holds nothing yet). */
function hold(state: GroupLeaseState, op: LeaseOperation): void {
  const holder = {
    leaseId: op.leaseId,
    holderWorkflowId: op.holderWorkflowId,
    issueKey: op.issueKey,
    since: new Date().toISOString(),
    until: op.until,
  };
  const at = state.holders.findIndex((h) => h.leaseId === op.leaseId);
  if (at < 0) state.holders.push(holder);
  else state.holders[at] = { ...state.holders[at]!, until: op.until };
}
