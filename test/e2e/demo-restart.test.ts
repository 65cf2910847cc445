import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { sandboxCredentials } from '@leasehold/sandbox';
import { projectRoot } from '../../src/paths';
import { EmbeddedStart, embeddedStartEnv } from '../harness/embedded';
import { eventually } from '../harness/leasehold';

const execFileAsync = promisify(execFile);
const cli = path.join(projectRoot, 'bin', 'leasehold.js');

/**
 * `npm start`, Ctrl-C, `npm start` again, as a newcomer does: the sandboxes come back with their issues
 * and directories (.leasehold/sandbox-state.json), so the grant raised before the restart expires and is
 * revoked in the sandbox Okta after it, and the next request gets the next key, not ACCESS-1 again.
 */
describe('the demo across a restart', () => {
  const stateDir = fs.mkdtempSync(path.join(os.tmpdir(), 'leasehold-restart-'));
  let env: NodeJS.ProcessEnv;
  let leasehold: EmbeddedStart;
  let okta: string;
  let jira: string;

  beforeAll(async () => {
    env = await embeddedStartEnv(stateDir);
    leasehold = new EmbeddedStart(env);
    okta = `http://127.0.0.1:${env.LEASEHOLD_SANDBOX_OKTA_PORT}`;
    jira = `http://127.0.0.1:${env.LEASEHOLD_SANDBOX_JIRA_PORT}`;
  });

  afterAll(async () => {
    await leasehold.stop();
    fs.rmSync(stateDir, { recursive: true, force: true });
  });

  /** The CLI in a second shell: only the state directory, the rest from .leasehold/sandbox.env. */
  async function secondShell(...args: string[]): Promise<string> {
    const shellEnv: NodeJS.ProcessEnv = { PATH: process.env.PATH, HOME: process.env.HOME };
    shellEnv.LEASEHOLD_STATE_DIR = stateDir;
    shellEnv.LEASEHOLD_LOG_LEVEL = 'warn';
    const { stdout } = await execFileAsync(process.execPath, [cli, ...args], { env: shellEnv, timeout: 30_000 });
    return stdout.trim();
  }

  async function confluenceUsers(): Promise<string[]> {
    const res = await fetch(`${okta}/api/v1/groups/00gconfluence0000002/users`, {
      headers: { authorization: `SSWS ${sandboxCredentials.okta.token}`, accept: 'application/json' },
    });
    expect(res.status).toBe(200);
    return ((await res.json()) as Array<{ profile: { login: string } }>).map((u) => u.profile.login);
  }

  async function membershipChanges(): Promise<Array<{ op: string; groupId: string; userId: string; at: string }>> {
    const res = await fetch(`${okta}/__sandbox/state`);
    return (
      (await res.json()) as { membershipChanges: Array<{ op: string; groupId: string; userId: string; at: string }> }
    ).membershipChanges;
  }

  async function issueStatus(key: string): Promise<string> {
    const bot = sandboxCredentials.jira;
    const res = await fetch(`${jira}/rest/api/3/issue/${key}?fields=status`, {
      headers: { authorization: `Basic ${Buffer.from(`${bot.email}:${bot.apiToken}`).toString('base64')}` },
    });
    expect(res.status).toBe(200);
    return ((await res.json()) as { fields: { status: { name: string } } }).fields.status.name;
  }

  test('a grant raised before Ctrl-C expires and is revoked after the next start; the next request is ACCESS-2', async () => {
    const { output: banner } = await leasehold.start();
    expect(banner).toContain(`TEMPORAL_ADDRESS=127.0.0.1:${env.LEASEHOLD_TEMPORAL_PORT}`);
    expect(banner).toContain(`JIRA_WEBHOOK_SECRET=${sandboxCredentials.jira.webhookSecret}`);
    const shellEnv = fs.readFileSync(path.join(stateDir, 'sandbox.env'), 'utf8');
    expect(shellEnv).toContain(`TEMPORAL_ADDRESS=127.0.0.1:${env.LEASEHOLD_TEMPORAL_PORT}\n`);
    expect(shellEnv).toContain(`JIRA_WEBHOOK_SECRET=${sandboxCredentials.jira.webhookSecret}\n`);
    expect(shellEnv).toContain(`JIRA_SITE=${jira}\n`);

    // The Duration options are listed in the help, the shortest first.
    expect(await secondShell('demo', 'request', '--help')).toMatch(
      /Allowed --duration values[^\n]*\n {2}"30 seconds"\n {2}"5 minutes"/,
    );

    // Confluence User is approved automatically; 30 seconds is the sandbox's shortest Duration.
    const key = await secondShell(
      'demo',
      'request',
      '--as',
      'alice',
      '--app',
      'Confluence',
      '--level',
      'User',
      '--duration',
      '30 seconds',
    );
    expect(key).toBe('ACCESS-1');
    await eventually(
      async () => (await confluenceUsers()).includes('alice@example.com'),
      30_000,
      'alice in confluence-users',
    );

    expect(await leasehold.stop()).toBe(0);
    expect(fs.existsSync(path.join(stateDir, 'sandbox.env'))).toBe(false);
    const saved = JSON.parse(fs.readFileSync(path.join(stateDir, 'sandbox-state.json'), 'utf8')) as {
      jira: { issues: Array<{ key: string }> };
      okta: { members: Record<string, string[]> };
    };
    expect(saved.jira.issues.map((i) => i.key)).toEqual(['ACCESS-1']);
    expect(saved.okta.members['00gconfluence0000002']).toContain('00ualice000000000001');

    const { output: again } = await leasehold.start();
    expect(again).toContain('restored from the last run');
    // The restored org still has the grant; the workflow's timer, kept by Temporal, removes it.
    await eventually(async () => !(await confluenceUsers()).includes('alice@example.com'), 90_000, 'alice removed');
    const changes = await membershipChanges();
    expect(changes).toEqual([
      expect.objectContaining({ op: 'add', groupId: '00gconfluence0000002', userId: '00ualice000000000001' }),
      expect.objectContaining({ op: 'remove', groupId: '00gconfluence0000002', userId: '00ualice000000000001' }),
    ]);
    // Jira hears of it after the directory (write-back is beside the lifecycle, and a write lost with
    // the stopped worker is retried once its heartbeat timeout has passed).
    await eventually(async () => (await issueStatus(key)) === 'Access Expired', 60_000, `${key} Access Expired`);

    // The 30 seconds ran from when Okta answered the add, not from when the run heard of it (which may
    // have been after the restart), and the access was not cut short.
    const [added, removed] = changes.map((c) => Date.parse(c.at));
    const shown = JSON.parse(await secondShell('request', 'show', key, '-o', 'json')) as {
      grantedAt: string;
      expiresAt: string;
    };
    const grantedAt = Date.parse(shown.grantedAt);
    expect(grantedAt - added).toBeGreaterThanOrEqual(0);
    expect(grantedAt - added).toBeLessThan(5_000);
    expect(Date.parse(shown.expiresAt) - grantedAt).toBe(30_000);
    expect(removed - added).toBeGreaterThanOrEqual(30_000);

    const next = await secondShell(
      'demo',
      'request',
      '--as',
      'bob',
      '--app',
      'GitHub',
      '--level',
      'User',
      '--duration',
      '1 hour',
    );
    expect(next).toBe('ACCESS-2');
    expect(await issueStatus(next)).not.toBe('Access Expired');
  });
});
