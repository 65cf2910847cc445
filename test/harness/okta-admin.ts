import { Client as OktaClient } from '@okta/okta-sdk-nodejs';
import { sandboxCredentials } from '@leasehold/sandbox';
import type { Leasehold } from './leasehold';

/** An Okta admin changing a group directly (the Admin Console or the API), not through Leasehold. */
export function oktaAdmin(lh: Leasehold) {
  const okta = new OktaClient({ orgUrl: lh.sandboxes.okta.url, token: sandboxCredentials.okta.token });
  const ids = async (login: string, groupName: string): Promise<{ userId: string; groupId: string }> => {
    const user = await okta.userApi.getUser({ userId: login });
    let groupId: string | undefined;
    for await (const g of await okta.groupApi.listGroups({ q: groupName }))
      if (g?.profile?.name === groupName) groupId = g.id;
    if (!groupId) throw new Error(`no Okta group ${groupName}`);
    return { userId: user.id!, groupId };
  };
  return {
    async add(login: string, groupName: string): Promise<void> {
      await okta.groupApi.assignUserToGroup(await ids(login, groupName));
    },
    async remove(login: string, groupName: string): Promise<void> {
      await okta.groupApi.unassignUserFromGroup(await ids(login, groupName));
    },
  };
}
