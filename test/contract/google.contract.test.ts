import { generateKeyPairSync } from 'node:crypto';
import { admin_directory_v1, auth } from '@googleapis/admin';
import {
  createDirectoryClient,
  GOOGLE_SCOPES,
  GOOGLE_TOKEN_URL,
  type ServiceAccountKey,
} from '../../src/connectors/google/google-client';
import { DIRECTORY_SCOPES, sandboxCredentials, startGoogleSandbox, type GoogleSandbox } from '@leasehold/sandbox';

/**
 * The unmodified @googleapis/admin client (with google-auth-library's JWT client) against the sandbox
 * Google Workspace: the JWT bearer grant at the token endpoint, every Directory API call Leasehold makes,
 * and Google's errors (docs/wire-contracts.md, "Google Workspace").
 */

let sandbox: GoogleSandbox;
const ADMIN = sandboxCredentials.google.subject;
const ONCALL = 'eng-oncall@example.com';

beforeAll(async () => {
  sandbox = await startGoogleSandbox({ port: 0 });
});
afterAll(async () => {
  await sandbox.close();
});
beforeEach(() => sandbox.reset());

function key(overrides: Partial<ServiceAccountKey> = {}): ServiceAccountKey {
  return { ...sandbox.serviceAccountKey, ...overrides };
}

function client(options: { subject?: string; scopes?: string[]; key?: ServiceAccountKey } = {}) {
  return createDirectoryClient({
    key: options.key ?? key(),
    subject: options.subject ?? ADMIN,
    scopes: options.scopes,
    rootUrl: sandbox.url,
  });
}

/** The error a call fails with: HTTP status and the body as the client read it. */
// Google's bodies differ per endpoint (OAuth `{ error, error_description }`, API `{ error: { … } }`): read loosely.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
async function failure(call: Promise<unknown>): Promise<{ status?: number; data: any; message: string }> {
  const err = await call.then(
    () => undefined,
    (e: unknown) => e as { response?: { status: number; data: unknown }; message: string },
  );
  if (!err) throw new Error('expected the call to fail');
  return { status: err.response?.status, data: err.response?.data, message: err.message };
}

describe('the token endpoint: JWT bearer grant with domain-wide delegation', () => {
  test('the key file points at the sandbox and the JWT client gets a token (one grant, reused)', async () => {
    expect(sandbox.serviceAccountKey).toEqual(
      expect.objectContaining({
        type: 'service_account',
        client_email: sandboxCredentials.google.clientEmail,
        token_uri: `${sandbox.url}/token`,
        private_key: expect.stringContaining('BEGIN PRIVATE KEY'),
      }),
    );
    const admin = client();
    await admin.groups.get({ groupKey: ONCALL });
    await admin.users.get({ userKey: ADMIN });
    expect(sandbox.requestCount('token')).toBe(1);
  });

  test("google-auth-library posts the assertion to Google's URL, aud fixed: an interceptor sends it elsewhere", async () => {
    const jwt = new auth.JWT({
      email: key().client_email,
      key: key().private_key,
      subject: ADMIN,
      scopes: [GOOGLE_SCOPES.groupReadonly],
    });
    const seen: string[] = [];
    jwt.transporter.interceptors.request.add({
      resolved: async (config) => {
        seen.push(String(config.url));
        if (String(config.url) !== GOOGLE_TOKEN_URL) return config;
        const form = new URLSearchParams(String(config.data));
        expect(form.get('grant_type')).toBe('urn:ietf:params:oauth:grant-type:jwt-bearer');
        const claims = JSON.parse(
          Buffer.from(form.get('assertion')!.split('.')[1] ?? '', 'base64url').toString('utf8'),
        ) as Record<string, unknown>;
        expect(claims).toEqual(
          expect.objectContaining({
            aud: GOOGLE_TOKEN_URL,
            sub: ADMIN,
            iss: key().client_email,
            scope: GOOGLE_SCOPES.groupReadonly,
          }),
        );
        config.url = new URL(`${sandbox.url}/token`);
        return config;
      },
    });
    const admin = new admin_directory_v1.Admin({ auth: jwt, rootUrl: sandbox.url });
    expect((await admin.groups.get({ groupKey: ONCALL })).data.email).toBe(ONCALL);
    expect(seen[0]).toBe(GOOGLE_TOKEN_URL);
    expect(sandbox.requestCount('token')).toBe(1);
  });

  test('a key the sandbox does not know: 400 invalid_grant "Invalid JWT Signature."', async () => {
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const wrong = key({ private_key: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString() });
    const err = await failure(client({ key: wrong }).groups.get({ groupKey: ONCALL }));
    expect(err.status).toBe(400);
    expect(err.data).toEqual({ error: 'invalid_grant', error_description: 'Invalid JWT Signature.' });
    expect(err.message).toBe('invalid_grant: Invalid JWT Signature.');
  });

  test('an unknown service account: invalid_grant "account not found"', async () => {
    const err = await failure(
      client({ key: key({ client_email: 'ghost@leasehold-sandbox.iam.gserviceaccount.com' }) }).groups.get({
        groupKey: ONCALL,
      }),
    );
    expect(err.data).toEqual({ error: 'invalid_grant', error_description: 'Invalid grant: account not found' });
  });

  test('a subject outside the domain: invalid_grant "Invalid email or User ID"', async () => {
    const err = await failure(client({ subject: 'nobody@example.com' }).groups.get({ groupKey: ONCALL }));
    expect(err.status).toBe(400);
    expect(err.data.error_description).toBe('Invalid email or User ID');
  });

  test('a scope not delegated to the client id: 401 unauthorized_client', async () => {
    sandbox.setDelegatedScopes([GOOGLE_SCOPES.groupMember, GOOGLE_SCOPES.groupReadonly]);
    const err = await failure(client().groups.get({ groupKey: ONCALL }));
    expect(err.status).toBe(401);
    expect(err.data.error).toBe('unauthorized_client');
    // Retries are off: the refused grant was asked for once.
    expect(sandbox.requestCount('token')).toBe(1);
  });
});

describe('the Directory API', () => {
  test('groups.get and users.get (relations, lastLoginTime)', async () => {
    const admin = client();
    const { data: group } = await admin.groups.get({ groupKey: ONCALL });
    expect(group).toEqual(
      expect.objectContaining({ kind: 'admin#directory#group', id: '03oncall0000001', email: ONCALL }),
    );
    const { data: alice } = await admin.users.get({ userKey: 'alice@example.com', projection: 'basic' });
    expect(alice).toEqual(
      expect.objectContaining({
        primaryEmail: 'alice@example.com',
        relations: [{ value: 'bob@example.com', type: 'manager' }],
        lastLoginTime: '2026-11-20T09:12:00.000Z',
        name: expect.objectContaining({ fullName: 'Alice Anders' }),
      }),
    );
    const { data: byId } = await admin.users.get({ userKey: alice.id! });
    expect(byId.primaryEmail).toBe('alice@example.com');
  });

  test('members.insert, get, hasMember, delete; a duplicate insert is 409 duplicate', async () => {
    const admin = client();
    const inserted = await admin.members.insert({
      groupKey: ONCALL,
      requestBody: { email: 'alice@example.com', role: 'MEMBER' },
    });
    expect(inserted.status).toBe(200);
    expect(inserted.data).toEqual(
      expect.objectContaining({ email: 'alice@example.com', role: 'MEMBER', type: 'USER', status: 'ACTIVE' }),
    );
    const dup = await failure(
      admin.members.insert({ groupKey: ONCALL, requestBody: { email: 'alice@example.com', role: 'MEMBER' } }),
    );
    expect(dup.status).toBe(409);
    expect(dup.data.error).toEqual(
      expect.objectContaining({
        code: 409,
        message: 'Member already exists.',
        errors: [expect.objectContaining({ reason: 'duplicate', domain: 'global' })],
      }),
    );
    expect((await admin.members.get({ groupKey: ONCALL, memberKey: 'alice@example.com' })).data.email).toBe(
      'alice@example.com',
    );
    expect((await admin.members.hasMember({ groupKey: ONCALL, memberKey: 'alice@example.com' })).data).toEqual({
      isMember: true,
    });
    const deleted = await admin.members.delete({ groupKey: ONCALL, memberKey: 'alice@example.com' });
    expect(deleted.status).toBe(204);
    expect(sandbox.groupMembers(ONCALL)).toEqual(['carol@example.com']);
    expect(sandbox.membershipChanges().map((c) => `${c.op} ${c.email}`)).toEqual([
      'add alice@example.com',
      'remove alice@example.com',
    ]);
    const gone = await failure(admin.members.delete({ groupKey: ONCALL, memberKey: 'alice@example.com' }));
    expect(gone.status).toBe(404);
    expect(gone.data.error.message).toBe('Resource Not Found: memberKey');
  });

  test('hasMember is transitive (nested groups), members.get is direct only', async () => {
    const admin = client();
    const nested = await admin.members.hasMember({
      groupKey: 'engineering@example.com',
      memberKey: 'carol@example.com',
    });
    expect(nested.data.isMember).toBe(true);
    const direct = await failure(
      admin.members.get({ groupKey: 'engineering@example.com', memberKey: 'carol@example.com' }),
    );
    expect(direct.status).toBe(404);
  });

  test('members.list pages with pageToken; maxResults is capped at 200', async () => {
    const admin = client();
    const first = await admin.members.list({ groupKey: 'engineering@example.com', maxResults: 1 });
    expect(first.data.members?.map((m) => [m.email, m.type])).toEqual([['bob@example.com', 'USER']]);
    expect(first.data.nextPageToken).toEqual(expect.any(String));
    const second = await admin.members.list({
      groupKey: 'engineering@example.com',
      maxResults: 1,
      pageToken: first.data.nextPageToken!,
    });
    expect(second.data.members?.map((m) => [m.email, m.type])).toEqual([[ONCALL, 'GROUP']]);
    expect(second.data.nextPageToken).toBeUndefined();
  });

  test('unknown group and unknown member: 404 notFound naming the key, in Google’s error body', async () => {
    const admin = client();
    const group = await failure(admin.groups.get({ groupKey: 'nope@example.com' }));
    expect(group.status).toBe(404);
    expect(group.data).toEqual({
      error: {
        code: 404,
        message: 'Resource Not Found: groupKey',
        errors: [{ message: 'Resource Not Found: groupKey', domain: 'global', reason: 'notFound' }],
        status: 'NOT_FOUND',
      },
    });
    const member = await failure(
      admin.members.insert({ groupKey: ONCALL, requestBody: { email: 'ghost@example.com', role: 'MEMBER' } }),
    );
    expect(member.data.error.message).toBe('Resource Not Found: memberKey');
  });

  test('scopes are enforced per call: 403 insufficientPermissions', async () => {
    const readOnly = client({ scopes: [DIRECTORY_SCOPES.userReadonly] });
    expect((await readOnly.users.get({ userKey: 'bob@example.com' })).status).toBe(200);
    const err = await failure(
      readOnly.members.insert({ groupKey: ONCALL, requestBody: { email: 'bob@example.com', role: 'MEMBER' } }),
    );
    expect(err.status).toBe(403);
    expect(err.data.error.errors[0].reason).toBe('insufficientPermissions');
    expect(sandbox.groupMembers(ONCALL)).toEqual(['carol@example.com']);
  });

  test('a subject who is no administrator: 403 forbidden', async () => {
    const err = await failure(client({ subject: 'alice@example.com' }).groups.get({ groupKey: ONCALL }));
    expect(err.status).toBe(403);
    expect(err.data.error.errors[0]).toEqual(
      expect.objectContaining({ reason: 'forbidden', message: 'Not Authorized to access this resource/api' }),
    );
  });

  test('a rate limit: 403 userRateLimitExceeded (domain usageLimits), answered once: no client retry', async () => {
    const admin = client();
    await admin.groups.get({ groupKey: ONCALL }); // the token first
    sandbox.writeFaults.update({ throttleNext: 1 });
    const err = await failure(
      admin.members.insert({ groupKey: ONCALL, requestBody: { email: 'bob@example.com', role: 'MEMBER' } }),
    );
    expect(err.status).toBe(403);
    expect(err.data.error.errors[0]).toEqual(
      expect.objectContaining({ reason: 'userRateLimitExceeded', domain: 'usageLimits' }),
    );
    expect(sandbox.groupMembers(ONCALL)).toEqual(['carol@example.com']);
    expect(sandbox.requestCount('members.insert')).toBe(0);
  });

  test('a 429 and a 503 are not retried by the client (the client left alone would retry them)', async () => {
    const admin = client();
    await admin.groups.get({ groupKey: ONCALL });
    sandbox.setRateLimitStatus(429);
    sandbox.faults.update({ throttleNext: 2, retryAfterSeconds: 7 });
    const limited = await failure(admin.members.list({ groupKey: ONCALL }));
    expect(limited.status).toBe(429);
    expect(limited.data.error.errors[0].reason).toBe('rateLimitExceeded');
    expect(sandbox.faults.current.throttleNext).toBe(1);

    // The same client with its defaults (retry on) retries the 429 itself.
    const jwt = new auth.JWT({
      email: key().client_email,
      key: key().private_key,
      subject: ADMIN,
      scopes: [GOOGLE_SCOPES.groupMember],
    });
    jwt.transporter.interceptors.request.add({
      resolved: async (config) => {
        if (String(config.url) === GOOGLE_TOKEN_URL) config.url = new URL(`${sandbox.url}/token`);
        return config;
      },
    });
    sandbox.faults.update({ throttleNext: 0 });
    const defaults = new admin_directory_v1.Admin({
      auth: jwt,
      rootUrl: sandbox.url,
      retryConfig: { retryDelay: 1, retryDelayMultiplier: 1 } as never,
    });
    await defaults.members.list({ groupKey: ONCALL }); // the token
    sandbox.faults.update({ throttleNext: 1 });
    expect((await defaults.members.list({ groupKey: ONCALL })).status).toBe(200);
    expect(sandbox.faults.current.throttleNext).toBe(0);
  });
});
