/**
 * EntraIdentityProvider against the sandbox Entra ID + Microsoft Graph, built the way the worker
 * builds it: from a rules connection (secret in an environment variable, the sandbox CA as a file),
 * with the real @azure/identity and @microsoft/microsoft-graph-client underneath.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { GraphError } from '@microsoft/microsoft-graph-client';
import { MockActivityEnvironment } from '@temporalio/testing';
import { directoryActivities } from '../../src/activities/directory';
import type { IdentityProvider } from '../../src/connectors/identity-provider';
import { ConnectorError } from '../../src/connectors/connector-error';
import { classifyGraphError, EntraIdentityProvider } from '../../src/connectors/entra/entra-identity-provider';
import { createGraphClient } from '../../src/connectors/entra/graph-client';
import { checkConnection } from '../../src/connectors/connection-check';
import { rulesDocumentSchema, type EntraConnection } from '../../src/policy/schema';
import {
  type AppRegistration,
  type EntraSandbox,
  leaseholdApp,
  readOnlyApp,
  sampleEntraGroups,
  samplePerson,
  startEntraSandbox,
} from '@leasehold/sandbox';

const groupId = (name: string): string => {
  const group = sampleEntraGroups.find((g) => g.name === name);
  if (!group) throw new Error(`no sample group ${name}`);
  return group.id;
};
const entraId = (handle: string): string => samplePerson(handle).entraId!;

const SF_ADMIN = groupId('SF-Admin');
const SF_USER = groupId('SF-User');
const FINANCE = groupId('Finance-Reports');
const UNKNOWN_GROUP = '5f000000-0000-4000-8000-00000000dead';
const UNKNOWN_USER = '0000dead-0000-4000-8000-000000000099';
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const SECRET_VAR = 'LEASEHOLD_TEST_ENTRA_CLIENT_SECRET';
const CLIENT_ID_VAR = 'LEASEHOLD_TEST_ENTRA_CLIENT_ID';

/** Runs `call`, which must fail with a ConnectorError, and returns that error. */
async function connectorError(call: () => Promise<unknown>): Promise<ConnectorError> {
  const outcome = await call().then(
    () => undefined,
    (err: unknown) => err,
  );
  if (!(outcome instanceof ConnectorError))
    throw new Error(`expected a ConnectorError, got ${outcome === undefined ? 'success' : String(outcome)}`);
  return outcome;
}

describe('EntraIdentityProvider against the sandbox Graph', () => {
  let sandbox: EntraSandbox;
  let dir: string;
  let caFile: string;
  let idp: EntraIdentityProvider;

  /** A rules connection for `app`, its secret (or `secret`) in an environment variable. */
  const connectionFor = (app: AppRegistration, secret = app.clientSecret): EntraConnection => {
    process.env[SECRET_VAR] = secret;
    process.env[CLIENT_ID_VAR] = app.clientId;
    return {
      type: 'entra',
      tenantId: sandbox.tenantId,
      clientId: `\${${CLIENT_ID_VAR}}`,
      clientSecret: { env: SECRET_VAR },
      authorityHost: sandbox.url,
      graphBaseUrl: sandbox.url,
      caFile,
    };
  };

  beforeAll(async () => {
    sandbox = await startEntraSandbox({ port: 0 });
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'leasehold-entra-idp-'));
    caFile = path.join(dir, 'sandbox-ca.pem');
    fs.writeFileSync(caFile, sandbox.caCertificate);
    idp = EntraIdentityProvider.fromConnection(connectionFor(leaseholdApp));
    // Acquire the token up front, so fault injections below hit Graph, not the token endpoint.
    await idp.findUser(entraId('alice'));
  });

  afterEach(() => {
    sandbox.reset({ replicationDelayMs: 0, premiumTenant: true });
    sandbox.faults.reset();
  });

  afterAll(async () => {
    delete process.env[SECRET_VAR];
    delete process.env[CLIENT_ID_VAR];
    fs.rmSync(dir, { recursive: true, force: true });
    await sandbox.close();
  });

  describe('users', () => {
    it('finds a user by email / userPrincipalName and by object id', async () => {
      const alice = {
        id: entraId('alice'),
        login: 'alice@example.com',
        email: 'alice@example.com',
        displayName: 'Alice Anders',
        status: 'enabled',
        title: samplePerson('alice').title,
        department: samplePerson('alice').department,
      };
      expect(idp.kind).toBe('entra');
      await expect(idp.findUser('alice@example.com')).resolves.toEqual(alice);
      // Entra compares mail and userPrincipalName case-insensitively.
      await expect(idp.findUser('Alice@Example.com')).resolves.toEqual(alice);
      await expect(idp.findUser(entraId('alice'))).resolves.toEqual(alice);
      await expect(idp.findUser(entraId('alice').toUpperCase())).resolves.toMatchObject({ id: entraId('alice') });
    });

    it('answers undefined for people who are not in the directory', async () => {
      await expect(idp.findUser('mallory@example.com')).resolves.toBeUndefined();
      await expect(idp.findUser(UNKNOWN_USER)).resolves.toBeUndefined();
    });

    it('quotes and encodes what it filters on (apostrophes, &, +, #)', async () => {
      // Unescaped, each of these would be an invalid $filter (400) or a different query.
      await expect(idp.findUser("o'brien@example.com")).resolves.toBeUndefined();
      await expect(idp.findUser("alice@example.com' or mail eq 'bob@example.com")).resolves.toBeUndefined();
      await expect(idp.findUser('r&d+ops#1@example.com')).resolves.toBeUndefined();
    });

    it("finds a user's manager, and none when there is none", async () => {
      await expect(idp.findManager(entraId('alice'))).resolves.toEqual({
        id: entraId('bob'),
        login: 'bob@example.com',
        email: 'bob@example.com',
        displayName: 'Bob Baker',
        status: 'enabled',
        title: samplePerson('bob').title,
        department: samplePerson('bob').department,
      });
      await expect(idp.findManager(entraId('dave'))).resolves.toBeUndefined();
    });

    it('tells an unknown user apart from a user without a manager', async () => {
      const err = await connectorError(() => idp.findManager(UNKNOWN_USER));
      expect(err.kind).toBe('permanent');
      expect(err.message).toMatch(new RegExp(`^unknown user: ${UNKNOWN_USER} does not exist in Entra ID`));
    });

    it('reads the last sign-in, undefined when the user never signed in', async () => {
      await expect(idp.lastActivity(entraId('alice'))).resolves.toEqual(new Date(samplePerson('alice').lastLogin!));
      await expect(idp.lastActivity(entraId('frank'))).resolves.toBeUndefined();
      await expect(connectorError(() => idp.lastActivity(UNKNOWN_USER))).resolves.toMatchObject({
        kind: 'permanent',
        message: expect.stringMatching(/^unknown user/) as unknown,
      });
    });

    it('answers undefined for the last sign-in on a tenant without Entra ID P1/P2 (not an error)', async () => {
      sandbox.configure({ premiumTenant: false });
      await expect(idp.lastActivity(entraId('alice'))).resolves.toBeUndefined();
    });

    it('names AuditLog.Read.All when the app may not read sign-in activity', async () => {
      const readOnly = EntraIdentityProvider.fromConnection(connectionFor(readOnlyApp));
      const err = await connectorError(() => readOnly.lastActivity(entraId('alice')));
      expect(err.kind).toBe('permanent');
      expect(err.message).toMatch(/^missing Graph permission \(AuditLog\.Read\.All/);
    });
  });

  describe('groups', () => {
    it('finds a group by display name (case-insensitively, as Entra does) and by object id', async () => {
      const sfAdmin = { id: SF_ADMIN, name: 'SF-Admin' };
      await expect(idp.findGroup('SF-Admin')).resolves.toEqual(sfAdmin);
      await expect(idp.findGroup('sf-admin')).resolves.toEqual(sfAdmin);
      await expect(idp.findGroup(SF_ADMIN)).resolves.toEqual(sfAdmin);
    });

    it('answers undefined for a group that does not exist', async () => {
      await expect(idp.findGroup('No-Such-Group')).resolves.toBeUndefined();
      await expect(idp.findGroup("R&D's #1 group")).resolves.toBeUndefined();
      await expect(idp.findGroup(UNKNOWN_GROUP)).resolves.toBeUndefined();
    });

    it('checks membership', async () => {
      await expect(idp.isMember(SF_ADMIN, entraId('carol'))).resolves.toBe(true);
      await expect(idp.isMember(SF_ADMIN, entraId('alice'))).resolves.toBe(false);
      await expect(idp.isMember(SF_USER, entraId('erin'))).resolves.toBe(true);
    });

    it('checks membership of an unknown user or group as a permanent error, not "not a member"', async () => {
      const noUser = await connectorError(() => idp.isMember(SF_ADMIN, UNKNOWN_USER));
      expect(noUser).toMatchObject({ kind: 'permanent', message: expect.stringMatching(/^unknown user: /) as unknown });
      const noGroup = await connectorError(() => idp.isMember(UNKNOWN_GROUP, entraId('alice')));
      expect(noGroup).toMatchObject({
        kind: 'permanent',
        message: expect.stringMatching(new RegExp(`^unknown group: ${UNKNOWN_GROUP}`)) as unknown,
      });
    });

    it('reads a removal back in one Graph call: "not a member" needs no read of the group', async () => {
      const before = { memberOf: sandbox.requestCount('listMemberOf'), group: sandbox.requestCount('getGroup') };
      await expect(idp.isMember(SF_ADMIN, entraId('alice'), { absentIsEnough: true })).resolves.toBe(false);
      // A group deleted meanwhile: the user is not in it either, which is all a removal's read-back asks.
      await expect(idp.isMember(UNKNOWN_GROUP, entraId('alice'), { absentIsEnough: true })).resolves.toBe(false);
      expect(sandbox.requestCount('listMemberOf') - before.memberOf).toBe(2);
      expect(sandbox.requestCount('getGroup') - before.group).toBe(0);
    });

    it('lists members, following @odata.nextLink across pages', async () => {
      const ids = (await idp.listMembers(SF_USER)).map((u) => u.id).sort();
      expect(ids).toEqual([entraId('bob'), entraId('carol'), entraId('erin')].sort());
      await expect(idp.listMembers(FINANCE)).resolves.toEqual([]);

      sandbox.reset();
      const paged = new EntraIdentityProvider(
        createGraphClient({
          tenantId: sandbox.tenantId,
          clientId: leaseholdApp.clientId,
          clientSecret: leaseholdApp.clientSecret,
          authorityHost: sandbox.url,
          graphBaseUrl: sandbox.url,
          caCertificate: sandbox.caCertificate,
        }),
        { graphBaseUrl: sandbox.url, pageSize: 1 },
      );
      const members = await paged.listMembers(SF_USER);
      expect(members.map((u) => u.login).sort()).toEqual(['bob@example.com', 'carol@example.com', 'erin@example.com']);
      expect(sandbox.requestCount('listMembers')).toBe(3);

      // Carol is in SF-Admin and SF-User: with one group per page, SF-User is on the second page.
      await expect(paged.isMember(SF_USER, entraId('carol'))).resolves.toBe(true);
      expect(sandbox.requestCount('listMemberOf')).toBe(2);
    });

    it('lists the members of an unknown group as a permanent error', async () => {
      await expect(connectorError(() => idp.listMembers(UNKNOWN_GROUP))).resolves.toMatchObject({
        kind: 'permanent',
        message: expect.stringMatching(/^unknown group: /) as unknown,
      });
    });
  });

  describe('membership changes', () => {
    it("adds a member and keeps Graph's answer (status, request-id) as evidence", async () => {
      const answer = await idp.addMember(SF_ADMIN, entraId('alice'));
      expect(answer).toEqual({ status: 204, requestId: expect.stringMatching(GUID) as unknown, note: 'added' });
      expect(sandbox.isMember('SF-Admin', entraId('alice'))).toBe(true);
      await expect(idp.isMember(SF_ADMIN, entraId('alice'))).resolves.toBe(true);
    });

    it('treats adding an existing member as success, with a single write', async () => {
      await idp.addMember(SF_ADMIN, entraId('alice'));
      const again = await idp.addMember(SF_ADMIN, entraId('alice'));
      expect(again).toEqual({
        status: 400,
        requestId: expect.stringMatching(GUID) as unknown,
        note: 'already a member',
      });
      expect(sandbox.writeCounts().addMember).toBe(2);
      expect(sandbox.groupMembers('SF-Admin').sort()).toEqual([entraId('alice'), entraId('carol')].sort());
    });

    it('removes a member, and treats removing a non-member as success', async () => {
      const removed = await idp.removeMember(SF_ADMIN, entraId('carol'));
      expect(removed).toEqual({ status: 204, requestId: expect.stringMatching(GUID) as unknown, note: 'removed' });
      expect(sandbox.isMember('SF-Admin', entraId('carol'))).toBe(false);

      const again = await idp.removeMember(SF_ADMIN, entraId('carol'));
      expect(again).toEqual({ status: 404, requestId: expect.stringMatching(GUID) as unknown, note: 'not a member' });
      expect(sandbox.writeCounts().removeMember).toBe(2);
      await expect(idp.removeMember(FINANCE, entraId('alice'))).resolves.toMatchObject({ note: 'not a member' });
    });

    it('fails permanently with a clear reason for an unknown group', async () => {
      for (const change of [
        () => idp.addMember(UNKNOWN_GROUP, entraId('alice')),
        () => idp.removeMember(UNKNOWN_GROUP, entraId('alice')),
      ]) {
        const err = await connectorError(change);
        expect(err.kind).toBe('permanent');
        expect(err.message).toMatch(new RegExp(`^unknown group: ${UNKNOWN_GROUP} does not exist in Entra ID`));
      }
    });

    it('fails permanently with a clear reason for an unknown user (removal is not "not a member")', async () => {
      for (const change of [
        () => idp.addMember(SF_ADMIN, UNKNOWN_USER),
        () => idp.removeMember(SF_ADMIN, UNKNOWN_USER),
      ]) {
        const err = await connectorError(change);
        expect(err.kind).toBe('permanent');
        expect(err.message).toMatch(new RegExp(`^unknown user: ${UNKNOWN_USER} does not exist in Entra ID`));
      }
      expect(sandbox.groupMembers('SF-Admin')).toEqual([entraId('carol')]);
    });

    it('rejects an id that is not an object id as permanent', async () => {
      const err = await connectorError(() => idp.addMember(SF_ADMIN, 'alice@example.com'));
      expect(err).toMatchObject({ kind: 'permanent', details: { status: 400, code: 'Request_BadRequest' } });
      expect(err.message).toContain("Invalid object identifier 'alice@example.com'");
    });
  });

  describe('credentials and permissions', () => {
    it('reports a wrong client secret as permanent "bad credentials", without the secret', async () => {
      const wrongSecret = 'wrong-secret-Zq8~not-the-real-one';
      const badIdp = EntraIdentityProvider.fromConnection(connectionFor(leaseholdApp, wrongSecret));
      const err = await connectorError(() => badIdp.findUser('alice@example.com'));
      expect(err.kind).toBe('permanent');
      expect(err.message).toMatch(/^bad credentials: /);
      expect(err.message).toContain('AADSTS7000215');
      expect(err.message).not.toContain(wrongSecret);
      expect(err.message).not.toContain(leaseholdApp.clientSecret);
      expect(JSON.stringify(err.details)).not.toContain(wrongSecret);
    });

    it('reports a read-only app as permanent "missing Graph permission", and changes nothing', async () => {
      const readOnly = EntraIdentityProvider.fromConnection(connectionFor(readOnlyApp));
      const add = await connectorError(() => readOnly.addMember(SF_ADMIN, entraId('alice')));
      expect(add.kind).toBe('permanent');
      expect(add.message).toMatch(/^missing Graph permission \(GroupMember\.ReadWrite\.All/);
      expect(add.details).toMatchObject({ status: 403, code: 'Authorization_RequestDenied' });
      const remove = await connectorError(() => readOnly.removeMember(SF_ADMIN, entraId('carol')));
      expect(remove.message).toMatch(/^missing Graph permission \(GroupMember\.ReadWrite\.All/);
      expect(sandbox.groupMembers('SF-Admin')).toEqual([entraId('carol')]);
      // The same app may still read.
      await expect(readOnly.isMember(SF_ADMIN, entraId('carol'))).resolves.toBe(true);
    });

    it('reports an unreachable authority as retryable', async () => {
      const unreachable = EntraIdentityProvider.fromConnection({
        ...connectionFor(leaseholdApp),
        authorityHost: 'https://localhost:1',
      });
      const err = await connectorError(() => unreachable.findUser('alice@example.com'));
      expect(err.kind).toBe('retryable');
      expect(err.message).toMatch(/^cannot reach the Entra ID authority/);
    });

    it('scrubs a known secret out of any message it classifies', () => {
      const secret = 's3cr3t-value';
      const leaky = new GraphError(-1, `token request failed for client_secret=${secret}`);
      leaky.code = 'AuthenticationRequiredError';
      const err = classifyGraphError(leaky, { what: 'find user x', secrets: [secret] });
      expect(err.message).not.toContain(secret);
      expect(err.message).toContain('[redacted]');
    });
  });

  describe('throttling and outages (left to Temporal: the client does not retry by itself)', () => {
    it('surfaces a 429 at once as rate-limited with Retry-After in ms, having written nothing', async () => {
      sandbox.faults.update({ throttleNext: 3, retryAfterSeconds: 2 });
      const err = await connectorError(() => idp.addMember(SF_ADMIN, entraId('alice')));
      expect(err.kind).toBe('rate-limited');
      expect(err.details).toMatchObject({ status: 429, code: 'TooManyRequests', retryAfterMs: 2000 });
      // One request, no hidden retries inside the activity.
      expect(sandbox.faults.current.throttleNext).toBe(2);
      expect(sandbox.writeCounts().addMember).toBe(0);
      expect(sandbox.isMember('SF-Admin', entraId('alice'))).toBe(false);

      sandbox.faults.update({ throttleNext: 0 });
      await expect(idp.addMember(SF_ADMIN, entraId('alice'))).resolves.toMatchObject({ status: 204 });
    });

    it('rate-limits reads the same way', async () => {
      sandbox.faults.update({ throttleNext: 1, retryAfterSeconds: 2 });
      const err = await connectorError(() => idp.isMember(SF_ADMIN, entraId('carol')));
      expect(err).toMatchObject({ kind: 'rate-limited', details: { retryAfterMs: 2000 } });
    });

    it('surfaces a 503 as retryable', async () => {
      sandbox.faults.update({ failNext: 2, retryAfterSeconds: 1 });
      const err = await connectorError(() => idp.listMembers(SF_USER));
      expect(err.kind).toBe('retryable');
      expect(err.details).toMatchObject({ status: 503, code: 'serviceNotAvailable' });
      expect(sandbox.faults.current.failNext).toBe(1);
      const remove = await connectorError(() => idp.removeMember(SF_ADMIN, entraId('carol')));
      expect(remove.kind).toBe('retryable');
      expect(sandbox.isMember('SF-Admin', entraId('carol'))).toBe(true);
    });
  });

  describe('eventual consistency', () => {
    it('does not see a fresh add until it has replicated (isMember is a fresh read)', async () => {
      sandbox.reset({ replicationDelayMs: 600_000 });
      await expect(idp.addMember(FINANCE, entraId('alice'))).resolves.toMatchObject({ note: 'added' });
      await expect(idp.isMember(FINANCE, entraId('alice'))).resolves.toBe(false);
      // The write is committed: adding again is "already a member", not a second membership.
      await expect(idp.addMember(FINANCE, entraId('alice'))).resolves.toMatchObject({ note: 'already a member' });
      sandbox.flushReplication();
      await expect(idp.isMember(FINANCE, entraId('alice'))).resolves.toBe(true);
    });

    it('sees the add when polled', async () => {
      sandbox.reset({ replicationDelayMs: 400 });
      await idp.addMember(FINANCE, entraId('frank'));
      let member = false;
      for (let attempt = 0; attempt < 200 && !member; attempt++) {
        member = await idp.isMember(FINANCE, entraId('frank'));
        if (!member) await new Promise((resolve) => setTimeout(resolve, 50));
      }
      expect(member).toBe(true);
      await expect(idp.listMembers(FINANCE)).resolves.toEqual([expect.objectContaining({ id: entraId('frank') })]);
    });
  });
  describe('a membership change and its read-back in one activity (ensureMember, ensureRemoved)', () => {
    const ref = (groupId: string, handle: string) => ({
      connectionName: 'entra',
      connection: connectionFor(leaseholdApp),
      groupId,
      userId: entraId(handle),
    });
    const run = <A extends unknown[], R>(fn: (...args: A) => Promise<R>, ...args: A): Promise<R> =>
      new MockActivityEnvironment().run(fn, ...args);

    it('writes once and reads back until Graph shows the write (a fresh add lags by 1.5 s)', async () => {
      sandbox.reset({ replicationDelayMs: 1_500 });
      const writes = sandbox.writeCounts().addMember;
      const changed = await run(directoryActivities({ provider: () => idp }).ensureMember, ref(FINANCE, 'frank'));
      expect(sandbox.writeCounts().addMember - writes).toBe(1);
      expect(Date.parse(changed.verifiedAt) - Date.parse(changed.answer.at!)).toBeGreaterThanOrEqual(1_000);
      await expect(idp.isMember(FINANCE, entraId('frank'))).resolves.toBe(true);
    });

    it('waits out a rate-limited read-back without removing twice', async () => {
      // Graph throttles the read that follows the removal, once, asking for a second's wait.
      const throttledAfterWrite: IdentityProvider = Object.create(idp, {
        removeMember: {
          value: async (groupId: string, userId: string) => {
            const answer = await idp.removeMember(groupId, userId);
            sandbox.faults.update({ throttleNext: 1, retryAfterSeconds: 1 });
            return answer;
          },
        },
      }) as IdentityProvider;
      const writes = sandbox.writeCounts().removeMember;
      const changed = await run(
        directoryActivities({ provider: () => throttledAfterWrite }).ensureRemoved,
        ref(SF_ADMIN, 'carol'),
      );
      expect(sandbox.writeCounts().removeMember - writes).toBe(1);
      expect(sandbox.faults.current.throttleNext).toBe(0);
      expect(Date.parse(changed.verifiedAt) - Date.parse(changed.answer.at!)).toBeGreaterThanOrEqual(900);
      expect(sandbox.isMember('SF-Admin', entraId('carol'))).toBe(false);
    });
  });

  describe('connections test, where a level reclaims', () => {
    const rules = (connection: EntraConnection) =>
      rulesDocumentSchema.parse({
        version: 1,
        connections: {
          jira: { type: 'jira', site: 'http://x', email: 'a@example.com', apiToken: { env: 'X' } },
          entra: connection,
        },
        portal: { connection: 'jira', project: 'ACCESS', statusMapping: { Approved: ['Approved'] } },
        applications: [
          {
            name: 'Salesforce',
            owner: 'dave@example.com',
            levels: [
              {
                name: 'User',
                connection: 'entra',
                groups: ['SF-User'],
                risk: 'low',
                approval: { approvers: ['app-owner'] },
                duration: { default: '1 day' },
                reclaim: { inactiveFor: '30 days' },
              },
            ],
          },
        ],
      });
    const check = (connection: EntraConnection) =>
      checkConnection('entra', rules(connection), {
        provider: () => EntraIdentityProvider.fromConnection(connection),
        jira: () => {
          throw new Error('not used');
        },
      });

    it('reads a sign-in time, and names AuditLog.Read.All when the app may not', async () => {
      const ok = await check(connectionFor(leaseholdApp));
      expect(ok.lines).toContainEqual({
        ok: true,
        text: expect.stringMatching(/^sign-in times readable for reclaim \(/),
      });
      const readOnly = await check(connectionFor(readOnlyApp));
      expect(readOnly.ok).toBe(false);
      expect(readOnly.lines).toContainEqual({
        ok: false,
        text: expect.stringMatching(/^sign-in times \(for reclaim\): .*AuditLog\.Read\.All/),
      });
    });
  });
});
