import { generateKeyPairSync } from 'node:crypto';
import { SecretUnavailableError } from '../../src/config/settings';
import { checkConnection } from '../../src/connectors/connection-check';
import { ConnectorError } from '../../src/connectors/connector-error';
import { createDirectoryClient, GOOGLE_SCOPES } from '../../src/connectors/google/google-client';
import { DEFAULT_RATE_LIMIT_WAIT_MS } from '../../src/connectors/google/google-errors';
import { GoogleIdentityProvider } from '../../src/connectors/google/google-identity-provider';
import { ConnectorRegistry } from '../../src/connectors/registry';
import { parseRulesText } from '../../src/policy/parse';
import type { GoogleConnection, RulesDocument } from '../../src/policy/schema';
import { exampleRulesText } from '../harness/example-rules';
import { sandboxCredentials, startGoogleSandbox, type GoogleSandbox } from '@leasehold/sandbox';

/**
 * The Google Workspace IdentityProvider against the sandbox, built the way the worker builds it
 * (fromConnection: `${VAR}` settings, the key file's JSON from an env var), through the real client.
 */

const ENV = {
  url: 'LEASEHOLD_TEST_GOOGLE_IDP_URL',
  key: 'LEASEHOLD_TEST_GOOGLE_IDP_KEY',
  wrongKey: 'LEASEHOLD_TEST_GOOGLE_IDP_WRONG_KEY',
  notJson: 'LEASEHOLD_TEST_GOOGLE_IDP_NOT_JSON',
} as const;
const ONCALL = 'eng-oncall@example.com';
const ENGINEERING = 'engineering@example.com';

let sandbox: GoogleSandbox;
let wrongPrivateKey: string;

beforeAll(async () => {
  sandbox = await startGoogleSandbox({ port: 0 });
  wrongPrivateKey = generateKeyPairSync('rsa', { modulusLength: 2048 })
    .privateKey.export({ type: 'pkcs8', format: 'pem' })
    .toString();
  process.env[ENV.url] = sandbox.url;
  process.env[ENV.key] = JSON.stringify(sandbox.serviceAccountKey);
  process.env[ENV.wrongKey] = JSON.stringify({ ...sandbox.serviceAccountKey, private_key: wrongPrivateKey });
  process.env[ENV.notJson] = 'client_email=leasehold@example.com';
});
afterAll(async () => {
  await sandbox.close();
  for (const name of Object.values(ENV)) delete process.env[name];
});
beforeEach(() => sandbox.reset());

function connection(overrides: Partial<GoogleConnection> = {}): GoogleConnection {
  return {
    type: 'google',
    serviceAccountKey: { env: ENV.key },
    subject: sandboxCredentials.google.subject,
    domain: 'example.com',
    rootUrl: `\${${ENV.url}}`,
    ...overrides,
  };
}

function provider(overrides: Partial<GoogleConnection> = {}, pageSize?: number): GoogleIdentityProvider {
  return GoogleIdentityProvider.fromConnection(connection(overrides), { pageSize });
}

async function connectorError(call: Promise<unknown>): Promise<ConnectorError> {
  const err = await call.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(err instanceof ConnectorError)) throw new Error(`expected a ConnectorError, got ${String(err)}`);
  return err;
}

describe('reads', () => {
  test('findUser by email, bare name (domain) and id; unknown is undefined', async () => {
    const idp = provider();
    expect(await idp.findUser('Alice@Example.com')).toEqual({
      id: 'alice@example.com',
      login: 'alice@example.com',
      email: 'alice@example.com',
      displayName: 'Alice Anders',
      status: 'active',
    });
    expect((await idp.findUser('bob'))?.id).toBe('bob@example.com');
    expect((await idp.findUser('104200000000000000003'))?.id).toBe('carol@example.com');
    expect(await idp.findUser('mallory@example.com')).toBeUndefined();
  });

  test('findManager from relations (type manager); none recorded is undefined', async () => {
    const idp = provider();
    expect((await idp.findManager('alice@example.com'))?.email).toBe('bob@example.com');
    expect(await idp.findManager('dave@example.com')).toBeUndefined();
  });

  test('lastActivity is lastLoginTime; never signed in (the epoch) is undefined', async () => {
    const idp = provider();
    expect(await idp.lastActivity('alice@example.com')).toEqual(new Date('2026-11-20T09:12:00.000Z'));
    expect(await idp.lastActivity('frank@example.com')).toBeUndefined();
    sandbox.recordLogin('frank@example.com', new Date('2026-12-01T10:00:00.000Z'));
    expect(await idp.lastActivity('frank@example.com')).toEqual(new Date('2026-12-01T10:00:00.000Z'));
  });

  test('findGroup by email, bare name or id; unknown is undefined', async () => {
    const idp = provider();
    expect(await idp.findGroup(ONCALL)).toEqual({ id: ONCALL, name: ONCALL });
    expect(await idp.findGroup('finance-readers')).toEqual({
      id: 'finance-readers@example.com',
      name: 'finance-readers@example.com',
    });
    expect((await idp.findGroup('03oncall0000001'))?.id).toBe(ONCALL);
    expect(await idp.findGroup('nope@example.com')).toBeUndefined();
  });

  test('isMember is direct membership (a nested member is not one); an unknown group is permanent', async () => {
    const idp = provider();
    expect(await idp.isMember(ONCALL, 'carol@example.com')).toBe(true);
    expect(await idp.isMember(ONCALL, 'alice@example.com')).toBe(false);
    expect(await idp.isMember(ENGINEERING, 'carol@example.com')).toBe(false);
    const err = await connectorError(idp.isMember('nope@example.com', 'alice@example.com'));
    expect(err.kind).toBe('permanent');
    expect(err.message).toMatch(/^unknown group nope@example.com/);
  });

  test('listMembers pages through members.list and keeps users only', async () => {
    const idp = provider({}, 1);
    expect((await idp.listMembers(ENGINEERING)).map((m) => m.email)).toEqual(['bob@example.com']);
    expect(sandbox.requestCount('members.list')).toBe(2);
  });
});

describe('membership writes', () => {
  test('add: added, then a duplicate (409) is success; the directory changed once', async () => {
    const idp = provider();
    expect(await idp.addMember(ONCALL, 'alice@example.com')).toEqual({ status: 200, note: 'added' });
    expect(await idp.addMember(ONCALL, 'alice@example.com')).toEqual({ status: 409, note: 'already a member' });
    expect(sandbox.membershipChanges().map((c) => `${c.op} ${c.email}`)).toEqual(['add alice@example.com']);
  });

  test('a pre-existing member: add is "already a member" and changes nothing', async () => {
    expect(await provider().addMember(ONCALL, 'carol@example.com')).toEqual({ status: 409, note: 'already a member' });
    expect(sandbox.membershipChanges()).toEqual([]);
    expect(sandbox.groupMembers(ONCALL)).toEqual(['carol@example.com']);
  });

  test('remove: removed, then not a member (404 memberKey) is success; an unknown group is permanent', async () => {
    const idp = provider();
    await idp.addMember(ONCALL, 'alice@example.com');
    expect(await idp.removeMember(ONCALL, 'alice@example.com')).toEqual({ status: 204, note: 'removed' });
    expect(await idp.removeMember(ONCALL, 'alice@example.com')).toEqual({ status: 404, note: 'not a member' });
    const err = await connectorError(idp.removeMember('nope@example.com', 'alice@example.com'));
    expect(err.kind).toBe('permanent');
    expect(err.message).toMatch(/^unknown group nope@example.com/);
  });

  test('an unknown user on add is permanent', async () => {
    const err = await connectorError(provider().addMember(ONCALL, 'ghost@example.com'));
    expect(err).toEqual(
      expect.objectContaining({ kind: 'permanent', message: expect.stringMatching(/^unknown user/) }),
    );
  });
});

describe('failures, classified', () => {
  test('403 userRateLimitExceeded is rate-limited with the default wait; nothing changed', async () => {
    const idp = provider();
    sandbox.writeFaults.update({ throttleNext: 1 });
    const err = await connectorError(idp.addMember(ONCALL, 'alice@example.com'));
    expect(err.kind).toBe('rate-limited');
    expect(err.details).toEqual(
      expect.objectContaining({ status: 403, code: 'userRateLimitExceeded', retryAfterMs: DEFAULT_RATE_LIMIT_WAIT_MS }),
    );
    expect(sandbox.groupMembers(ONCALL)).toEqual(['carol@example.com']);
    expect(await idp.addMember(ONCALL, 'alice@example.com')).toEqual({ status: 200, note: 'added' });
  });

  test('429 with Retry-After is rate-limited for that long', async () => {
    sandbox.setRateLimitStatus(429);
    sandbox.writeFaults.update({ throttleNext: 1, retryAfterSeconds: 7 });
    const err = await connectorError(provider().removeMember(ONCALL, 'carol@example.com'));
    expect(err.kind).toBe('rate-limited');
    expect(err.details.retryAfterMs).toBe(7_000);
  });

  test('503 is retryable', async () => {
    const idp = provider();
    await idp.findGroup(ONCALL);
    sandbox.faults.update({ failNext: 1 });
    const err = await connectorError(idp.isMember(ONCALL, 'alice@example.com'));
    expect(err.kind).toBe('retryable');
    expect(err.details.status).toBe(503);
  });

  test('a revoked access token (401) is retryable, and the next attempt gets a new token', async () => {
    const idp = provider();
    expect(await idp.isMember(ONCALL, 'carol@example.com')).toBe(true);
    sandbox.reset(); // the sandbox forgets the tokens it issued
    const err = await connectorError(idp.isMember(ONCALL, 'carol@example.com'));
    expect(err.kind).toBe('retryable');
    expect(err.details.status).toBe(401);
    expect(await idp.isMember(ONCALL, 'carol@example.com')).toBe(true);
    expect(sandbox.requestCount('token')).toBe(1);
  });

  test('missing domain-wide delegation is permanent, naming the client id and the scopes', async () => {
    sandbox.setDelegatedScopes([GOOGLE_SCOPES.groupMember]);
    const err = await connectorError(provider().findGroup(ONCALL));
    expect(err.kind).toBe('permanent');
    expect(err.message).toContain('missing domain-wide delegation');
    expect(err.message).toContain(sandboxCredentials.google.clientId);
    expect(err.message).toContain(GOOGLE_SCOPES.userReadonly);
  });

  test('a token without the scope a call needs: permanent, naming the scope', async () => {
    const idp = new GoogleIdentityProvider(
      createDirectoryClient({
        key: sandbox.serviceAccountKey,
        subject: sandboxCredentials.google.subject,
        scopes: [GOOGLE_SCOPES.groupMember],
        rootUrl: sandbox.url,
      }),
      { subject: sandboxCredentials.google.subject, clientEmail: sandboxCredentials.google.clientEmail },
    );
    expect(await idp.isMember(ONCALL, 'carol@example.com')).toBe(true);
    const err = await connectorError(idp.findUser('alice@example.com'));
    expect(err.kind).toBe('permanent');
    expect(err.message).toMatch(
      /^missing permission \(scope\): https:\/\/www.googleapis.com\/auth\/admin.directory.user.readonly/,
    );
  });

  test('a subject who is no administrator: permanent missing permission', async () => {
    const err = await connectorError(provider({ subject: 'alice@example.com' }).addMember(ONCALL, 'bob@example.com'));
    expect(err.kind).toBe('permanent');
    expect(err.message).toMatch(/^missing permission: alice@example.com/);
  });

  test('a subject outside the domain and a wrong key: bad credentials, the key never in the message', async () => {
    const subject = await connectorError(provider({ subject: 'nobody@example.com' }).findUser('alice@example.com'));
    expect(subject.message).toMatch(/^bad credentials: the subject nobody@example.com is not a user/);
    const key = await connectorError(provider({ serviceAccountKey: { env: ENV.wrongKey } }).findUser('alice'));
    expect(key.kind).toBe('permanent');
    expect(key.message).toMatch(/^bad credentials: the private key is not the service account key/);
    expect(key.message).not.toContain('PRIVATE KEY');
  });

  test('an unset or malformed key fails before any call', () => {
    expect(() => provider({ serviceAccountKey: { env: 'LEASEHOLD_TEST_GOOGLE_UNSET' } })).toThrow(
      SecretUnavailableError,
    );
    expect(() => provider({ serviceAccountKey: { env: ENV.notJson } })).toThrow(/is not JSON/);
  });
});

describe('leasehold connections test', () => {
  let rules: RulesDocument;
  let registry = new ConnectorRegistry();
  beforeEach(() => {
    registry = new ConnectorRegistry();
  });
  const deps = {
    provider: (name: string, c: Parameters<ConnectorRegistry['provider']>[1]) => registry.provider(name, c),
    jira: () => {
      throw new Error('not used');
    },
  };
  beforeAll(() => {
    const parsed = parseRulesText(exampleRulesText());
    if (!parsed.ok) throw new Error('example rules invalid');
    rules = parsed.rules;
    rules.connections.google = connection();
  });

  test('ok: authenticated through delegation, the group exists, writes are allowed', async () => {
    const report = await checkConnection('google', rules, deps);
    expect(report.lines.map((l) => l.text)).toEqual([
      `authenticated as ${sandboxCredentials.google.clientEmail}, acting as dave@example.com (domain-wide delegation)`,
      `group ${ONCALL} exists (${ONCALL})`,
      'membership write permission: ok',
    ]);
    expect(report.ok).toBe(true);
  });

  test('missing delegation, a subject without admin rights, an unknown group: each said plainly', async () => {
    sandbox.setDelegatedScopes([GOOGLE_SCOPES.groupMember, GOOGLE_SCOPES.groupReadonly]);
    const delegation = await checkConnection('google', rules, deps);
    expect(delegation.ok).toBe(false);
    expect(delegation.lines[0]!.text).toMatch(/^missing domain-wide delegation/);
    sandbox.reset();

    const notAdmin = await checkConnection(
      'google',
      { ...rules, connections: { ...rules.connections, google: connection({ subject: 'erin@example.com' }) } },
      deps,
    );
    expect(notAdmin.lines[0]!.text).toMatch(/^missing permission: erin@example.com/);

    const app = rules.applications.find((a) => a.name === 'Google Groups')!;
    const unknown = {
      ...rules,
      applications: [{ ...app, levels: [{ ...app.levels[0]!, groups: ['nope@example.com'] }] }],
    };
    const report = await checkConnection('google', unknown, deps);
    expect(report.ok).toBe(false);
    expect(report.lines[1]!.text).toBe('unknown group: nope@example.com does not exist in google');
  });
});
