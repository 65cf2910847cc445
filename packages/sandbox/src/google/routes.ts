import type { SandboxRequest, SandboxResponse } from '../http';
import { DIRECTORY_SCOPES as S } from './auth';
import type { GoogleDirectory, GoogleGroupRecord } from './directory';
import { googleErrors } from './errors';
import { groupJson, memberJson, userJson } from './resources';

export type GoogleOperationId =
  | 'groups.get'
  | 'members.list'
  | 'members.insert'
  | 'members.get'
  | 'members.delete'
  | 'members.hasMember'
  | 'users.get';

export interface GoogleApiRoute {
  operationId: GoogleOperationId;
  method: 'GET' | 'POST' | 'DELETE';
  pattern: string;
  /** Any one of these scopes allows the call (the Directory API's discovery document). */
  scopes: readonly string[];
  /** Whether the call changes memberships (the sandbox's write fault switch applies). */
  write?: boolean;
  handle(req: SandboxRequest): SandboxResponse;
}

const BASE = '/admin/directory/v1';
/** `members.list`: Google's default and largest `maxResults`. */
export const MEMBERS_PAGE_MAX = 200;

const GROUP_READ = [S.group, S.groupReadonly];
const MEMBER_READ = [S.group, S.groupReadonly, S.groupMember, S.groupMemberReadonly];
const MEMBER_WRITE = [S.group, S.groupMember];
const USER_READ = [S.user, S.userReadonly];

/** The Directory API calls the sandbox serves: groups, their members, and users. */
export function googleRoutes(directory: GoogleDirectory): GoogleApiRoute[] {
  const group = (req: SandboxRequest): GoogleGroupRecord => {
    const found = directory.findGroup(req.params.groupKey!);
    if (!found) throw googleErrors.notFound('groupKey');
    return found;
  };
  /** The member a `memberKey` names (a user or a group of the domain); 404 memberKey otherwise. */
  const member = (key: string) => {
    const found = directory.resolveMember(key);
    if (!found) throw googleErrors.notFound('memberKey');
    return found;
  };

  return [
    {
      operationId: 'groups.get',
      method: 'GET',
      pattern: `${BASE}/groups/:groupKey`,
      scopes: GROUP_READ,
      handle: (req) => ({ status: 200, body: groupJson(group(req), directory) }),
    },
    {
      operationId: 'members.list',
      method: 'GET',
      pattern: `${BASE}/groups/:groupKey/members`,
      scopes: MEMBER_READ,
      handle(req) {
        const g = group(req);
        const max = pageSize(req.url.searchParams.get('maxResults'));
        const start = pageStart(req.url.searchParams.get('pageToken'));
        const roles = req.url.searchParams.get('roles')?.toUpperCase().split(',');
        const all = directory.membersOf(g.email).filter((m) => !roles || roles.includes(m.role));
        const page = all.slice(start, start + max);
        const next = start + max < all.length ? pageToken(start + max) : undefined;
        return {
          status: 200,
          body: {
            kind: 'admin#directory#members',
            etag: `"${g.id}-${all.length}"`,
            ...(page.length > 0 ? { members: page.map((m) => memberJson(m, directory)) } : {}),
            ...(next ? { nextPageToken: next } : {}),
          },
        };
      },
    },
    {
      operationId: 'members.insert',
      method: 'POST',
      pattern: `${BASE}/groups/:groupKey/members`,
      scopes: MEMBER_WRITE,
      write: true,
      handle(req) {
        const g = group(req);
        const body = req.json() as { email?: unknown; id?: unknown; role?: unknown } | null;
        const key = typeof body?.email === 'string' ? body.email : typeof body?.id === 'string' ? body.id : undefined;
        if (!key) throw googleErrors.invalid('Missing required field: member');
        if (body?.role !== undefined && body.role !== 'MEMBER') throw googleErrors.invalid('role');
        const m = member(key);
        if (m.email === g.email) throw googleErrors.invalid('memberKey');
        if (!directory.addMember(g.email, m)) throw googleErrors.duplicate();
        return { status: 200, body: memberJson(directory.directMembership(g.email, m.email)!, directory) };
      },
    },
    {
      operationId: 'members.get',
      method: 'GET',
      pattern: `${BASE}/groups/:groupKey/members/:memberKey`,
      scopes: MEMBER_READ,
      handle(req) {
        const g = group(req);
        const found = directory.resolveMember(req.params.memberKey!);
        const membership = found && directory.directMembership(g.email, found.email);
        if (!membership) throw googleErrors.notFound('memberKey');
        return { status: 200, body: memberJson(membership, directory) };
      },
    },
    {
      operationId: 'members.delete',
      method: 'DELETE',
      pattern: `${BASE}/groups/:groupKey/members/:memberKey`,
      scopes: MEMBER_WRITE,
      write: true,
      handle(req) {
        const g = group(req);
        const found = directory.resolveMember(req.params.memberKey!);
        if (!found || !directory.removeMember(g.email, found.email)) throw googleErrors.notFound('memberKey');
        return { status: 204 };
      },
    },
    {
      operationId: 'members.hasMember',
      method: 'GET',
      pattern: `${BASE}/groups/:groupKey/hasMember/:memberKey`,
      scopes: MEMBER_READ,
      handle(req) {
        const g = group(req);
        const m = member(req.params.memberKey!);
        return { status: 200, body: { isMember: directory.hasMember(g.email, m.email) } };
      },
    },
    {
      operationId: 'users.get',
      method: 'GET',
      pattern: `${BASE}/users/:userKey`,
      scopes: USER_READ,
      handle(req) {
        const user = directory.findUser(req.params.userKey!);
        if (!user) throw googleErrors.notFound('userKey');
        return { status: 200, body: userJson(user) };
      },
    },
  ];
}

function pageSize(raw: string | null): number {
  if (raw === null) return MEMBERS_PAGE_MAX;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1) throw googleErrors.invalid('maxResults');
  return Math.min(n, MEMBERS_PAGE_MAX);
}

function pageToken(offset: number): string {
  return Buffer.from(`offset:${offset}`).toString('base64url');
}

function pageStart(token: string | null): number {
  if (!token) return 0;
  const match = /^offset:(\d+)$/.exec(Buffer.from(token, 'base64url').toString('utf8'));
  if (!match) throw googleErrors.invalid('pageToken');
  return Number(match[1]);
}
