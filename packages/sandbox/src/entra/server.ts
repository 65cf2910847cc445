import { logger } from '../logging';
import { FaultSwitch, type FaultSettingsInput } from '../faults';
import { Router, startSandboxServer, type SandboxRequest } from '../http';
import { sandboxCredentials } from '../sample-data';
import { generateLocalhostCertificate } from '../tls';
import { renderAadError, renderAadFault } from './aad-errors';
import { entraAdminRouter, type EntraSandboxSettings, type EntraSettingsPatch } from './admin-routes';
import { sandboxApps } from './apps';
import { Directory, type EntraDirectoryState } from './directory';
import { renderGraphError, renderGraphFault } from './graph-errors';
import { addGraphRoutes } from './graph-routes';
import { addIdentityRoutes } from './identity-routes';
import { GraphThrottle } from './throttle';
import { RequestCounts, entraWriteRoutes, type EntraRouteName } from './request-counts';
import { TokenService, type AppPrincipal } from './tokens';

export interface EntraSandboxOptions {
  /** Interface to listen on (default 127.0.0.1, announced as `localhost`). */
  host?: string;
  /** 0 (default) picks a free port. */
  port?: number;
  /** Initial fault settings; `LEASEHOLD_SANDBOX_ENTRA_FAULTS` (JSON) overrides them. */
  faults?: FaultSettingsInput;
  /** HTTPS key and certificate (PEM); a fresh self-signed one for localhost when omitted. */
  certificate?: { key: string; cert: string };
  /** Membership reads lag writes by this much (default 0). */
  replicationDelayMs?: number;
  /** Entra ID P1/P2 tenant, so `signInActivity` is readable (default true). */
  premiumTenant?: boolean;
  /** Users, groups and memberships to start from (a state saved by {@link EntraSandbox.savedState}). */
  savedState?: EntraDirectoryState;
  /** Graph requests allowed per minute before 429 TooManyRequests with Retry-After (default: no limit). */
  graphRateLimitPerMinute?: number;
}

export interface EntraSandbox {
  /** `https://localhost:PORT`: both the authority host (token endpoint) and the Graph base URL. */
  url: string;
  port: number;
  /** PEM certificate the clients must trust (the sandbox's self-signed one). */
  caCertificate: string;
  tenantId: string;
  faults: FaultSwitch;
  settings(): EntraSandboxSettings;
  configure(patch: EntraSettingsPatch): EntraSandboxSettings;
  /** Member object ids of a group (by id or display name): `committed` (default) or as reads see them now. */
  groupMembers(groupNameOrId: string, view?: 'committed' | 'visible'): string[];
  /** Committed membership of a user (object id or UPN) in a group (id or display name). */
  isMember(groupNameOrId: string, userIdOrUpn: string): boolean;
  /** Requests that reached an operation's handler. */
  requestCount(route: EntraRouteName): number;
  /** Attempted directory writes, per write operation. */
  writeCounts(): Record<(typeof entraWriteRoutes)[number], number>;
  /** Access tokens issued so far, per client id. */
  tokensIssued(): Record<string, number>;
  /** Makes every pending membership change visible to reads now. */
  flushReplication(): void;
  /** What a restart needs to carry on: users, groups and committed memberships. */
  savedState(): EntraDirectoryState;
  /** Called after every change of what {@link savedState} returns. */
  onStateChange(listener: () => void): void;
  /** Back to the sample organisation, zero counts; optionally new settings. */
  reset(patch?: EntraSettingsPatch): void;
  /** Sets (or, with undefined, lifts) the Graph throttle, starting its window afresh. */
  setGraphRateLimit(perMinute: number | undefined): void;
  /** Graph requests the throttle answered 429 since start or reset. */
  throttledCount(): number;
  close(): Promise<void>;
}

/**
 * Starts the sandbox Microsoft Entra ID (token endpoint) + Microsoft Graph v1.0 over HTTPS, so that
 * @azure/identity and @microsoft/microsoft-graph-client work against it unchanged.
 */
export async function startEntraSandbox(options: EntraSandboxOptions = {}): Promise<EntraSandbox> {
  const tenantId = sandboxCredentials.entra.tenantId;
  const certificate = options.certificate ?? (await generateLocalhostCertificate());
  const faults = FaultSwitch.fromEnv('entra', options.faults);
  const settings: EntraSandboxSettings = {
    replicationDelayMs: options.replicationDelayMs ?? 0,
    premiumTenant: options.premiumTenant ?? true,
  };
  const directory = new Directory(settings.replicationDelayMs);
  if (options.savedState) directory.importState(options.savedState);
  const tokens = new TokenService(tenantId);
  const counts = new RequestCounts();
  const principals = new WeakMap<SandboxRequest, AppPrincipal>();
  const throttle = new GraphThrottle(options.graphRateLimitPerMinute);

  const configure = (patch: EntraSettingsPatch): EntraSandboxSettings => {
    if (patch.replicationDelayMs !== undefined) settings.replicationDelayMs = patch.replicationDelayMs;
    if (patch.premiumTenant !== undefined) settings.premiumTenant = patch.premiumTenant;
    directory.replicationDelayMs = settings.replicationDelayMs;
    return { ...settings };
  };
  const reset = (patch: EntraSettingsPatch = {}): void => {
    directory.reset();
    counts.reset();
    throttle.reset(options.graphRateLimitPerMinute);
    tokens.resetCounts();
    configure(patch);
  };
  const group = (idOrName: string) => {
    const found = directory.findGroupByIdOrName(idOrName);
    if (!found) throw new Error(`no group ${idOrName} in the Entra sandbox`);
    return found;
  };
  const state = () => ({
    tenantId,
    settings: { ...settings },
    apps: sandboxApps.map((a) => ({ clientId: a.clientId, displayName: a.displayName, roles: a.roles })),
    groups: directory.listGroups().map((g) => ({
      id: g.id,
      displayName: g.displayName,
      members: directory.memberIds(g.id, 'committed'),
      visibleMembers: directory.memberIds(g.id, 'visible'),
    })),
    requestCounts: counts.all(),
    tokensIssued: tokens.issuedCounts(),
  });

  const router = new Router();
  addIdentityRoutes(router, { tenantId, tokens, count: (r) => counts.increment(r) });
  addGraphRoutes(router, {
    directory,
    premiumTenant: () => settings.premiumTenant,
    principalOf: (req) => {
      const principal = principals.get(req);
      if (!principal) throw new Error('Graph request reached a handler without authentication');
      return principal;
    },
    count: (r) => counts.increment(r),
  });

  const server = await startSandboxServer({
    name: 'entra',
    host: options.host,
    port: options.port,
    tls: certificate,
    router,
    faults,
    renderFault: (fault, req) =>
      isGraphPath(req.path)
        ? renderGraphFault(fault, req, faults.current.retryAfterSeconds)
        : renderAadFault(fault, req, faults.current.retryAfterSeconds),
    renderError: (err, req) => (isGraphPath(req.path) ? renderGraphError(err, req) : renderAadError(err, req)),
    before: (req) => {
      if (!isGraphPath(req.path)) return undefined;
      principals.set(req, tokens.verify(firstHeader(req.headers.authorization)));
      const retryAfterSeconds = throttle.take();
      return retryAfterSeconds === undefined
        ? undefined
        : renderGraphFault({ kind: 'rate-limit', retryAfterSeconds }, req, retryAfterSeconds);
    },
    admin: entraAdminRouter({ state, reset, configure, flushReplication: () => directory.flushReplication() }),
  });
  logger
    .child({ sandbox: 'entra' })
    .info({ url: server.url, tenantId }, 'Entra ID / Microsoft Graph sandbox listening');

  return {
    url: server.url,
    port: server.port,
    caCertificate: certificate.cert,
    tenantId,
    faults,
    settings: () => ({ ...settings }),
    configure,
    groupMembers: (idOrName, view = 'committed') => directory.memberIds(group(idOrName).id, view),
    isMember: (idOrName, user) => {
      const found = directory.findUser(user);
      return found !== undefined && directory.isMember(group(idOrName).id, found.id);
    },
    requestCount: (route) => counts.get(route),
    writeCounts: () => ({ addMember: counts.get('addMember'), removeMember: counts.get('removeMember') }),
    tokensIssued: () => tokens.issuedCounts(),
    flushReplication: () => directory.flushReplication(),
    savedState: () => directory.exportState(),
    onStateChange: (listener) => directory.onChange(listener),
    reset,
    setGraphRateLimit: (perMinute) => throttle.setLimit(perMinute),
    throttledCount: () => throttle.throttledCount,
    close: () => server.close(),
  };
}

function isGraphPath(path: string): boolean {
  return /^\/(v1\.0|beta)(\/|$)/.test(path);
}

function firstHeader(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}
