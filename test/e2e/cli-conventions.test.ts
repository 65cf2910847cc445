import { execFile } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { projectRoot } from '../../src/paths';
import type { RequestSnapshot } from '../../src/workflows/access-request/types';
import { Leasehold } from '../harness/leasehold';

interface Run {
  code: number;
  stdout: string;
  stderr: string;
  ms: number;
}

const version = (JSON.parse(fs.readFileSync(path.join(projectRoot, 'package.json'), 'utf8')) as { version: string })
  .version;

/** A port nothing listens on. */
async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/**
 * `leasehold` as people and scripts run it (the built bin/leasehold.js, its real exit code and output),
 * against a whole Leasehold on the test Temporal server.
 */
describe('the leasehold CLI follows kubectl / gh / temporal conventions', () => {
  let lh: Leasehold;
  let stateDir: string;
  let active: string;

  beforeAll(async () => {
    lh = await Leasehold.start();
    stateDir = fs.mkdtempSync(path.join(os.tmpdir(), 'leasehold-cli-'));
    active = await lh.request({ as: 'alice', app: 'Confluence', level: 'User', duration: '1 hour', why: 'docs' });
    await lh.waitForState(active, 'Active');
  });
  afterAll(async () => {
    await lh?.stop();
    if (stateDir) fs.rmSync(stateDir, { recursive: true, force: true });
  });

  const leasehold = (args: string[], env: Record<string, string> = {}): Promise<Run> => {
    const started = Date.now();
    return new Promise((resolve) => {
      execFile(
        process.execPath,
        [path.join(projectRoot, 'bin', 'leasehold.js'), ...args],
        {
          env: {
            ...process.env,
            TEMPORAL_ADDRESS: process.env.LEASEHOLD_TEST_TEMPORAL_ADDRESS,
            TEMPORAL_NAMESPACE: lh.namespace,
            LEASEHOLD_TASK_QUEUE: lh.taskQueue,
            LEASEHOLD_STATE_DIR: stateDir,
            LEASEHOLD_LOG_LEVEL: 'error',
            ...env,
          },
          timeout: 60_000,
        },
        (error, stdout, stderr) =>
          resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr, ms: Date.now() - started }),
      );
    });
  };
  const json = <T = unknown>(run: Run): T => {
    expect({ code: run.code, stderr: run.stderr }).toEqual({ code: 0, stderr: '' });
    return JSON.parse(run.stdout) as T;
  };

  test('exit 0: --version prints the package version; --help documents the exit codes and the global flags', async () => {
    const [v, help, requestHelp] = await Promise.all([
      leasehold(['--version']),
      leasehold(['--help']),
      leasehold(['request', '--help']),
    ]);
    expect(v).toMatchObject({ code: 0, stdout: `${version}\n` });
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('--address <host:port>');
    expect(help.stdout).toContain('--namespace <namespace>');
    expect(help.stdout).toMatch(
      /Exit codes: 0 ok; 1 the operation failed.*\n2 bad usage or input.*\n3 a service unreachable/,
    );
    expect(requestHelp.code).toBe(0);
    expect(requestHelp.stdout).toMatch(/^ {2}retry-revocation \[options\] <issue>/m);
  });

  test('exit 2: unknown option, missing argument, invalid --state, invalid -o, malformed issue key', async () => {
    const runs = await Promise.all(
      [
        ['request', 'list', '--frobnicate'],
        ['request', 'show'],
        ['request', 'list', '--state', 'Bogus'],
        ['request', 'list', '-o', 'xml'],
        ['request', 'show', 'not-a-key'],
        ['request', 'revoke', 'ACCESS', '-r', 'x'],
      ].map((args) => leasehold(args)),
    );
    for (const run of runs) expect(run.code).toBe(2);
    expect(runs.map((r) => r.stderr.split('\n')[0])).toEqual([
      "error: unknown option '--frobnicate'",
      "error: missing required argument 'issue'",
      expect.stringContaining("argument 'Bogus' is invalid. Allowed choices are Resolving, ManualHandling,"),
      "error: option '-o, --output <format>' argument 'xml' is invalid. Allowed choices are table, json, yaml.",
      expect.stringContaining('"not-a-key" is not a Jira issue key (PROJECT-NUMBER, e.g. ACCESS-12)'),
      expect.stringContaining('"ACCESS" is not a Jira issue key'),
    ]);
  });

  test('exit 3 within seconds: an address nobody answers on is named, with the variable and flag to set', async () => {
    const port = await freePort();
    const [byFlag, byEnv] = await Promise.all([
      leasehold(['--address', `127.0.0.1:${port}`, 'request', 'list']),
      leasehold(['request', 'show', active], { TEMPORAL_ADDRESS: `127.0.0.1:${port}` }),
    ]);
    for (const run of [byFlag, byEnv]) {
      expect(run.code).toBe(3);
      expect(run.stderr).toMatch(
        new RegExp(`^error: cannot reach Temporal at 127\\.0\\.0\\.1:${port} \\(set TEMPORAL_ADDRESS or --address`),
      );
      expect(run.ms).toBeLessThan(10_000); // 3 s of connect timeout, plus starting Node on a busy machine
    }
  });

  test('exit 1 with the cause: a rejected update says why, not "Workflow Update failed"', async () => {
    const [forever, retryRevocation, missing] = await Promise.all([
      leasehold(['request', 'extend', active, '-d', 'forever', '-r', 'x', '--as', 'dave']),
      leasehold(['request', 'retry-revocation', active, '-r', 'token fixed', '--as', 'dave']),
      leasehold(['request', 'show', 'ACCESS-9999']),
    ]);
    expect(forever).toMatchObject({ code: 1, stdout: '', stderr: 'error: "forever" is not a duration\n' });
    // Only Revoking / RevocationFailing requests have a revocation to retry; whatever the reason, it is said.
    expect(retryRevocation.code).toBe(1);
    expect(retryRevocation.stderr).toMatch(/^error: \S/);
    expect(retryRevocation.stderr).not.toContain('Workflow Update failed');
    expect(missing).toMatchObject({ code: 1, stderr: 'error: no request ACCESS-9999\n' });
  });

  test('-o json of every read command parses as JSON', async () => {
    const [list, show, evidence, orphaned, rulesShow, rulesHistory, connections] = await Promise.all([
      leasehold(['request', 'list', '-o', 'json']),
      leasehold(['request', 'show', active, '-o', 'json']),
      leasehold(['evidence', active, '-o', 'json']),
      leasehold(['leases', 'orphaned', '-o', 'json']),
      leasehold(['rules', 'show', '-o', 'json']),
      leasehold(['rules', 'history', '-o', 'json']),
      leasehold(['connections', 'test', 'okta', '-o', 'json']),
    ]);
    expect(json<Array<{ issue: string; state: string }>>(list)).toContainEqual(
      expect.objectContaining({ issue: active, state: 'Active' }),
    );
    expect(json<RequestSnapshot>(show)).toMatchObject({ issueKey: active, state: 'Active' });
    expect(json(evidence)).toMatchObject({ schema: 'leasehold.evidence/v1', issueKey: active });
    expect(json(orphaned)).toEqual({ orphans: [] });
    expect(json(rulesShow)).toHaveProperty('applications');
    expect(json(rulesHistory)).toContainEqual(expect.objectContaining({ version: 1, submittedBy: 'test-harness' }));
    // The real calls may find something to complain about (exit 1); the answer is JSON either way.
    expect(JSON.parse(connections.stdout)).toEqual([expect.objectContaining({ name: 'okta' })]);
    // --json of the rules commands stays an alias of -o json.
    expect(JSON.parse((await leasehold(['rules', 'history', '--json'])).stdout)).toEqual(json(rulesHistory));
  });

  test('-o yaml parses as YAML; --state filters; a key is taken in any case and with spaces', async () => {
    const lower = ` ${active.toLowerCase()} `;
    const [show, listed, none] = await Promise.all([
      leasehold(['request', 'show', lower, '-o', 'yaml']),
      leasehold(['request', 'list', '--state', 'Active', '-o', 'yaml']),
      leasehold(['request', 'list', '--state', 'RevocationFailing', '-o', 'json']),
    ]);
    expect(show.code).toBe(0);
    expect(parseYaml(show.stdout)).toMatchObject({ issueKey: active, state: 'Active' });
    expect(parseYaml(listed.stdout)).toContainEqual(expect.objectContaining({ issue: active }));
    expect(json(none)).toEqual([]);
  });

  test('`request show` is for people by default: state, requester, access, approvals, expiry, group changes', async () => {
    const run = await leasehold(['request', 'show', active]);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(new RegExp(`^request\\s+${active}  Active$`, 'm'));
    expect(run.stdout).toMatch(/^requester\s+alice@example.com/m);
    expect(run.stdout).toMatch(/^access\s+Confluence \/ User: groups confluence-users in connection okta/m);
    expect(run.stdout).toMatch(/^approvals\s+auto-approved by the rules$/m);
    expect(run.stdout).toMatch(/^expires\s+\d{4}-\d\d-\d\dT/m);
    expect(run.stdout).toMatch(/^group changes\s+added\s+confluence-users \(okta\)/m);
  });

  test('--address and --namespace take precedence over TEMPORAL_ADDRESS and TEMPORAL_NAMESPACE, before or after the command', async () => {
    const port = await freePort();
    const wrong = { TEMPORAL_ADDRESS: `127.0.0.1:${port}`, TEMPORAL_NAMESPACE: 'no-such-namespace' };
    const flags = ['--address', process.env.LEASEHOLD_TEST_TEMPORAL_ADDRESS!, '--namespace', lh.namespace];
    const [before, after] = await Promise.all([
      leasehold([...flags, 'request', 'show', active, '-o', 'json'], wrong),
      leasehold(['request', 'show', active, '-o', 'json', ...flags], wrong),
    ]);
    expect(json(before)).toMatchObject({ issueKey: active });
    expect(json(after)).toMatchObject({ issueKey: active });
  });
});
