/**
 * Contract of the sandbox Microsoft Graph with the real, unmodified @microsoft/microsoft-graph-client: the
 * people context an access review shows. `jobTitle` is in a user's default properties; `department` is
 * returned only when `$select` names it, as in Graph v1.0.
 */
import type { Client } from '@microsoft/microsoft-graph-client';
import { createGraphClient } from '../../src/connectors/entra/graph-client';
import {
  type EntraSandbox,
  leaseholdApp,
  sampleEntraGroups,
  samplePerson,
  startEntraSandbox,
} from '@leasehold/sandbox';

const entraId = (handle: string): string => samplePerson(handle).entraId!;

interface Collection<T> {
  value: T[];
}

describe('microsoft.graph.user department and jobTitle', () => {
  let sandbox: EntraSandbox;
  let graph: Client;

  beforeAll(async () => {
    sandbox = await startEntraSandbox({ port: 0 });
    graph = createGraphClient({
      tenantId: sandbox.tenantId,
      clientId: leaseholdApp.clientId,
      clientSecret: leaseholdApp.clientSecret,
      authorityHost: sandbox.url,
      graphBaseUrl: sandbox.url,
      caCertificate: sandbox.caCertificate,
    });
  });

  afterAll(async () => {
    await sandbox.close();
  });

  it('GET /users/{id}?$select=id,department,jobTitle returns them', async () => {
    const user = (await graph
      .api(`/users/${entraId('erin')}`)
      .select(['id', 'department', 'jobTitle'])
      .get()) as Record<string, unknown>;

    expect(user).toEqual({
      '@odata.context': `${sandbox.url}/v1.0/$metadata#users(id,department,jobTitle)/$entity`,
      id: entraId('erin'),
      department: 'Finance',
      jobTitle: 'Data Analyst',
    });
  });

  it('GET /users/{id} without $select has jobTitle but not department', async () => {
    const user = (await graph.api(`/users/${entraId('alice')}`).get()) as Record<string, unknown>;

    expect(user).toMatchObject({ id: entraId('alice'), jobTitle: 'Software Engineer' });
    expect(user).not.toHaveProperty('department');
  });

  it("GET /users/{id}/manager?$select=… gives the manager's department", async () => {
    const manager = (await graph
      .api(`/users/${entraId('alice')}/manager`)
      .select('id,displayName,department,jobTitle')
      .get()) as Record<string, unknown>;

    expect(manager).toMatchObject({
      id: entraId('bob'),
      displayName: 'Bob Baker',
      department: 'Engineering',
      jobTitle: 'Engineering Manager',
    });
  });

  it('GET /groups/{id}/members?$select=id,department,jobTitle gives each member theirs', async () => {
    const sfUser = sampleEntraGroups.find((g) => g.name === 'SF-User')!.id;
    const page = (await graph.api(`/groups/${sfUser}/members`).select('id,department,jobTitle').get()) as Collection<
      Record<string, unknown>
    >;

    expect(page.value).toEqual(
      expect.arrayContaining([
        {
          '@odata.type': '#microsoft.graph.user',
          id: entraId('carol'),
          department: 'IT',
          jobTitle: 'Application Owner',
        },
        {
          '@odata.type': '#microsoft.graph.user',
          id: entraId('erin'),
          department: 'Finance',
          jobTitle: 'Data Analyst',
        },
      ]),
    );
    expect(page.value).toHaveLength(3);
  });

  it("GET /users?$filter=department eq '…' finds the department's users", async () => {
    const found = (await graph
      .api('/users')
      .filter("department eq 'Engineering'")
      .select('id,department')
      .get()) as Collection<{ id: string; department: string }>;

    expect(found.value.map((u) => u.id).sort()).toEqual([entraId('alice'), entraId('bob')].sort());
    expect(found.value.every((u) => u.department === 'Engineering')).toBe(true);
  });
});
