import type { SandboxRequest } from '../http';
import type { ApiRoute } from './api-route';
import type { OktaDirectory, OktaGroupRecord, OktaUserRecord } from './directory';
import { oktaError, resourceNotFound } from './errors';
import { listResponse, pageAfter, pageLimit } from './pagination';
import { listCollection, type CollectionRules } from './query';
import { groupJson, userJson, type OktaGroupJson } from './resources';

const GROUPS: CollectionRules<OktaGroupJson> = {
  // q: name prefix.
  matchesQuery: (g, needle) => g.profile.name.toLowerCase().startsWith(needle),
  queryLimit: [300, 10_000],
  pageLimit: [10_000, 10_000],
  filter: { equality: ['id', 'type'], range: ['lastUpdated', 'lastMembershipUpdated'] },
};

/** Groups API: list/search, get, members (paged), assign and unassign users. */
export function groupRoutes(directory: OktaDirectory): ApiRoute[] {
  /** The group named by `:groupId` (ids only); 404 E0000007 (UserGroup) otherwise. */
  const pathGroup = (req: SandboxRequest): OktaGroupRecord => {
    const group = directory.findGroupById(req.params.groupId!);
    if (!group) throw resourceNotFound(req.params.groupId!, 'UserGroup');
    return group;
  };

  /** The group and user of a membership change; 404 for either unknown (group first), 403 unless OKTA_GROUP. */
  const membership = (req: SandboxRequest): { group: OktaGroupRecord; user: OktaUserRecord } => {
    const group = pathGroup(req);
    const user = directory.findUserById(req.params.userId!);
    if (!user) throw resourceNotFound(req.params.userId!, 'User');
    // Only OKTA_GROUP memberships can be changed through the API, even by a super admin: APP_GROUPs
    // are managed by their app's imports and Everyone (BUILT_IN) by Okta itself. Okta answers 403.
    if (group.type !== 'OKTA_GROUP') throw oktaError('accessDenied');
    return { group, user };
  };

  return [
    {
      operationId: 'listGroups',
      method: 'GET',
      pattern: '/api/v1/groups',
      handle: (req, baseUrl) =>
        listCollection(
          req.url,
          directory.listGroups().map((g) => groupJson(g, baseUrl)),
          GROUPS,
        ),
    },
    {
      operationId: 'getGroup',
      method: 'GET',
      pattern: '/api/v1/groups/:groupId',
      handle: (req, baseUrl) => ({ status: 200, body: groupJson(pathGroup(req), baseUrl) }),
    },
    {
      operationId: 'listGroupUsers',
      method: 'GET',
      pattern: '/api/v1/groups/:groupId/users',
      handle(req, baseUrl) {
        const members = directory.membersOf(pathGroup(req).id);
        const page = pageAfter(members, req.url.searchParams.get('after') ?? undefined, pageLimit(req.url, 1000, 1000));
        return listResponse(
          page.items.map((u) => userJson(u, baseUrl)),
          req.url,
          page.nextAfter,
        );
      },
    },
    {
      operationId: 'assignUserToGroup',
      method: 'PUT',
      pattern: '/api/v1/groups/:groupId/users/:userId',
      handle(req) {
        const { group, user } = membership(req);
        directory.addMember(group.id, user.id);
        return { status: 204 };
      },
    },
    {
      operationId: 'unassignUserFromGroup',
      method: 'DELETE',
      pattern: '/api/v1/groups/:groupId/users/:userId',
      handle(req) {
        const { group, user } = membership(req);
        directory.removeMember(group.id, user.id);
        return { status: 204 };
      },
    },
  ];
}
