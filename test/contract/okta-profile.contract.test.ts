import { OktaApiError, type User } from '@okta/okta-sdk-nodejs';
import { samplePerson, sandboxCredentials } from '@leasehold/sandbox';
import { useOktaSandbox } from './support/okta-sandbox';

/**
 * Contract of the sandbox Okta org with the real, unmodified @okta/okta-sdk-nodejs: the people context an
 * access review shows (Okta's standard profile attributes `title` and `department`) on every user read.
 */

const TOKEN = sandboxCredentials.okta.token;
const alice = samplePerson('alice');
const dave = samplePerson('dave');
const GITHUB_ADMINS = '00ggithubadmins00003';

const org = useOktaSandbox();
const client = org.client;

async function collect<T>(collection: AsyncIterable<T | null>): Promise<T[]> {
  const items: T[] = [];
  for await (const item of collection) if (item) items.push(item);
  return items;
}

describe('profile.title and profile.department', () => {
  it('userApi.getUser reads both', async () => {
    const user = await client().userApi.getUser({ userId: alice.oktaId! });
    expect(user.profile).toMatchObject({ title: 'Software Engineer', department: 'Engineering' });

    const wire = await fetch(`${org.sandbox().url}/api/v1/users/${encodeURIComponent(dave.email)}`, {
      headers: { Authorization: `SSWS ${TOKEN}`, Accept: 'application/json' },
    });
    const json = (await wire.json()) as { profile: Record<string, unknown> };
    expect(json.profile).toMatchObject({ title: 'Security Administrator', department: 'Security' });
  });

  it('groupApi.listGroupUsers and userApi.listUsers carry them', async () => {
    const okta = client();
    const members = await collect<User>(await okta.groupApi.listGroupUsers({ groupId: GITHUB_ADMINS }));
    expect(members.map((u) => [u.profile?.login, u.profile?.title, u.profile?.department])).toEqual([
      [dave.email, 'Security Administrator', 'Security'],
    ]);

    const all = await collect<User>(await okta.userApi.listUsers({}));
    expect(all.every((u) => typeof u.profile?.department === 'string')).toBe(true);
  });

  it('userApi.listUsers finds users by department with search, not filter', async () => {
    const found = await collect<User>(
      await client().userApi.listUsers({ search: 'profile.department eq "engineering"' }),
    );
    expect(found.map((u) => u.profile?.login).sort()).toEqual(['alice@example.com', 'bob@example.com']);

    // `filter` takes only a few base attributes: department is for `search`.
    const err = await collect(await client().userApi.listUsers({ filter: 'profile.department eq "Engineering"' })).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(OktaApiError);
    expect(err).toMatchObject({ status: 400, errorCode: 'E0000031' });
  });

  it('a user added through the sandbox admin API has the department given, or none', async () => {
    const res = await fetch(`${org.sandbox().url}/__sandbox/users`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({
        login: 'quinn@example.com',
        firstName: 'Quinn',
        lastName: 'Query',
        title: 'Financial Controller',
        department: 'Finance',
      }),
    });
    expect(res.status).toBe(201);
    const without = org.sandbox().addUser({ login: 'pat@example.com', firstName: 'Pat', lastName: 'Plain' });

    const okta = client();
    const quinn = await okta.userApi.getUser({ userId: 'quinn@example.com' });
    expect(quinn.profile).toMatchObject({ title: 'Financial Controller', department: 'Finance' });
    const pat = await okta.userApi.getUser({ userId: without.id });
    expect(pat.profile?.department).toBeUndefined();
  });
});
