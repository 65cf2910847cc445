import { z } from 'zod';
import type { Handler, Router, SandboxRequest, SandboxResponse } from '../http';
import { hasAnyRole, permissionsFor, type GraphPermission } from './apps';
import { isGuid, type Directory, type DirectoryGroup, type DirectoryUser } from './directory';
import { GRAPH_JSON_CONTENT_TYPE, graphErrors, graphHeaders } from './graph-errors';
import {
  groupFilterable,
  groupProperties,
  groupResource,
  userDefaultProperties,
  userFilterable,
  userProperties,
  userResource,
} from './graph-resources';
import { contextUrl, paginate, parseFilter, parseSelect, project, type Entity } from './odata';
import type { EntraRouteName } from './request-counts';
import type { AppPrincipal } from './tokens';

/** Graph's page size for directory collections when no `$top` is given. */
const DEFAULT_PAGE_SIZE = 100;
/** checkMemberGroups accepts at most this many group ids per call. */
const MAX_CHECK_GROUPS = 20;

export interface GraphRoutesContext {
  directory: Directory;
  /** Whether the tenant has Entra ID P1/P2 (needed for `signInActivity`). */
  premiumTenant(): boolean;
  /** The app behind the request's access token (authenticated before routing). */
  principalOf(req: SandboxRequest): AppPrincipal;
  count(route: EntraRouteName): void;
}

const referenceSchema = z.object({ '@odata.id': z.string() });
const checkMemberGroupsSchema = z.object({ groupIds: z.array(z.string()).min(1).max(MAX_CHECK_GROUPS) });

/** `https://graph.microsoft.com/v1.0/directoryObjects/{id}` (or `/users/{id}`, any host, v1.0 or beta). */
const DIRECTORY_OBJECT_REF = /^https:\/\/[^/]+\/(?:v1\.0|beta)\/(?:directoryObjects|users)\/([^/?#]+)$/i;

/** Microsoft Graph v1.0: the users, groups and membership calls Leasehold makes. */
export function addGraphRoutes(router: Router, ctx: GraphRoutesContext): void {
  const { directory } = ctx;
  const on = (method: string, pattern: string, name: EntraRouteName, handler: Handler): void => {
    router.on(method, pattern, (req) => {
      ctx.count(name);
      return handler(req);
    });
  };

  const authorize = (req: SandboxRequest, anyOf: readonly GraphPermission[]): AppPrincipal => {
    const principal = ctx.principalOf(req);
    if (!hasAnyRole(principal.roles, anyOf)) throw graphErrors.insufficientPrivileges();
    return principal;
  };

  /** `$select` for users, enforcing what `signInActivity` needs: AuditLog.Read.All and a premium tenant. */
  const userSelect = (req: SandboxRequest, principal: AppPrincipal): readonly string[] | undefined => {
    const selected = parseSelect(req, userProperties, 'user');
    if (selected?.includes('signInActivity')) {
      if (!hasAnyRole(principal.roles, permissionsFor.readSignInActivity)) throw graphErrors.insufficientPrivileges();
      if (!ctx.premiumTenant()) throw graphErrors.nonPremiumTenant();
    }
    return selected;
  };

  const userOr404 = (idOrUpn: string): DirectoryUser => {
    const user = directory.findUser(idOrUpn);
    if (!user) throw graphErrors.resourceNotFound(idOrUpn);
    return user;
  };

  const groupOr404 = (id: string): DirectoryGroup => {
    if (!isGuid(id)) throw graphErrors.invalidObjectIdentifier(id);
    const group = directory.findGroup(id);
    if (!group) throw graphErrors.resourceNotFound(id);
    return group;
  };

  const users = (ids: readonly string[]): DirectoryUser[] => ids.flatMap((id) => directory.findUser(id) ?? []);

  on('GET', '/v1.0/users/:id', 'getUser', (req) => {
    const principal = authorize(req, permissionsFor.readUsers);
    const user = userOr404(req.params.id!);
    const selected = userSelect(req, principal);
    return ok(req, {
      '@odata.context': contextUrl(req, 'users', selected, true),
      ...project(userResource(user), selected ?? userDefaultProperties),
    });
  });

  on('GET', '/v1.0/users', 'listUsers', (req) => {
    const principal = authorize(req, permissionsFor.readUsers);
    const selected = userSelect(req, principal);
    const filter = parseFilter(req, userFilterable, 'User');
    const all = directory.listUsers().map(userResource);
    const { page, nextLink } = paginate(req, filter ? all.filter(filter) : all, DEFAULT_PAGE_SIZE);
    return ok(req, {
      '@odata.context': contextUrl(req, 'users', selected, false),
      ...(nextLink ? { '@odata.nextLink': nextLink } : {}),
      value: page.map((u) => project(u, selected ?? userDefaultProperties)),
    });
  });

  on('GET', '/v1.0/users/:id/manager', 'getManager', (req) => {
    const principal = authorize(req, permissionsFor.readUsers);
    const user = userOr404(req.params.id!);
    const selected = userSelect(req, principal);
    const manager = user.managerId ? directory.findUser(user.managerId) : undefined;
    if (!manager) throw graphErrors.resourceNotFound('manager');
    return ok(req, {
      '@odata.context': contextUrl(req, 'directoryObjects', selected, true),
      '@odata.type': '#microsoft.graph.user',
      ...project(userResource(manager), selected ?? userDefaultProperties),
    });
  });

  on('GET', '/v1.0/users/:id/memberOf', 'listMemberOf', (req) => {
    authorize(req, permissionsFor.readGroups);
    const user = userOr404(req.params.id!);
    const selected = parseSelect(req, groupProperties, 'group');
    const { page, nextLink } = paginate(req, directory.visibleGroupsOf(user.id), DEFAULT_PAGE_SIZE);
    return ok(req, {
      '@odata.context': contextUrl(req, 'directoryObjects', selected, false),
      ...(nextLink ? { '@odata.nextLink': nextLink } : {}),
      value: page.map((g) => ({
        '@odata.type': '#microsoft.graph.group',
        ...project(groupResource(g), selected ?? groupProperties),
      })),
    });
  });

  on('POST', '/v1.0/users/:id/checkMemberGroups', 'checkMemberGroups', (req) => {
    authorize(req, permissionsFor.readGroups);
    const user = userOr404(req.params.id!);
    const body = checkMemberGroupsSchema.safeParse(req.json());
    if (!body.success) {
      throw graphErrors.requestBadRequest(
        `The request must carry 'groupIds': between 1 and ${MAX_CHECK_GROUPS} group ids.`,
      );
    }
    const memberOf = new Set(directory.visibleGroupsOf(user.id).map((g) => g.id.toLowerCase()));
    return ok(req, {
      '@odata.context': contextUrl(req, 'Collection(Edm.String)', undefined, false),
      value: body.data.groupIds.filter((id) => memberOf.has(id.toLowerCase())),
    });
  });

  on('GET', '/v1.0/groups', 'listGroups', (req) => {
    authorize(req, permissionsFor.readGroups);
    const selected = parseSelect(req, groupProperties, 'group');
    const filter = parseFilter(req, groupFilterable, 'Group');
    const all = directory.listGroups().map(groupResource);
    const { page, nextLink } = paginate(req, filter ? all.filter(filter) : all, DEFAULT_PAGE_SIZE);
    return ok(req, {
      '@odata.context': contextUrl(req, 'groups', selected, false),
      ...(nextLink ? { '@odata.nextLink': nextLink } : {}),
      value: page.map((g) => project(g, selected ?? groupProperties)),
    });
  });

  on('GET', '/v1.0/groups/:id', 'getGroup', (req) => {
    authorize(req, permissionsFor.readGroups);
    const group = groupOr404(req.params.id!);
    const selected = parseSelect(req, groupProperties, 'group');
    return ok(req, {
      '@odata.context': contextUrl(req, 'groups', selected, true),
      ...project(groupResource(group), selected ?? groupProperties),
    });
  });

  on('GET', '/v1.0/groups/:id/members', 'listMembers', (req) => {
    const principal = authorize(req, permissionsFor.readGroups);
    const group = groupOr404(req.params.id!);
    const selected = userSelect(req, principal);
    const members = users(directory.memberIds(group.id, 'visible')).map(userResource);
    const { page, nextLink } = paginate(req, members, DEFAULT_PAGE_SIZE);
    return ok(req, {
      '@odata.context': contextUrl(req, 'directoryObjects', selected, false),
      ...(nextLink ? { '@odata.nextLink': nextLink } : {}),
      value: page.map((u) => ({
        '@odata.type': '#microsoft.graph.user',
        ...project(u, selected ?? userDefaultProperties),
      })),
    });
  });

  on('POST', '/v1.0/groups/:id/members/$ref', 'addMember', (req) => {
    authorize(req, permissionsFor.writeMembers);
    const group = groupOr404(req.params.id!);
    const body = referenceSchema.safeParse(req.json());
    if (!body.success) throw graphErrors.invalidObjectIdentifier('');
    const ref = DIRECTORY_OBJECT_REF.exec(body.data['@odata.id']);
    if (!ref) throw graphErrors.invalidObjectIdentifier(body.data['@odata.id']);
    const memberId = decodeURIComponent(ref[1]!);
    if (!isGuid(memberId)) throw graphErrors.invalidObjectIdentifier(memberId);
    const user = userOr404(memberId);
    if (!directory.addMember(group.id, user.id)) throw graphErrors.alreadyMember();
    return noContent(req);
  });

  on('DELETE', '/v1.0/groups/:id/members/:memberId/$ref', 'removeMember', (req) => {
    authorize(req, permissionsFor.writeMembers);
    const group = groupOr404(req.params.id!);
    const memberId = req.params.memberId!;
    if (!isGuid(memberId)) throw graphErrors.invalidObjectIdentifier(memberId);
    if (!directory.removeMember(group.id, memberId)) throw graphErrors.resourceNotFound(memberId);
    return noContent(req);
  });
}

function ok(req: SandboxRequest, body: Entity): SandboxResponse {
  return { status: 200, headers: { ...graphHeaders(req), 'content-type': GRAPH_JSON_CONTENT_TYPE }, body };
}

function noContent(req: SandboxRequest): SandboxResponse {
  return { status: 204, headers: graphHeaders(req) };
}
