import { ApplicationFailure } from '@temporalio/activity';
import type { ConnectionRef } from './contract';
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
        // Reading a removal back: "not in the group" is the answer wanted, whether or not the group still exists.
        const member = await idp(input).isMember(input.groupId, input.userId, { absentIsEnough: !input.expected });
        if (member !== input.expected) {
          // Directories are eventually consistent: a fresh write may not be visible yet. Retried.
          throw ApplicationFailure.create({
            message: `membership of ${input.userId} in ${input.groupId} reads ${member ? 'present' : 'absent'}, expected ${input.expected ? 'present' : 'absent'}`,
            type: 'MembershipNotYetVisible',
          });
        }
        return new Date().toISOString();
      });
    },
  };
}

/** The answer, stamped with when it came (the workflow may hear of it much later). */
const answered = (answer: IdpAnswer): IdpAnswer => ({ ...answer, at: new Date().toISOString() });
