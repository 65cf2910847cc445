import type { FaultSwitch } from '../../faults';
import type { Router, SandboxRequest, SandboxResponse } from '../../http';
import type { JiraAccount } from '../accounts';
import { JiraError, renderJiraFault } from '../errors';
import type { JiraGroupDirectory, JiraGroupRecord } from '../groups';
import { restApi } from '../render-context';
import { apiVersion, intParam, type JiraSite, renderContext } from '../site';
import { userRef } from '../user-json';

/**
 * The site group API as jira.js (`groups`, `users.getUserGroups`) calls it: `GET /group/bulk`,
 * `GET /group/member` (paged), `POST|DELETE /group/user`, `GET /user/groups`. Errors in Jira's
 * `{ errorMessages, errors }` shape; see docs/wire-contracts.md for what is verified against Jira Cloud.
 */

/** Jira Cloud serves at most 50 groups or members a page. */
const PAGE_LIMIT = 50;

export const GROUP_NOT_FOUND = 'Specified group does not exist.';
export const USER_NOT_FOUND = 'Specified user does not exist or you do not have required permissions';
/** What Jira answers a group change by someone who is not a site administrator. */
export const NOT_SITE_ADMIN =
  'An error occurred: com.atlassian.idp.client.exceptions.AuthorizationException: {"key":"forbidden","context":{"message":"user does not have the relevant permissions"}}';
/** What Jira answers a change of a group synced from an identity provider. */
export const GROUP_SYNCED =
  'An error occurred: com.atlassian.idp.client.exceptions.AuthorizationException: {"key":"forbidden.action","context":{"allowed":false,"reason":{"key":"externalDirectory.scim"}}}';

export interface GroupRouteDeps {
  groups: JiraGroupDirectory;
  /** Faults of membership writes only (`POST`/`DELETE /group/user`), on top of the site's own. */
  writeFaults: FaultSwitch;
}

export function groupRoutes(router: Router, site: JiraSite, deps: GroupRouteDeps): void {
  const { groups } = deps;

  router.get('/rest/api/:v/group/bulk', (req) => {
    const api = apiVersion(req);
    const ids = req.url.searchParams.getAll('groupId');
    const names = req.url.searchParams.getAll('groupName').map((n) => n.toLowerCase());
    const matching = groups
      .all()
      .filter(
        (g) =>
          (ids.length === 0 && names.length === 0) || ids.includes(g.groupId) || names.includes(g.name.toLowerCase()),
      );
    const page = paged(req, matching, `${site.base()}/rest/api/${api}/group/bulk`);
    return {
      status: 200,
      body: { ...page.meta, values: page.values.map((g) => ({ name: g.name, groupId: g.groupId })) },
    };
  });

  router.get('/rest/api/:v/group/member', (req) => {
    const api = apiVersion(req);
    const group = groupOf(req, groups);
    const ctx = renderContext(site, api, site.auth.actor(req).accountId);
    const inactive = req.url.searchParams.get('includeInactiveUsers') === 'true';
    const members = groups
      .memberIds(group.groupId)
      .map((id) => site.accounts.byAccountId(id))
      .filter((a): a is JiraAccount => a !== undefined && (inactive || a.active));
    const page = paged(req, members, `${restApi(ctx)}/group/member?groupId=${group.groupId}`);
    return { status: 200, body: { ...page.meta, values: page.values.map((a) => userRef(a, ctx)) } };
  });

  router.post('/rest/api/:v/group/user', async (req) => {
    const api = apiVersion(req);
    const fault = await deps.writeFaults.next();
    if (fault) return renderJiraFault(fault, req, { serverErrorStatus: 500 });
    requireSiteAdmin(site.auth.actor(req));
    const group = groupOf(req, groups);
    const body = req.json() as { accountId?: unknown } | null;
    const accountId = typeof body?.accountId === 'string' ? body.accountId : '';
    if (!accountId) throw new JiraError(400, ['accountId is required.']);
    const account = site.accounts.byAccountId(accountId);
    if (!account || account.deleted || account.accountType !== 'atlassian') throw new JiraError(404, [USER_NOT_FOUND]);
    if (group.syncedFrom) throw new JiraError(403, [GROUP_SYNCED]);
    if (!groups.add(group.groupId, accountId))
      throw new JiraError(400, [`Cannot add user. User is already a member of '${group.name}'`]);
    return { status: 201, body: groupJson(group, site.base(), api, groups.memberIds(group.groupId).length) };
  });

  router.delete('/rest/api/:v/group/user', async (req) => {
    apiVersion(req);
    const fault = await deps.writeFaults.next();
    if (fault) return renderJiraFault(fault, req, { serverErrorStatus: 500 });
    requireSiteAdmin(site.auth.actor(req));
    const group = groupOf(req, groups);
    const accountId = req.url.searchParams.get('accountId');
    if (!accountId) throw new JiraError(400, ["The 'accountId' query parameter needs to be provided."]);
    const account = site.accounts.byAccountId(accountId);
    if (!account || account.deleted) throw new JiraError(404, [USER_NOT_FOUND]);
    if (group.syncedFrom) throw new JiraError(403, [GROUP_SYNCED]);
    if (!groups.remove(group.groupId, accountId))
      throw new JiraError(400, [
        `Cannot remove user '${accountId}' from group '${group.name}' since user is not a member of '${group.name}'`,
      ]);
    return { status: 200 };
  });

  router.get('/rest/api/:v/user/groups', (req) => {
    const api = apiVersion(req);
    const accountId = req.url.searchParams.get('accountId');
    if (!accountId) throw new JiraError(400, ["The 'accountId' query parameter needs to be provided."]);
    const account = site.accounts.byAccountId(accountId);
    if (!account || account.deleted) throw new JiraError(404, [USER_NOT_FOUND]);
    const base = `${site.base()}/rest/api/${api}`;
    return {
      status: 200,
      body: groups
        .groupsOf(accountId)
        .map((g) => ({ name: g.name, groupId: g.groupId, self: `${base}/group?groupId=${g.groupId}` })),
    };
  });
}

/** The group a request names by `groupId` (preferred) or `groupname`; Jira's 400/404 otherwise. */
function groupOf(req: SandboxRequest, groups: JiraGroupDirectory): JiraGroupRecord {
  const id = req.url.searchParams.get('groupId');
  const name = req.url.searchParams.get('groupname');
  if (!id && !name) throw new JiraError(400, ['You must specify groupname or groupId.']);
  const group = id ? groups.byId(id) : groups.byName(name!);
  if (!group) throw new JiraError(404, [GROUP_NOT_FOUND]);
  return group;
}

function requireSiteAdmin(actor: JiraAccount): void {
  if (!actor.admin) throw new JiraError(403, [NOT_SITE_ADMIN]);
}

function paged<T>(
  req: SandboxRequest,
  items: readonly T[],
  self: string,
): { meta: Record<string, unknown>; values: T[] } {
  const startAt = intParam(req, 'startAt', 0);
  const maxResults = Math.min(PAGE_LIMIT, Math.max(1, intParam(req, 'maxResults', PAGE_LIMIT)));
  const values = items.slice(startAt, startAt + maxResults);
  const isLast = startAt + values.length >= items.length;
  const join = self.includes('?') ? '&' : '?';
  const meta: Record<string, unknown> = {
    self: `${self}${join}startAt=${startAt}&maxResults=${maxResults}`,
    maxResults,
    startAt,
    total: items.length,
    isLast,
  };
  if (!isLast) meta.nextPage = `${self}${join}startAt=${startAt + values.length}&maxResults=${maxResults}`;
  return { meta, values };
}

/** The Group object `POST /group/user` answers. */
function groupJson(group: JiraGroupRecord, base: string, api: 2 | 3, size: number): SandboxResponse['body'] {
  return {
    name: group.name,
    groupId: group.groupId,
    self: `${base}/rest/api/${api}/group?groupId=${group.groupId}`,
    users: { size, items: [], 'max-results': PAGE_LIMIT, 'start-index': 0, 'end-index': 0 },
    expand: 'users',
  };
}

/** What `GET /__sandbox/groups` answers (and {@link groupsSnapshot} returns). */
export interface JiraGroupsSnapshot {
  groups: Array<{ groupId: string; name: string; syncedFrom?: string; members: string[] }>;
  membershipChanges: Array<{ at: string; op: 'add' | 'remove'; group: string; account: string }>;
}

/** The groups with their members' email addresses (or account ids), and the change log, for tests. */
export function groupsSnapshot(site: JiraSite, groups: JiraGroupDirectory): JiraGroupsSnapshot {
  const who = (id: string): string => site.accounts.byAccountId(id)?.email || id;
  const name = (id: string): string => groups.byId(id)?.name ?? id;
  return {
    groups: groups.all().map((g) => ({ ...g, members: groups.memberIds(g.groupId).map(who).sort() })),
    membershipChanges: groups.changes.map((c) => ({
      at: c.at,
      op: c.op,
      group: name(c.groupId),
      account: who(c.accountId),
    })),
  };
}

/**
 * `/__sandbox/groups` (the groups and the change log) and `GET|PUT|DELETE /__sandbox/groups/faults`
 * (the fault switch of membership writes), added to the sandbox Jira's admin router.
 */
export function groupAdminRoutes(admin: Router, site: JiraSite, deps: GroupRouteDeps): void {
  admin
    .get('/__sandbox/groups', () => ({ status: 200, body: groupsSnapshot(site, deps.groups) }))
    .get('/__sandbox/groups/faults', () => ({ status: 200, body: deps.writeFaults.current }))
    .put('/__sandbox/groups/faults', (req) => ({ status: 200, body: deps.writeFaults.update(req.json()) }))
    .delete('/__sandbox/groups/faults', () => ({ status: 200, body: deps.writeFaults.reset() }));
}
