import { ApplicationFailure, Context } from '@temporalio/activity';
import type { ConnectionRef, VerifiedChange } from './contract';
import { ConnectorError } from '../connectors/connector-error';
import type { DirectoryGroup, IdentityProvider, IdpAnswer } from '../connectors/identity-provider';
import type { Connection } from '../policy/schema';
import { classified, permanent } from './failures';

type MemberRef = ConnectionRef & { groupId: string; userId: string };

/** Directory reads and membership changes through the connection's {@link IdentityProvider}. */
export function directoryActivities(deps: { provider: (name: string, connection: Connection) => IdentityProvider }) {
  const idp = (ref: ConnectionRef): IdentityProvider => deps.provider(ref.connectionName, ref.connection);
  return {
    async resolveGroups(input: ConnectionRef & { groups: string[] }): Promise<DirectoryGroup[]> {
      return classified(async () => {
        const found = await Promise.all(
          input.groups.map(async (name) => ({ name, group: await idp(input).findGroup(name) })),
        );
        const missing = found.filter((f) => !f.group).map((f) => f.name);
        if (missing.length > 0)
          throw permanent(
            `group ${missing.map((m) => `"${m}"`).join(', ')} does not exist in ${input.connectionName}`,
            'UnknownGroup',
          );
        return found.map((f) => f.group!);
      });
    },
    async isMember(input: MemberRef): Promise<boolean> {
      return classified(() => idp(input).isMember(input.groupId, input.userId));
    },
    async addMember(input: MemberRef): Promise<IdpAnswer> {
      return answered(await classified(() => idp(input).addMember(input.groupId, input.userId)));
    },
    async removeMember(input: MemberRef): Promise<IdpAnswer> {
      return answered(await classified(() => idp(input).removeMember(input.groupId, input.userId)));
    },
    async verifyMembership(input: MemberRef & { expected: boolean }): Promise<string> {
      return classified(async () => {
        const member = await readMembership(idp(input), input, input.expected);
        if (member !== input.expected) throw notYetVisible(input, member);
        return new Date().toISOString();
      });
    },
    async ensureMember(input: MemberRef): Promise<VerifiedChange> {
      const provider = idp(input);
      return writeAndReadBack(provider, input, true, () => provider.addMember(input.groupId, input.userId));
    },
    async ensureRemoved(input: MemberRef): Promise<VerifiedChange> {
      const provider = idp(input);
      return writeAndReadBack(provider, input, false, () => provider.removeMember(input.groupId, input.userId));
    },
  };
}

/** Reading a removal back: "not in the group" is the answer wanted, whether or not the group still exists. */
const readMembership = (provider: IdentityProvider, ref: MemberRef, expected: boolean): Promise<boolean> =>
  provider.isMember(ref.groupId, ref.userId, { absentIsEnough: !expected });

/** Directories are eventually consistent: a fresh write may not be visible yet. Retried. */
const notYetVisible = (ref: MemberRef, member: boolean): ApplicationFailure =>
  ApplicationFailure.create({
    message: `membership of ${ref.userId} in ${ref.groupId} reads ${member ? 'present' : 'absent'}, expected ${member ? 'absent' : 'present'}`,
    type: 'MembershipNotYetVisible',
  });

/** Pauses between reads of a fresh write that does not show yet (Graph may lag a write by seconds). */
const READ_BACK_PAUSES_MS = [250, 500, 1_000, 2_000, 4_000, 8_000, 15_000];
/** A rate-limited read-back waits inside the attempt up to this long (the write is not repeated). */
const READ_BACK_WAIT_LIMIT_MS = 60_000;

/**
 * The write, then reads until the directory shows it: one activity, one task round trip. A retried
 * attempt writes again, which is safe: adding a member and removing a non-member are no-ops for every
 * connector. A read-back that is rate-limited waits what the directory asked, within the attempt, so a
 * limit on the reading endpoint does not repeat the write.
 */
async function writeAndReadBack(
  provider: IdentityProvider,
  ref: MemberRef,
  expected: boolean,
  write: () => Promise<IdpAnswer>,
): Promise<VerifiedChange> {
  const answer = answered(await classified(write));
  const limited = { waitedMs: 0 };
  let member = !expected;
  for (const pause of [0, ...READ_BACK_PAUSES_MS]) {
    if (pause > 0) await Context.current().sleep(pause);
    member = await classified(() => readWaitingOutLimits(provider, ref, expected, limited));
    if (member === expected) return { answer, verifiedAt: new Date().toISOString() };
  }
  throw notYetVisible(ref, member);
}

/** A read-back that waits out the rate limits it meets (what the directory asked, up to the attempt's allowance). */
async function readWaitingOutLimits(
  provider: IdentityProvider,
  ref: MemberRef,
  expected: boolean,
  limited: { waitedMs: number },
): Promise<boolean> {
  for (;;) {
    try {
      return await readMembership(provider, ref, expected);
    } catch (err) {
      const asked = err instanceof ConnectorError && err.kind === 'rate-limited' ? err.details.retryAfterMs : undefined;
      if (asked === undefined || limited.waitedMs + asked > READ_BACK_WAIT_LIMIT_MS) throw err;
      limited.waitedMs += asked;
      await Context.current().sleep(asked);
    }
  }
}

/** The answer, stamped with when it came (the workflow may hear of it much later). */
const answered = (answer: IdpAnswer): IdpAnswer => ({ ...answer, at: new Date().toISOString() });
