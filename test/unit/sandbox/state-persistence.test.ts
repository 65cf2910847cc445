import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Directory } from '../../../packages/sandbox/src/entra/directory';
import { OktaDirectory } from '../../../packages/sandbox/src/okta/directory';
import { savedEntraSchema, savedOktaSchema } from '../../../packages/sandbox/src/persistence/schemas';
import { loadSandboxState, sandboxCredentials, samplePerson, startSandboxes, type Sandboxes } from '@leasehold/sandbox';

/**
 * The sandboxes' state file (what `leasehold start` keeps in .leasehold/sandbox-state.json): issues,
 * their numbering and the directories survive a restart; without a file nothing is written; an
 * unreadable file is moved aside and the sandboxes start fresh.
 */
describe('sandbox state across a restart', () => {
  let dir: string;
  let running: Sandboxes | undefined;

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'leasehold-sandbox-state-'));
  });
  afterEach(async () => {
    await running?.close();
    running = undefined;
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const start = async (stateFile?: string): Promise<Sandboxes> => {
    running = await startSandboxes({ stateDir: dir, stateFile });
    return running;
  };
  const stop = async (): Promise<void> => {
    await running?.close();
    running = undefined;
  };

  async function putOktaMember(url: string, groupId: string, userId: string): Promise<void> {
    const res = await fetch(`${url}/api/v1/groups/${groupId}/users/${userId}`, {
      method: 'PUT',
      headers: { authorization: `SSWS ${sandboxCredentials.okta.token}` },
    });
    expect(res.status).toBe(204);
  }

  async function attach(url: string, key: string, content: Buffer): Promise<void> {
    const bot = sandboxCredentials.jira;
    const form = new FormData();
    form.append('file', new Blob([content], { type: 'application/json' }), 'evidence.json');
    const res = await fetch(`${url}/rest/api/3/issue/${key}/attachments`, {
      method: 'POST',
      headers: {
        authorization: `Basic ${Buffer.from(`${bot.email}:${bot.apiToken}`).toString('base64')}`,
        'x-atlassian-token': 'no-check',
      },
      body: form,
    });
    expect(res.status).toBe(200);
  }

  test('issues, numbering, comments, history, attachments and Okta memberships come back', async () => {
    const file = path.join(dir, 'sandbox-state.json');
    const first = await start(file);
    expect(first.restored).toBe(false);
    const raised = first.jira.raiseRequest({ application: 'Jira Software', accessType: 'User', duration: '1 hour' });
    expect(raised.key).toBe('ACCESS-1');
    first.jira.moveIssue('ACCESS-1', 'Approved by Manager', 'bob');
    first.jira.comment('ACCESS-1', 'Access granted until tomorrow.', 'leasehold');
    const evidence = Buffer.from(JSON.stringify({ grant: 'jira-software-users' }));
    await attach(first.jira.url, 'ACCESS-1', evidence);
    const alice = samplePerson('alice').oktaId!;
    await putOktaMember(first.okta.url, '00gjirasoftware00001', alice);
    first.jira.deleteAccount('mallory');
    const before = { issue: first.jira.issue('ACCESS-1'), comments: first.jira.comments('ACCESS-1') };
    await stop();

    const saved = loadSandboxState(file);
    expect(saved?.jira.counters.issue).toBe(1);

    const second = await start(file);
    expect(second.restored).toBe(true);
    expect(second.jira.issue('ACCESS-1')).toEqual(before.issue);
    expect(second.jira.comments('ACCESS-1')).toEqual(before.comments);
    expect(second.jira.attachments('ACCESS-1')[0]?.content.equals(evidence)).toBe(true);
    expect(second.okta.groupMembers('jira-software-users')).toContain('alice@example.com');
    expect(second.okta.membershipChanges()).toEqual([expect.objectContaining({ op: 'add', userId: alice })]);
    // The numbering carries on: the next request is not taken for the old ACCESS-1.
    expect(second.jira.raiseRequest({ application: 'Confluence', accessType: 'User' }).key).toBe('ACCESS-2');

    // The changelog served over REST is the one saved.
    const bot = sandboxCredentials.jira;
    const res = await fetch(`${second.jira.url}/rest/api/3/issue/ACCESS-1/changelog`, {
      headers: { authorization: `Basic ${Buffer.from(`${bot.email}:${bot.apiToken}`).toString('base64')}` },
    });
    const changelog = (await res.json()) as { values: Array<{ items: Array<{ field: string; toString: string }> }> };
    expect(changelog.values.flatMap((v) => v.items.map((i) => `${i.field}:${i.toString}`))).toEqual(
      expect.arrayContaining(['status:Approved by Manager', 'Attachment:evidence.json']),
    );
  });

  test('a change is written to the file shortly after it happens, atomically', async () => {
    const file = path.join(dir, 'sandbox-state.json');
    const sandboxes = await start(file);
    sandboxes.jira.raiseRequest({ application: 'GitHub', accessType: 'User' });
    await new Promise((resolve) => setTimeout(resolve, 600));
    expect(loadSandboxState(file)?.jira.issues.map((i) => i.key)).toEqual(['ACCESS-1']);
    expect(fs.readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  test('without a state file nothing is written and every start is fresh', async () => {
    const sandboxes = await start();
    sandboxes.jira.raiseRequest({ application: 'GitHub', accessType: 'User' });
    await stop();
    expect(fs.readdirSync(dir)).toEqual(['sandbox']);
    expect((await start()).jira.raiseRequest({ application: 'GitHub', accessType: 'User' }).key).toBe('ACCESS-1');
  });

  test('an unreadable state file is moved aside and the sandboxes start fresh', async () => {
    const file = path.join(dir, 'sandbox-state.json');
    fs.writeFileSync(file, '{"version": 1, "jira": ');
    const sandboxes = await start(file);
    expect(sandboxes.restored).toBe(false);
    expect(sandboxes.jira.issues()).toEqual([]);
    expect(fs.readdirSync(dir).some((f) => f.startsWith('sandbox-state.json.unreadable-'))).toBe(true);
    await stop();
    expect(loadSandboxState(file)?.version).toBe(1);

    fs.writeFileSync(file, JSON.stringify({ version: 1, savedAt: 'x', jira: { issues: 'none' } }));
    expect(loadSandboxState(file)).toBeUndefined();
  });

  test('the Entra directory keeps its committed memberships (pending replication becomes visible)', () => {
    let now = 1_000;
    const directory = new Directory(60_000, () => now);
    const group = directory.listGroups()[0]!;
    const user = directory.listUsers().find((u) => !directory.isMember(group.id, u.id))!;
    expect(directory.addMember(group.id, user.id)).toBe(true);
    const restored = new Directory(60_000, () => now);
    restored.importState(JSON.parse(JSON.stringify(directory.exportState())));
    now += 1;
    expect(restored.isMember(group.id, user.id)).toBe(true);
    expect(restored.memberIds(group.id, 'visible')).toContain(user.id);
    expect(restored.exportState()).toEqual(directory.exportState());
  });

  test('a state saved before people had a department gets the sample departments back', () => {
    const okta = new OktaDirectory();
    const seeded = okta.addUser({ login: 'pat@example.com', firstName: 'Pat', lastName: 'Plain' });
    const oktaSaved = JSON.parse(JSON.stringify(okta.exportState())) as {
      users: { profile: Record<string, unknown> }[];
    };
    for (const u of oktaSaved.users) delete u.profile.department;
    const oktaRestored = new OktaDirectory();
    oktaRestored.importState(savedOktaSchema.parse(oktaSaved));
    expect(oktaRestored.findUser('erin@example.com')?.profile.department).toBe('Finance');
    expect(oktaRestored.findUserById(seeded.id)?.profile).not.toHaveProperty('department');

    const entraSaved = JSON.parse(JSON.stringify(new Directory().exportState())) as {
      users: Record<string, unknown>[];
    };
    for (const u of entraSaved.users) delete u.department;
    const entraRestored = new Directory();
    entraRestored.importState(savedEntraSchema.parse(entraSaved));
    expect(entraRestored.findUser('dave@example.com')?.department).toBe('Security');
  });
});
