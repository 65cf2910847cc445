/**
 * Contract tests of the sandbox Entra ID + Microsoft Graph against the REAL client libraries:
 * @azure/identity's ClientSecretCredential and @microsoft/microsoft-graph-client, unmodified.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { AuthenticationRequiredError, ClientSecretCredential } from '@azure/identity';
import { Client, GraphError, RetryHandlerOptions } from '@microsoft/microsoft-graph-client';
import { TokenCredentialAuthenticationProvider } from '@microsoft/microsoft-graph-client/authProviders/azureTokenCredentials';
import { Agent } from 'undici';
import { createGraphClient, GRAPH_DEFAULT_SCOPE } from '../../src/connectors/entra/graph-client';
import {
  type AppRegistration,
  type EntraSandbox,
  leaseholdApp,
  readOnlyApp,
  sampleEntraGroups,
  samplePerson,
  startEntraSandbox,
} from '@leasehold/sandbox';

const execFileAsync = promisify(execFile);

const groupId = (name: string): string => {
  const group = sampleEntraGroups.find((g) => g.name === name);
  if (!group) throw new Error(`no sample group ${name}`);
  return group.id;
};
const entraId = (handle: string): string => samplePerson(handle).entraId!;
const directoryObject = (id: string) => ({ '@odata.id': `https://graph.microsoft.com/v1.0/directoryObjects/${id}` });

const SF_ADMIN = groupId('SF-Admin');
const SF_USER = groupId('SF-User');
const FINANCE = groupId('Finance-Reports');

interface UserBody {
  id: string;
  displayName?: string;
  mail?: string;
  userPrincipalName?: string;
  signInActivity?: { lastSignInDateTime: string } | null;
}
interface Collection<T> {
  '@odata.context': string;
  '@odata.nextLink'?: string;
  value: T[];
}

/** Runs `call`, which must fail with a GraphError, and returns that error. */
async function graphError(call: () => Promise<unknown>): Promise<GraphError> {
  const outcome = await call().then(
    () => undefined,
    (err: unknown) => err,
  );
  if (!(outcome instanceof GraphError)) throw new Error(`expected a GraphError, got ${String(outcome)}`);
  return outcome;
}

describe('sandbox Entra ID + Microsoft Graph with the real SDKs', () => {
  let sandbox: EntraSandbox;
  let graph: Client;

  const clientFor = (app: AppRegistration, secret = app.clientSecret): Client =>
    createGraphClient({
      tenantId: sandbox.tenantId,
      clientId: app.clientId,
      clientSecret: secret,
      authorityHost: sandbox.url,
      graphBaseUrl: sandbox.url,
      caCertificate: sandbox.caCertificate,
    });

  const members = async (group: string): Promise<string[]> => {
    const page = (await graph.api(`/groups/${group}/members`).select('id').get()) as Collection<UserBody>;
    return page.value.map((u) => u.id);
  };

  beforeAll(async () => {
    sandbox = await startEntraSandbox({ port: 0 });
    graph = clientFor(leaseholdApp);
    // Acquire the token once up front, so later fault injections hit Graph, not the token endpoint.
    await graph.api(`/users/${entraId('alice')}`).get();
  });

  afterEach(() => {
    sandbox.reset();
    sandbox.faults.reset();
  });

  afterAll(async () => {
    await sandbox.close();
  });

  describe('token acquisition', () => {
    it('gets a Bearer token through the OpenID configuration and the v2.0 token endpoint', async () => {
      sandbox.reset();
      const credential = new ClientSecretCredential(
        sandbox.tenantId,
        leaseholdApp.clientId,
        leaseholdApp.clientSecret,
        {
          authorityHost: sandbox.url,
          disableInstanceDiscovery: true,
          tlsOptions: { ca: sandbox.caCertificate },
        },
      );
      const token = await credential.getToken(GRAPH_DEFAULT_SCOPE);

      expect(token.tokenType).toBe('Bearer');
      expect(token.expiresOnTimestamp).toBeGreaterThan(Date.now());
      const claims = JSON.parse(Buffer.from(token.token.split('.')[1]!, 'base64url').toString('utf8')) as Record<
        string,
        unknown
      >;
      expect(claims).toMatchObject({
        aud: 'https://graph.microsoft.com',
        tid: sandbox.tenantId,
        appid: leaseholdApp.clientId,
      });
      expect(claims.roles).toEqual(
        expect.arrayContaining(['GroupMember.ReadWrite.All', 'User.Read.All', 'AuditLog.Read.All']),
      );
      expect(sandbox.requestCount('openidConfiguration')).toBe(1);
      expect(sandbox.requestCount('token')).toBe(1);
      expect(sandbox.tokensIssued()[leaseholdApp.clientId]).toBe(1);
    });

    it('serves the OpenID configuration MSAL validates (issuer and endpoints under the authority)', async () => {
      const dispatcher = new Agent({ connect: { ca: sandbox.caCertificate } });
      const response = await fetch(`${sandbox.url}/${sandbox.tenantId}/v2.0/.well-known/openid-configuration`, {
        dispatcher,
      });
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toMatch(/^application\/json/);
      expect(await response.json()).toMatchObject({
        issuer: `${sandbox.url}/${sandbox.tenantId}/v2.0`,
        token_endpoint: `${sandbox.url}/${sandbox.tenantId}/oauth2/v2.0/token`,
        authorization_endpoint: `${sandbox.url}/${sandbox.tenantId}/oauth2/v2.0/authorize`,
        jwks_uri: `${sandbox.url}/${sandbox.tenantId}/discovery/v2.0/keys`,
      });
      await dispatcher.close();
    });

    it('works with the reference set-up exactly (NODE_EXTRA_CA_CERTS, no factory) in a fresh process', async () => {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'leasehold-entra-'));
      const caFile = path.join(dir, 'sandbox-ca.pem');
      fs.writeFileSync(caFile, sandbox.caCertificate);
      const script = `
        const { ClientSecretCredential } = require('@azure/identity');
        const { Client } = require('@microsoft/microsoft-graph-client');
        const { TokenCredentialAuthenticationProvider } = require('@microsoft/microsoft-graph-client/authProviders/azureTokenCredentials');
        const [url, tenant, clientId, secret, userId] = process.argv.slice(1);
        const cred = new ClientSecretCredential(tenant, clientId, secret, { authorityHost: url, disableInstanceDiscovery: true });
        const authProvider = new TokenCredentialAuthenticationProvider(cred, { scopes: ['https://graph.microsoft.com/.default'] });
        const client = Client.initWithMiddleware({ authProvider, baseUrl: url, customHosts: new Set(['localhost']) });
        client.api('/users/' + userId).select('id,mail').get().then(
          (user) => process.stdout.write(JSON.stringify(user)),
          (err) => { process.stderr.write(String(err && (err.stack || err.message))); process.exit(1); });
      `;
      const { stdout } = await execFileAsync(
        process.execPath,
        [
          '-e',
          script,
          sandbox.url,
          sandbox.tenantId,
          leaseholdApp.clientId,
          leaseholdApp.clientSecret,
          entraId('alice'),
        ],
        { cwd: path.resolve(__dirname, '../..'), env: { ...process.env, NODE_EXTRA_CA_CERTS: caFile } },
      );
      fs.rmSync(dir, { recursive: true, force: true });
      expect(JSON.parse(stdout)).toMatchObject({ id: entraId('alice'), mail: 'alice@example.com' });
    });

    it('works with the SDK options alone in-process (what the factory sets, nothing more)', async () => {
      const ca = sandbox.caCertificate;
      const credential = new ClientSecretCredential(
        sandbox.tenantId,
        leaseholdApp.clientId,
        leaseholdApp.clientSecret,
        {
          authorityHost: sandbox.url,
          disableInstanceDiscovery: true,
          tlsOptions: { ca },
        },
      );
      const client = Client.initWithMiddleware({
        authProvider: new TokenCredentialAuthenticationProvider(credential, {
          scopes: ['https://graph.microsoft.com/.default'],
        }),
        baseUrl: sandbox.url,
        customHosts: new Set(['localhost']),
        fetchOptions: { dispatcher: new Agent({ connect: { ca } }) },
      });
      const user = (await client.api(`/users/${entraId('bob')}`).get()) as UserBody;
      expect(user).toMatchObject({ id: entraId('bob'), displayName: 'Bob Baker' });
    });

    it('accepts the CA as a path to a PEM file', async () => {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'leasehold-entra-'));
      const caFile = path.join(dir, 'sandbox-ca.pem');
      fs.writeFileSync(caFile, sandbox.caCertificate);
      const client = createGraphClient({
        ...leaseholdCredentials(),
        authorityHost: sandbox.url,
        graphBaseUrl: sandbox.url,
        caCertificate: caFile,
      });
      const user = (await client
        .api(`/users/${entraId('carol')}`)
        .select('id')
        .get()) as UserBody;
      fs.rmSync(dir, { recursive: true, force: true });
      expect(user.id).toBe(entraId('carol'));
    });

    it('needs the CA on both halves, the token endpoint and Graph, or TLS fails', async () => {
      sandbox.reset();
      // Nothing trusts the sandbox: MSAL cannot read the OpenID configuration.
      const untrusted = createGraphClient({
        ...leaseholdCredentials(),
        authorityHost: sandbox.url,
        graphBaseUrl: sandbox.url,
      });
      const tokenSide = await graphError(() => untrusted.api(`/users/${entraId('alice')}`).get());
      expect(tokenSide.code).toBe('CredentialUnavailableError');
      expect(tokenSide.message).toContain('endpoints_resolution_error');
      expect(sandbox.requestCount('openidConfiguration')).toBe(0);

      // The credential trusts it but Graph's fetch does not: a token is issued, the Graph call fails.
      const credential = new ClientSecretCredential(
        sandbox.tenantId,
        leaseholdApp.clientId,
        leaseholdApp.clientSecret,
        {
          authorityHost: sandbox.url,
          disableInstanceDiscovery: true,
          tlsOptions: { ca: sandbox.caCertificate },
        },
      );
      const halfTrusted = Client.initWithMiddleware({
        authProvider: new TokenCredentialAuthenticationProvider(credential, { scopes: [GRAPH_DEFAULT_SCOPE] }),
        baseUrl: sandbox.url,
        customHosts: new Set(['localhost']),
      });
      const graphSide = await graphError(() => halfTrusted.api(`/users/${entraId('alice')}`).get());
      expect(graphSide.statusCode).toBe(-1);
      expect(String(graphSide.body ?? graphSide.message)).toContain('fetch failed');
      expect(sandbox.requestCount('token')).toBe(1);
      expect(sandbox.requestCount('getUser')).toBe(0);
    });

    it('surfaces a bad client secret as AADSTS7000215 from @azure/identity', async () => {
      const credential = new ClientSecretCredential(sandbox.tenantId, leaseholdApp.clientId, 'not-the-secret', {
        authorityHost: sandbox.url,
        disableInstanceDiscovery: true,
        tlsOptions: { ca: sandbox.caCertificate },
      });
      const failure = await credential.getToken(GRAPH_DEFAULT_SCOPE).then(
        () => undefined,
        (err: unknown) => err,
      );
      expect(failure).toBeInstanceOf(AuthenticationRequiredError);
      expect((failure as Error).message).toContain('AADSTS7000215: Invalid client secret provided.');
      expect((failure as Error).message).toContain('invalid_client');

      // Through the Graph client the same failure arrives as a GraphError carrying the cause.
      const err = await graphError(() =>
        clientFor(leaseholdApp, 'not-the-secret')
          .api(`/users/${entraId('alice')}`)
          .get(),
      );
      expect(err.code).toBe('AuthenticationRequiredError');
      expect(String(err.body)).toContain('AADSTS7000215');
    });

    it('rejects an unknown client (AADSTS700016) and an unknown tenant (AADSTS90002)', async () => {
      const unknownApp = new ClientSecretCredential(sandbox.tenantId, '00000000-0000-4000-8000-0000000000ff', 'x', {
        authorityHost: sandbox.url,
        disableInstanceDiscovery: true,
        tlsOptions: { ca: sandbox.caCertificate },
      });
      await expect(unknownApp.getToken(GRAPH_DEFAULT_SCOPE)).rejects.toThrow(
        /AADSTS700016: Application with identifier '00000000-0000-4000-8000-0000000000ff' was not found/,
      );

      const dispatcher = new Agent({ connect: { ca: sandbox.caCertificate } });
      const response = await fetch(`${sandbox.url}/11111111-0000-4000-8000-000000000000/oauth2/v2.0/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({
          grant_type: 'client_credentials',
          client_id: leaseholdApp.clientId,
          client_secret: leaseholdApp.clientSecret,
          scope: GRAPH_DEFAULT_SCOPE,
        }).toString(),
        dispatcher,
      });
      await dispatcher.close();
      expect(response.status).toBe(400);
      const body = (await response.json()) as Record<string, unknown>;
      expect(body).toMatchObject({ error: 'invalid_request', error_codes: [90002] });
      expect(body.error_description).toMatch(/^AADSTS90002: Tenant '11111111-0000-4000-8000-000000000000' not found\./);
      expect(Object.keys(body).sort()).toEqual([
        'correlation_id',
        'error',
        'error_codes',
        'error_description',
        'error_uri',
        'timestamp',
        'trace_id',
      ]);
    });
  });

  describe('group membership', () => {
    it('adds a member (204) and answers 400 Request_BadRequest when already a member', async () => {
      const added: unknown = await graph
        .api(`/groups/${SF_ADMIN}/members/$ref`)
        .post(directoryObject(entraId('alice')));
      expect(added).toBeUndefined();
      expect(sandbox.isMember('SF-Admin', entraId('alice'))).toBe(true);

      const err = await graphError(() =>
        graph.api(`/groups/${SF_ADMIN}/members/$ref`).post(directoryObject(entraId('alice'))),
      );
      expect(err.statusCode).toBe(400);
      expect(err.code).toBe('Request_BadRequest');
      expect(err.message).toBe(
        "One or more added object references already exist for the following modified properties: 'members'.",
      );
      expect(err.requestId).toMatch(/^[0-9a-f-]{36}$/);
      expect(sandbox.writeCounts().addMember).toBe(2);
    });

    it('removes a member (204) and answers 404 Request_ResourceNotFound when not a member', async () => {
      expect(sandbox.isMember('SF-Admin', entraId('carol'))).toBe(true);
      await graph.api(`/groups/${SF_ADMIN}/members/${entraId('carol')}/$ref`).delete();
      expect(sandbox.isMember('SF-Admin', entraId('carol'))).toBe(false);

      const err = await graphError(() => graph.api(`/groups/${SF_ADMIN}/members/${entraId('carol')}/$ref`).delete());
      expect(err.statusCode).toBe(404);
      expect(err.code).toBe('Request_ResourceNotFound');
      expect(err.message).toBe(
        `Resource '${entraId('carol')}' does not exist or one of its queried reference-property objects are not present.`,
      );
    });

    it('lists members page by page through an absolute @odata.nextLink', async () => {
      const first = (await graph.api(`/groups/${SF_USER}/members`).top(2).get()) as Collection<
        UserBody & { '@odata.type': string }
      >;
      expect(first.value).toHaveLength(2);
      expect(first.value.every((m) => m['@odata.type'] === '#microsoft.graph.user')).toBe(true);
      expect(first['@odata.nextLink']).toMatch(new RegExp(`^${sandbox.url}/v1\\.0/groups/${SF_USER}/members\\?`));

      const second = (await graph.api(first['@odata.nextLink']!).get()) as Collection<UserBody>;
      expect(second['@odata.nextLink']).toBeUndefined();
      const ids = [...first.value, ...second.value].map((m) => m.id).sort();
      expect(ids).toEqual([entraId('bob'), entraId('carol'), entraId('erin')].sort());
    });

    it('answers membership checks through memberOf and checkMemberGroups', async () => {
      const memberOf = (await graph.api(`/users/${entraId('carol')}/memberOf`).get()) as Collection<{
        '@odata.type': string;
        displayName: string;
      }>;
      expect(memberOf.value.map((g) => g.displayName).sort()).toEqual(['SF-Admin', 'SF-User']);
      expect(memberOf.value.every((g) => g['@odata.type'] === '#microsoft.graph.group')).toBe(true);

      const checked = (await graph
        .api(`/users/${entraId('carol')}/checkMemberGroups`)
        .post({ groupIds: [SF_ADMIN, FINANCE] })) as Collection<string>;
      expect(checked.value).toEqual([SF_ADMIN]);
    });

    it('finds a group by display name with $filter', async () => {
      const groups = (await graph.api('/groups').filter("displayName eq 'SF-Admin'").get()) as Collection<{
        id: string;
        displayName: string;
      }>;
      expect(groups.value).toEqual([
        expect.objectContaining({ id: SF_ADMIN, displayName: 'SF-Admin', securityEnabled: true }),
      ]);
      const group = (await graph.api(`/groups/${SF_ADMIN}`).select('id,displayName').get()) as Record<string, unknown>;
      expect(group).toEqual({
        '@odata.context': `${sandbox.url}/v1.0/$metadata#groups(id,displayName)/$entity`,
        id: SF_ADMIN,
        displayName: 'SF-Admin',
      });
    });
  });

  describe('users', () => {
    it('gets a user with $select, including signInActivity (AuditLog.Read.All on a premium tenant)', async () => {
      const user = (await graph
        .api('/users/alice@example.com')
        .select(['id', 'displayName', 'userPrincipalName', 'mail', 'accountEnabled', 'signInActivity'])
        .get()) as Record<string, unknown>;
      expect(user).toEqual({
        '@odata.context': `${sandbox.url}/v1.0/$metadata#users(id,displayName,userPrincipalName,mail,accountEnabled,signInActivity)/$entity`,
        id: entraId('alice'),
        displayName: 'Alice Anders',
        userPrincipalName: 'alice@example.com',
        mail: 'alice@example.com',
        accountEnabled: true,
        signInActivity: expect.objectContaining({ lastSignInDateTime: samplePerson('alice').lastLogin }) as unknown,
      });
    });

    it('answers 403 for signInActivity on a non-premium tenant, and without AuditLog.Read.All', async () => {
      sandbox.configure({ premiumTenant: false });
      const nonPremium = await graphError(() =>
        graph
          .api(`/users/${entraId('alice')}`)
          .select('id,signInActivity')
          .get(),
      );
      expect(nonPremium.statusCode).toBe(403);
      expect(nonPremium.code).toBe('Authentication_RequestFromNonPremiumTenantOrB2CTenant');
      // Without signInActivity the same user is readable.
      await expect(
        graph
          .api(`/users/${entraId('alice')}`)
          .select('id')
          .get(),
      ).resolves.toMatchObject({ id: entraId('alice') });

      sandbox.configure({ premiumTenant: true });
      const noAuditLog = await graphError(() =>
        clientFor(readOnlyApp)
          .api(`/users/${entraId('alice')}`)
          .select('id,signInActivity')
          .get(),
      );
      expect(noAuditLog.statusCode).toBe(403);
      expect(noAuditLog.code).toBe('Authorization_RequestDenied');
    });

    it('finds a user by mail with $filter', async () => {
      const found = (await graph
        .api('/users')
        .filter("mail eq 'erin@example.com'")
        .select('id,mail')
        .get()) as Collection<UserBody>;
      expect(found.value).toEqual([{ id: entraId('erin'), mail: 'erin@example.com' }]);
      const none = (await graph
        .api('/users')
        .filter("userPrincipalName eq 'mallory@example.com'")
        .get()) as Collection<UserBody>;
      expect(none.value).toEqual([]);
    });

    it("gets a user's manager (200) and 404 Request_ResourceNotFound when there is none", async () => {
      const manager = (await graph.api(`/users/${entraId('alice')}/manager`).get()) as UserBody & {
        '@odata.type': string;
      };
      expect(manager).toMatchObject({
        '@odata.type': '#microsoft.graph.user',
        id: entraId('bob'),
        mail: 'bob@example.com',
      });

      const err = await graphError(() => graph.api(`/users/${entraId('dave')}/manager`).get());
      expect(err.statusCode).toBe(404);
      expect(err.code).toBe('Request_ResourceNotFound');
      expect(err.message).toBe(
        "Resource 'manager' does not exist or one of its queried reference-property objects are not present.",
      );
    });

    it('answers 404 Request_ResourceNotFound for an unknown user', async () => {
      const err = await graphError(() => graph.api('/users/mallory@example.com').get());
      expect(err.statusCode).toBe(404);
      expect(err.code).toBe('Request_ResourceNotFound');
      expect(err.message).toBe(
        "Resource 'mallory@example.com' does not exist or one of its queried reference-property objects are not present.",
      );
      const body = JSON.parse(String(err.body)) as { innerError: Record<string, string> };
      expect(Object.keys(body.innerError).sort()).toEqual(['client-request-id', 'date', 'request-id']);
    });
  });

  describe('authorization', () => {
    it('answers 403 Authorization_RequestDenied when the app lacks GroupMember.ReadWrite.All', async () => {
      const readOnly = clientFor(readOnlyApp);
      const err = await graphError(() =>
        readOnly.api(`/groups/${SF_ADMIN}/members/$ref`).post(directoryObject(entraId('alice'))),
      );
      expect(err.statusCode).toBe(403);
      expect(err.code).toBe('Authorization_RequestDenied');
      expect(err.message).toBe('Insufficient privileges to complete the operation.');
      expect(sandbox.isMember('SF-Admin', entraId('alice'))).toBe(false);
      // The same app can read.
      await expect(members(SF_ADMIN)).resolves.toEqual([entraId('carol')]);
    });

    it('answers 401 InvalidAuthenticationToken for a token the tenant did not issue', async () => {
      const forged = Client.initWithMiddleware({
        authProvider: { getAccessToken: () => Promise.resolve('eyJhbGciOiJub25lIn0.eyJyb2xlcyI6W119.forged') },
        baseUrl: sandbox.url,
        customHosts: new Set(['localhost']),
        fetchOptions: { dispatcher: new Agent({ connect: { ca: sandbox.caCertificate } }) },
      });
      const err = await graphError(() => forged.api(`/users/${entraId('alice')}`).get());
      expect(err.statusCode).toBe(401);
      expect(err.code).toBe('InvalidAuthenticationToken');
    });
  });

  describe('throttling and server errors', () => {
    it('is retried transparently by the Graph client on 429 with Retry-After', async () => {
      sandbox.faults.update({ throttleNext: 2, retryAfterSeconds: 1 });
      await graph.api(`/groups/${SF_ADMIN}/members/$ref`).post(directoryObject(entraId('erin')));
      expect(sandbox.faults.current.throttleNext).toBe(0);
      expect(sandbox.writeCounts().addMember).toBe(1);
      expect(sandbox.isMember('SF-Admin', entraId('erin'))).toBe(true);
    });

    it('is retried transparently on 503 with Retry-After', async () => {
      sandbox.faults.update({ failNext: 1, retryAfterSeconds: 1 });
      await expect(members(SF_ADMIN)).resolves.toEqual([entraId('carol')]);
      expect(sandbox.faults.current.failNext).toBe(0);
    });

    it('surfaces 429 as a GraphError with Retry-After once the client has used its 3 retries', async () => {
      sandbox.faults.update({ throttleNext: 5, retryAfterSeconds: 1 });
      const err = await graphError(() =>
        graph.api(`/groups/${SF_ADMIN}/members/$ref`).post(directoryObject(entraId('erin'))),
      );
      expect(err.statusCode).toBe(429);
      expect(err.code).toBe('TooManyRequests');
      expect(err.message).toBe('Too many requests');
      expect(err.headers?.get('Retry-After')).toBe('1');
      // One try and three retries used four of the five forced 429s; nothing reached the directory.
      expect(sandbox.faults.current.throttleNext).toBe(1);
      expect(sandbox.writeCounts().addMember).toBe(0);
      expect(sandbox.isMember('SF-Admin', entraId('erin'))).toBe(false);
    });

    it('throttles Graph to a per-minute limit when asked (the bench): 429 TooManyRequests with the seconds left', async () => {
      sandbox.setGraphRateLimit(2);
      try {
        const noRetries = [new RetryHandlerOptions(0, 0)];
        await members(SF_ADMIN);
        await members(SF_ADMIN);
        const err = await graphError(() => graph.api(`/groups/${SF_ADMIN}/members`).middlewareOptions(noRetries).get());
        expect(err.statusCode).toBe(429);
        expect(err.code).toBe('TooManyRequests');
        const retryAfter = Number(err.headers?.get('Retry-After'));
        expect(retryAfter).toBeGreaterThan(0);
        expect(retryAfter).toBeLessThanOrEqual(60);
        expect(sandbox.throttledCount()).toBe(1);
      } finally {
        sandbox.setGraphRateLimit(undefined);
      }
      await expect(members(SF_ADMIN)).resolves.toEqual([entraId('carol')]);
    });
  });

  describe('eventual consistency', () => {
    it('hides a fresh membership write from reads until it has replicated', async () => {
      sandbox.reset({ replicationDelayMs: 600_000 });
      await graph.api(`/groups/${FINANCE}/members/$ref`).post(directoryObject(entraId('alice')));

      // The write is committed (a second add conflicts) but reads do not see it yet.
      expect(sandbox.groupMembers('Finance-Reports')).toEqual([entraId('alice')]);
      await expect(members(FINANCE)).resolves.toEqual([]);
      const checked = (await graph
        .api(`/users/${entraId('alice')}/checkMemberGroups`)
        .post({ groupIds: [FINANCE] })) as Collection<string>;
      expect(checked.value).toEqual([]);
      const again = await graphError(() =>
        graph.api(`/groups/${FINANCE}/members/$ref`).post(directoryObject(entraId('alice'))),
      );
      expect(again.code).toBe('Request_BadRequest');

      sandbox.flushReplication();
      await expect(members(FINANCE)).resolves.toEqual([entraId('alice')]);
    });

    it('shows the write to a reader that retries', async () => {
      sandbox.reset({ replicationDelayMs: 300 });
      await graph.api(`/groups/${FINANCE}/members/$ref`).post(directoryObject(entraId('frank')));
      let seen: string[] = [];
      for (let attempt = 0; attempt < 100 && !seen.includes(entraId('frank')); attempt++) {
        seen = await members(FINANCE);
        if (!seen.includes(entraId('frank'))) await new Promise((resolve) => setTimeout(resolve, 50));
      }
      expect(seen).toEqual([entraId('frank')]);
    });
  });

  function leaseholdCredentials(): { tenantId: string; clientId: string; clientSecret: string } {
    return { tenantId: sandbox.tenantId, clientId: leaseholdApp.clientId, clientSecret: leaseholdApp.clientSecret };
  }
});
