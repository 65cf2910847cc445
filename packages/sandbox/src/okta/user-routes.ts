import type { SandboxRequest } from '../http';
import type { ApiRoute } from './api-route';
import type { OktaDirectory, OktaUserRecord } from './directory';
import { resourceNotFound } from './errors';
import { listCollection, type CollectionRules } from './query';
import { groupJson, userJson, type OktaUserJson } from './resources';

const USERS: CollectionRules<OktaUserJson> = {
  // q: startsWith on firstName, lastName or email.
  matchesQuery: (u, needle) =>
    ['firstName', 'lastName', 'email'].some((f) => (u.profile[f] ?? '').toLowerCase().startsWith(needle)),
  queryLimit: [10, 200],
  pageLimit: [200, 200],
  // filter supports only these properties (lastUpdated also with gt/ge/lt/le).
  filter: {
    equality: ['status', 'id', 'profile.login', 'profile.email', 'profile.firstName', 'profile.lastName'],
    range: ['lastUpdated'],
  },
  hidden: (u) => u.status === 'DEPROVISIONED',
};

/** Users API: list/search, get by id or login, a user's groups. */
export function userRoutes(directory: OktaDirectory): ApiRoute[] {
  /** The user named by `:userId` (id, login or login shortname); 404 E0000007 (User) otherwise. */
  const pathUser = (req: SandboxRequest): OktaUserRecord => {
    const user = directory.findUser(req.params.userId!);
    if (!user) throw resourceNotFound(req.params.userId!, 'User');
    return user;
  };

  return [
    {
      operationId: 'listUsers',
      method: 'GET',
      pattern: '/api/v1/users',
      handle: (req, baseUrl) =>
        listCollection(
          req.url,
          directory.listUsers().map((u) => userJson(u, baseUrl)),
          USERS,
        ),
    },
    {
      operationId: 'getUser',
      method: 'GET',
      pattern: '/api/v1/users/:userId',
      handle: (req, baseUrl) => ({ status: 200, body: userJson(pathUser(req), baseUrl) }),
    },
    {
      operationId: 'listUserGroups',
      method: 'GET',
      pattern: '/api/v1/users/:userId/groups',
      handle: (req, baseUrl) => ({
        status: 200,
        body: directory.groupsOf(pathUser(req).id).map((g) => groupJson(g, baseUrl)),
      }),
    },
  ];
}
