import { Client, GraphError, ResponseType, type GraphRequest } from '@microsoft/microsoft-graph-client';
import { expandSetting, readSecret, settingPath } from '../../config/settings';
import { logger } from '../../logging';
import type { EntraConnection } from '../../policy/schema';
import { ConnectorError, retryAfterMs } from '../connector-error';
import { scrubSecrets } from '../redaction';
import type {
  DirectoryGroup,
  DirectoryUser,
  IdentityProvider,
  IdpAnswer,
  MemberReadOptions,
} from '../identity-provider';
import { createGraphClient, DEFAULT_GRAPH_BASE_URL } from './graph-client';

const log = logger.child({ connector: 'entra' });

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const USER_SELECT = ['id', 'displayName', 'mail', 'userPrincipalName', 'accountEnabled', 'department', 'jobTitle'];
const GROUP_SELECT = ['id', 'displayName'];
/** Largest page Graph serves for directory collections (members, memberOf). */
const PAGE_SIZE = 999;
/** What Graph's default wait is taken to be when a 429 carries no Retry-After (it normally does). */
const DEFAULT_RATE_LIMIT_WAIT_MS = 5_000;

/** The Graph application permissions each kind of call needs (least privileged first), for error messages. */
export const GRAPH_PERMISSIONS = {
  readUsers: 'User.Read.All',
  readGroups: 'GroupMember.Read.All',
  writeMembers: 'GroupMember.ReadWrite.All',
  readSignIns: 'AuditLog.Read.All',
} as const;

/** What a Graph call was doing, for classified error messages. */
export interface GraphCallContext {
  /** e.g. `add user … to group …`. */
  what: string;
  /** The application permission the call needs, named when Graph answers 403 Authorization_RequestDenied. */
  permission?: string;
  /** Secret values that must never appear in a message (scrubbed if they do). */
  secrets?: readonly string[];
}

export interface EntraIdentityProviderOptions {
  /**
   * Graph root the client talks to (default `https://graph.microsoft.com`); used to build the
   * `@odata.id` of a member reference (`{root}/v1.0/directoryObjects/{id}`).
   */
  graphBaseUrl?: string;
  /** Secret values to scrub from error messages (the client secret, when this provider built the client). */
  secrets?: readonly string[];
  /** `$top` of paged reads (members, memberOf); default 999, Graph's maximum. */
  pageSize?: number;
}

/** A Graph answer read as `ResponseType.RAW`: status, `request-id` and the parsed JSON body (if any). */
interface GraphReply {
  status: number;
  requestId?: string;
  body: unknown;
}

interface UserBody {
  '@odata.type'?: string;
  id: string;
  displayName?: string | null;
  mail?: string | null;
  userPrincipalName?: string | null;
  accountEnabled?: boolean | null;
  department?: string | null;
  jobTitle?: string | null;
  signInActivity?: { lastSignInDateTime?: string | null } | null;
}

interface GroupBody {
  '@odata.type'?: string;
  id: string;
  displayName?: string | null;
}

interface Collection<T> {
  value?: T[];
  '@odata.nextLink'?: string;
}

/**
 * Leasehold's {@link IdentityProvider} for Microsoft Entra ID, through Microsoft Graph v1.0 with the
 * real @microsoft/microsoft-graph-client. Every failure is a classified {@link ConnectorError}.
 *
 * Retries: {@link EntraIdentityProvider.fromConnection} builds the Graph client with its RetryHandler
 * turned off (`maxRetries: 0`). The client would otherwise sleep through Retry-After inside the
 * activity (up to 3 × 180 s), invisible to Temporal and beyond the activity's timeouts, and its retries
 * would multiply with the activity's. A 429 therefore surfaces at once as `rate-limited` with Graph's
 * Retry-After, which the activity turns into Temporal's `nextRetryDelay`; a 503/504 as `retryable`.
 * Token requests keep @azure/identity's own (short) retry policy.
 *
 * Reads are never cached (the Graph client has no cache), so {@link isMember} is a fresh read; Graph is
 * eventually consistent, so it may not yet see a write made a moment ago (callers poll).
 */
export class EntraIdentityProvider implements IdentityProvider {
  readonly kind = 'entra';
  private readonly graphBaseUrl: string;
  private readonly secrets: readonly string[];
  private readonly pageSize: number;
  private warnedNonPremium = false;

  constructor(
    readonly client: Client,
    options: EntraIdentityProviderOptions = {},
  ) {
    this.graphBaseUrl = (options.graphBaseUrl ?? DEFAULT_GRAPH_BASE_URL).replace(/\/+$/, '');
    this.secrets = options.secrets ?? [];
    this.pageSize = options.pageSize ?? PAGE_SIZE;
  }

  /** Builds the client from a rules connection; the client secret is read here, in the worker. */
  static fromConnection(connection: EntraConnection): EntraIdentityProvider {
    const clientSecret = readSecret(connection.clientSecret);
    const graphBaseUrl = connection.graphBaseUrl ? expandSetting(connection.graphBaseUrl) : undefined;
    const client = createGraphClient({
      tenantId: expandSetting(connection.tenantId),
      clientId: expandSetting(connection.clientId),
      clientSecret,
      authorityHost: connection.authorityHost ? expandSetting(connection.authorityHost) : undefined,
      graphBaseUrl,
      // An empty setting (`${ENTRA_CA_FILE:-}` unset) means the system trust store.
      caCertificate: connection.caFile && expandSetting(connection.caFile) ? settingPath(connection.caFile) : undefined,
      // Temporal owns retries (see the class comment).
      maxRetries: 0,
    });
    return new EntraIdentityProvider(client, { graphBaseUrl, secrets: [clientSecret] });
  }

  async findUser(emailOrId: string): Promise<DirectoryUser | undefined> {
    const ctx = this.context(`find user ${emailOrId}`, GRAPH_PERMISSIONS.readUsers);
    if (GUID.test(emailOrId)) {
      const reply = await this.send(ctx, this.client.api(`/users/${seg(emailOrId)}`).select(USER_SELECT), 'get');
      if (isNotFound(reply)) return undefined;
      return toDirectoryUser(this.expectOk(reply, ctx) as UserBody);
    }
    const value = odataString(emailOrId);
    const reply = await this.send(
      ctx,
      this.client
        .api('/users')
        .filter(encodeURIComponent(`mail eq ${value} or userPrincipalName eq ${value}`))
        .select(USER_SELECT),
      'get',
    );
    const users = ((this.expectOk(reply, ctx) as Collection<UserBody>).value ?? []).map(toDirectoryUser);
    if (users.length <= 1) return users[0];
    // mail is unique among users in practice, userPrincipalName always; one user's UPN may equal another's mail.
    const exact =
      users.find((u) => u.login.toLowerCase() === emailOrId.toLowerCase()) ??
      users.find((u) => u.email?.toLowerCase() === emailOrId.toLowerCase());
    return exact ?? users[0];
  }

  async findManager(userId: string): Promise<DirectoryUser | undefined> {
    const ctx = this.context(`find the manager of user ${userId}`, GRAPH_PERMISSIONS.readUsers);
    const reply = await this.send(ctx, this.client.api(`/users/${seg(userId)}/manager`).select(USER_SELECT), 'get');
    if (isNotFound(reply)) {
      // Graph answers 404 both for "no manager" and for an unknown user: tell them apart.
      await this.requireUser(userId, ctx);
      return undefined;
    }
    const manager = this.expectOk(reply, ctx) as UserBody;
    // A manager may be an organisational contact (no user account); Leasehold can only use users.
    if (manager['@odata.type'] && manager['@odata.type'] !== '#microsoft.graph.user') return undefined;
    return toDirectoryUser(manager);
  }

  /**
   * `signInActivity.lastSignInDateTime` (the last interactive sign-in). It needs AuditLog.Read.All and
   * an Entra ID P1/P2 tenant: on a tenant without premium licences Graph answers 403
   * `Authentication_RequestFromNonPremiumTenantOrB2CTenant`, and this returns undefined ("not
   * available"), logging a warning once per provider. A missing AuditLog.Read.All is a permanent error naming it, so a
   * misconfigured app is not mistaken for users who never signed in.
   */
  async lastActivity(userId: string): Promise<Date | undefined> {
    const ctx = this.context(`read the last sign-in of user ${userId}`, GRAPH_PERMISSIONS.readSignIns);
    const reply = await this.send(
      ctx,
      this.client.api(`/users/${seg(userId)}`).select(['id', 'signInActivity']),
      'get',
    );
    const error = replyError(reply);
    if (error?.statusCode === 403 && error.code === 'Authentication_RequestFromNonPremiumTenantOrB2CTenant') {
      if (!this.warnedNonPremium) {
        this.warnedNonPremium = true;
        log.warn(
          { requestId: reply.requestId },
          'Entra ID tenant has no P1/P2 licence: last sign-in times are not available',
        );
      }
      return undefined;
    }
    if (isNotFound(reply)) throw this.unknownUser(userId, ctx);
    const iso = (this.expectOk(reply, ctx) as UserBody).signInActivity?.lastSignInDateTime;
    if (!iso) return undefined;
    const date = new Date(iso);
    return Number.isNaN(date.getTime()) ? undefined : date;
  }

  async findGroup(nameOrId: string): Promise<DirectoryGroup | undefined> {
    const ctx = this.context(`find group ${nameOrId}`, GRAPH_PERMISSIONS.readGroups);
    if (GUID.test(nameOrId)) {
      const reply = await this.send(ctx, this.client.api(`/groups/${seg(nameOrId)}`).select(GROUP_SELECT), 'get');
      if (isNotFound(reply)) return undefined;
      return toDirectoryGroup(this.expectOk(reply, ctx) as GroupBody);
    }
    const reply = await this.send(
      ctx,
      this.client
        .api('/groups')
        .filter(encodeURIComponent(`displayName eq ${odataString(nameOrId)}`))
        .select(GROUP_SELECT),
      'get',
    );
    const groups = ((this.expectOk(reply, ctx) as Collection<GroupBody>).value ?? []).map(toDirectoryGroup);
    // Graph compares case-insensitively; display names are not unique in Entra ID.
    const exact = groups.filter((g) => g.name === nameOrId);
    const candidates = exact.length > 0 ? exact : groups;
    if (candidates.length > 1) {
      throw new ConnectorError(
        'permanent',
        `${candidates.length} Entra ID groups are named "${nameOrId}" (${candidates.map((g) => g.id).join(', ')}): name the group by its object id`,
        { service: 'entra', code: 'AmbiguousGroupName' },
      );
    }
    return candidates[0];
  }

  /**
   * Direct membership, read fresh from `GET /users/{id}/memberOf` (paged). Not checkMemberGroups:
   * that one is transitive, so a user who also reaches the group through a nested group would still
   * read as a member after Leasehold removed the direct membership it granted. A user that does not
   * exist is a permanent error; so is a group that does not exist (checked when the user is not in it).
   */
  async isMember(groupId: string, userId: string, options?: MemberReadOptions): Promise<boolean> {
    const ctx = this.context(`check whether user ${userId} is in group ${groupId}`, GRAPH_PERMISSIONS.readGroups);
    const wanted = groupId.toLowerCase();
    let request: GraphRequest = this.client
      .api(`/users/${seg(userId)}/memberOf`)
      .select(['id'])
      .top(this.pageSize);
    for (;;) {
      const reply = await this.send(ctx, request, 'get');
      if (isNotFound(reply)) throw this.unknownUser(userId, ctx);
      const page = this.expectOk(reply, ctx) as Collection<GroupBody>;
      if ((page.value ?? []).some((g) => g.id.toLowerCase() === wanted)) return true;
      const next = page['@odata.nextLink'];
      if (!next) break;
      request = this.client.api(next);
    }
    if (!options?.absentIsEnough) await this.requireGroup(groupId, ctx);
    return false;
  }

  /** `POST /groups/{g}/members/$ref`: 204 added; 400 "… already exist …" means already a member (success). */
  async addMember(groupId: string, userId: string): Promise<IdpAnswer> {
    const ctx = this.context(`add user ${userId} to group ${groupId}`, GRAPH_PERMISSIONS.writeMembers);
    const ref = { '@odata.id': `${this.graphBaseUrl}/v1.0/directoryObjects/${seg(userId)}` };
    const reply = await this.send(ctx, this.client.api(`/groups/${seg(groupId)}/members/$ref`), 'post', ref);
    const error = replyError(reply);
    if (error?.statusCode === 400 && /already exist/i.test(error.message)) {
      return { status: reply.status, requestId: reply.requestId, note: 'already a member' };
    }
    if (isNotFound(reply)) throw await this.explainNotFound(groupId, userId, ctx, reply);
    this.expectOk(reply, ctx);
    return { status: reply.status, requestId: reply.requestId, note: 'added' };
  }

  /**
   * `DELETE /groups/{g}/members/{u}/$ref`: 204 removed. Graph answers the same 404
   * Request_ResourceNotFound when the user is not a member, when the user does not exist and when the
   * group does not exist; only the first is success, so a 404 is followed by reads of the group and the user.
   */
  async removeMember(groupId: string, userId: string): Promise<IdpAnswer> {
    const ctx = this.context(`remove user ${userId} from group ${groupId}`, GRAPH_PERMISSIONS.writeMembers);
    const reply = await this.send(
      ctx,
      this.client.api(`/groups/${seg(groupId)}/members/${seg(userId)}/$ref`),
      'delete',
    );
    if (isNotFound(reply)) {
      await this.requireGroup(groupId, ctx);
      await this.requireUser(userId, ctx);
      return { status: reply.status, requestId: reply.requestId, note: 'not a member' };
    }
    this.expectOk(reply, ctx);
    return { status: reply.status, requestId: reply.requestId, note: 'removed' };
  }

  /** Direct members that are users (nested groups, devices and service principals are left out), all pages. */
  async listMembers(groupId: string): Promise<DirectoryUser[]> {
    const ctx = this.context(`list the members of group ${groupId}`, GRAPH_PERMISSIONS.readGroups);
    const members: DirectoryUser[] = [];
    let request: GraphRequest = this.client
      .api(`/groups/${seg(groupId)}/members`)
      .select(USER_SELECT)
      .top(this.pageSize);
    for (;;) {
      const reply = await this.send(ctx, request, 'get');
      if (isNotFound(reply)) throw this.unknownGroup(groupId, ctx);
      const page = this.expectOk(reply, ctx) as Collection<UserBody>;
      for (const m of page.value ?? []) {
        if (!m['@odata.type'] || m['@odata.type'] === '#microsoft.graph.user') members.push(toDirectoryUser(m));
      }
      const next = page['@odata.nextLink'];
      if (!next) return members;
      request = this.client.api(next);
    }
  }

  // ---- helpers

  private context(what: string, permission: string): GraphCallContext {
    return { what, permission, secrets: this.secrets };
  }

  /**
   * Sends the request as `ResponseType.RAW`, so the `request-id` of every answer (success or not) can
   * be kept as evidence. A failure before an HTTP answer (token, TLS, network) is thrown classified;
   * an HTTP error answer is returned, carrying a {@link GraphError} as `body`, for the caller to judge.
   */
  private async send(
    ctx: GraphCallContext,
    request: GraphRequest,
    method: 'get' | 'post' | 'delete',
    content?: unknown,
  ): Promise<GraphReply> {
    let raw: unknown;
    try {
      const r = request.responseType(ResponseType.RAW);
      raw = await (method === 'get' ? r.get() : method === 'post' ? r.post(content) : r.delete());
    } catch (err) {
      throw classifyGraphError(err, ctx);
    }
    if (!isResponse(raw))
      throw new ConnectorError('retryable', `Graph ${ctx.what}: no HTTP answer`, { service: 'entra' });
    const requestId = raw.headers.get('request-id') ?? undefined;
    const text = raw.status === 204 ? '' : await raw.text().catch(() => '');
    let body: unknown = undefined;
    if (text) {
      try {
        body = JSON.parse(text) as unknown;
      } catch {
        body = text;
      }
    }
    if (raw.ok) return { status: raw.status, requestId, body };
    return { status: raw.status, requestId, body: toGraphError(raw.status, raw.headers, body, requestId) };
  }

  /** The body of a successful reply; any error reply is thrown classified. */
  private expectOk(reply: GraphReply, ctx: GraphCallContext): unknown {
    const error = replyError(reply);
    if (error) throw classifyGraphError(error, ctx);
    return reply.body;
  }

  /** Throws a permanent "unknown user" unless `GET /users/{id}` finds the user. */
  private async requireUser(userId: string, ctx: GraphCallContext): Promise<void> {
    const reply = await this.send(
      { ...ctx, permission: GRAPH_PERMISSIONS.readUsers },
      this.client.api(`/users/${seg(userId)}`).select(['id']),
      'get',
    );
    if (isNotFound(reply)) throw this.unknownUser(userId, ctx);
    this.expectOk(reply, ctx);
  }

  /** Throws a permanent "unknown group" unless `GET /groups/{id}` finds the group. */
  private async requireGroup(groupId: string, ctx: GraphCallContext): Promise<void> {
    const reply = await this.send(
      { ...ctx, permission: GRAPH_PERMISSIONS.readGroups },
      this.client.api(`/groups/${seg(groupId)}`).select(['id']),
      'get',
    );
    if (isNotFound(reply)) throw this.unknownGroup(groupId, ctx);
    this.expectOk(reply, ctx);
  }

  /** Which of group and user is missing after a 404 on a membership write. */
  private async explainNotFound(
    groupId: string,
    userId: string,
    ctx: GraphCallContext,
    reply: GraphReply,
  ): Promise<ConnectorError> {
    await this.requireGroup(groupId, ctx);
    await this.requireUser(userId, ctx);
    // Both exist: a replica has not seen one of them yet (a brand-new group or user). Worth a retry.
    const error = replyError(reply);
    return new ConnectorError(
      'retryable',
      `Graph ${ctx.what}: ${answer(404, error?.code)} although both exist (not replicated yet?)`,
      {
        service: 'entra',
        status: 404,
        code: error?.code ?? undefined,
      },
    );
  }

  private unknownUser(userId: string, ctx: GraphCallContext): ConnectorError {
    return new ConnectorError('permanent', `unknown user: ${userId} does not exist in Entra ID (${ctx.what})`, {
      service: 'entra',
      status: 404,
      code: 'UnknownUser',
    });
  }

  private unknownGroup(groupId: string, ctx: GraphCallContext): ConnectorError {
    return new ConnectorError('permanent', `unknown group: ${groupId} does not exist in Entra ID (${ctx.what})`, {
      service: 'entra',
      status: 404,
      code: 'UnknownGroup',
    });
  }
}

/**
 * Classifies a Graph failure (a {@link GraphError} from the client, or anything thrown on the way):
 *
 * | failure | kind |
 * |---|---|
 * | 429 | `rate-limited`, `retryAfterMs` from Retry-After (5 s if absent) |
 * | 408, 500, 502, 503, 504, other 5xx | `retryable` |
 * | no HTTP answer: network, TLS, authority unreachable (CredentialUnavailableError) | `retryable` |
 * | token endpoint transient (AADSTS90033 temporarily_unavailable, server_error, network) | `retryable` |
 * | token endpoint refusal (AADSTS7000215 bad secret, 700016 unknown app, 90002 unknown tenant, invalid_client, …) | `permanent` "bad credentials: …" |
 * | 401 (InvalidAuthenticationToken) | `permanent` "bad credentials: …" |
 * | 403 Authorization_RequestDenied | `permanent` "missing Graph permission …" |
 * | 403 other | `permanent` |
 * | 404 | `permanent` (callers that can tell an unknown user from an unknown group say which) |
 * | 400 and other 4xx | `permanent` |
 *
 * Messages carry Graph's code and message, never a token or a secret (`ctx.secrets` are scrubbed).
 */
export function classifyGraphError(err: unknown, ctx: GraphCallContext): ConnectorError {
  if (err instanceof ConnectorError) return err;
  const scrub = (text: string): string => scrubSecrets(text, ctx.secrets);
  const make = (
    kind: ConnectorError['kind'],
    message: string,
    details: ConnectorError['details'] = {},
  ): ConnectorError => new ConnectorError(kind, scrub(message), { service: 'entra', ...details });

  if (!(err instanceof GraphError)) {
    const message = err instanceof Error ? err.message : String(err);
    return make('retryable', `Graph ${ctx.what} failed: ${firstLine(message)}`);
  }

  const status = err.statusCode;
  const code = err.code ?? undefined;
  const message = firstLine(err.message || (typeof err.body === 'string' ? err.body : ''));

  if (status <= 0) return classifyTransportError(err, ctx, make);

  const details = { status, code };
  if (status === 429) {
    const wait = retryAfterMs(err.headers?.get('Retry-After')) ?? DEFAULT_RATE_LIMIT_WAIT_MS;
    return make(
      'rate-limited',
      `Graph throttled ${ctx.what} (${answer(429, code)}); retry after ${Math.round(wait / 1000)} s`,
      { ...details, retryAfterMs: wait },
    );
  }
  if (status === 408 || status >= 500) {
    const wait = retryAfterMs(err.headers?.get('Retry-After'));
    return make('retryable', `Graph ${ctx.what} failed with ${answer(status, code)}: ${message}`, {
      ...details,
      ...(wait !== undefined ? { retryAfterMs: wait } : {}),
    });
  }
  if (status === 401) {
    return make(
      'permanent',
      `bad credentials: Graph refused the access token for ${ctx.what} (${answer(401, code)}: ${message}); check the Entra connection's tenantId, clientId and clientSecret`,
      details,
    );
  }
  if (status === 403 && code === 'Authorization_RequestDenied') {
    const needed = ctx.permission ?? GRAPH_PERMISSIONS.writeMembers;
    return make(
      'permanent',
      `missing Graph permission (${needed} application permission with admin consent) to ${ctx.what}: ${message}`,
      details,
    );
  }
  if (status === 404)
    return make('permanent', `Graph ${ctx.what}: not found (${answer(404, code)}: ${message})`, details);
  return make('permanent', `Graph ${ctx.what} failed with ${answer(status, code)}: ${message}`, details);
}

/** A failure before any Graph answer: getting the token, TLS, the network. */
function classifyTransportError(
  err: GraphError,
  ctx: GraphCallContext,
  make: (kind: ConnectorError['kind'], message: string, details?: ConnectorError['details']) => ConnectorError,
): ConnectorError {
  const code = err.code ?? undefined;
  const text = `${err.message} ${typeof err.body === 'string' ? err.body : ''}`;
  const aadsts = /AADSTS(\d+): ([^\r\n]*)/.exec(text);
  const summary = aadsts ? `AADSTS${aadsts[1]}: ${aadsts[2]}` : firstLine(err.message);

  if (code === 'AuthenticationRequiredError' || /invalid_client|unauthorized_client|AADSTS\d+/.test(text)) {
    const transient =
      /temporarily_unavailable|server_error|AADSTS90033|network_error|ECONN|ETIMEDOUT|EAI_AGAIN|socket hang up|fetch failed/i.test(
        text,
      );
    if (transient)
      return make('retryable', `Entra ID token endpoint unavailable for ${ctx.what}: ${summary}`, { code });
    return make('permanent', `bad credentials: Entra ID refused a token for ${ctx.what}: ${summary}`, {
      code: aadsts ? `AADSTS${aadsts[1]}` : code,
    });
  }
  if (code === 'CredentialUnavailableError') {
    // MSAL could not read the authority's OpenID configuration: unreachable, TLS not trusted, or no such tenant.
    return make(
      'retryable',
      `cannot reach the Entra ID authority for ${ctx.what}: ${summary} (check authorityHost, tenantId and caFile if this persists)`,
      { code },
    );
  }
  return make('retryable', `Graph ${ctx.what} failed without an answer: ${summary}`, { code });
}

/** Builds the {@link GraphError} the client would have thrown for this error answer. */
function toGraphError(status: number, headers: Headers, body: unknown, requestId: string | undefined): GraphError {
  const error =
    typeof body === 'object' && body !== null
      ? (body as { error?: { code?: unknown; message?: unknown } }).error
      : undefined;
  const message =
    typeof error?.message === 'string'
      ? error.message
      : typeof body === 'string'
        ? body.slice(0, 200)
        : `HTTP ${status}`;
  const graphError = new GraphError(status, message);
  graphError.code = typeof error?.code === 'string' ? error.code : null;
  graphError.requestId = requestId ?? null;
  graphError.headers = headers;
  graphError.body = typeof body === 'string' ? body : JSON.stringify(body);
  return graphError;
}

function replyError(reply: GraphReply): GraphError | undefined {
  return reply.body instanceof GraphError ? reply.body : undefined;
}

function isNotFound(reply: GraphReply): boolean {
  return reply.status === 404 && replyError(reply) !== undefined;
}

function isResponse(value: unknown): value is Response {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as Response).status === 'number' &&
    typeof (value as Response).headers?.get === 'function'
  );
}

function toDirectoryUser(u: UserBody): DirectoryUser {
  return {
    id: u.id,
    login: u.userPrincipalName ?? u.mail ?? u.id,
    ...(u.mail ? { email: u.mail } : {}),
    ...(u.displayName ? { displayName: u.displayName } : {}),
    ...(typeof u.accountEnabled === 'boolean' ? { status: u.accountEnabled ? 'enabled' : 'disabled' } : {}),
    ...(u.department ? { department: u.department } : {}),
    ...(u.jobTitle ? { title: u.jobTitle } : {}),
  };
}

function toDirectoryGroup(g: GroupBody): DirectoryGroup {
  return { id: g.id, name: g.displayName ?? g.id };
}

/** An OData string literal: quoted, with single quotes doubled. */
function odataString(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}

/** A URL path segment (ids and UPNs may carry `#`, `?`, `/`). */
function seg(value: string): string {
  return encodeURIComponent(value);
}

/** `404 Request_ResourceNotFound`, or just `404`. */
function answer(status: number, code: string | null | undefined): string {
  return code ? `${status} ${code}` : String(status);
}

function firstLine(text: string): string {
  return text.split(/\r?\n/)[0]!.trim();
}
