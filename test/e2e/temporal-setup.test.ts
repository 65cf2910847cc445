import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { Connection } from '@temporalio/client';
import { tsToMs } from '@temporalio/common/lib/time';
import { projectRoot } from '../../src/paths';
import { indexedValueType } from '../../src/temporal/namespace';
import { startDevServer, type DevServer } from '../../src/temporal/dev-server';
import { searchAttributes } from '../../src/workflows/search-attributes';
import { commandOf, exampleEnv, loadCompose } from '../harness/compose';

const run = promisify(execFile);

/** The compose job's exact command, run from the built CLI against a fresh Temporal server. */
describe('leasehold temporal setup (the compose setup job)', () => {
  let server: DevServer;
  let connection: Connection;
  const job = loadCompose('docker-compose.yml', exampleEnv()).services['temporal-setup']!;

  beforeAll(async () => {
    server = await startDevServer();
    connection = await Connection.connect({ address: server.address });
  });
  afterAll(async () => {
    await connection?.close();
    await server?.stop();
  });

  const leasehold = (args: string[]) =>
    run(process.execPath, [path.join(projectRoot, 'bin', 'leasehold.js'), ...args], {
      env: { ...process.env, ...job.environment, TEMPORAL_ADDRESS: server.address, LEASEHOLD_LOG_LEVEL: 'error' },
    }).then(
      (r) => ({ code: 0, out: r.stdout }),
      (e: { code: number; stdout: string; stderr: string }) => ({ code: e.code, out: e.stdout + e.stderr }),
    );

  test('twice: the first creates the namespace and every search attribute, the second changes nothing', async () => {
    const namespace = job.environment!.TEMPORAL_NAMESPACE!;
    expect(namespace).toBe('leasehold');

    const first = await leasehold(commandOf(job));
    expect(first).toMatchObject({ code: 0 });
    expect(first.out).toContain('namespace created (retention 365 days)');
    expect(first.out).toContain('search attributes added');

    const second = await leasehold(commandOf(job));
    expect(second).toEqual({ code: 0, out: expect.stringContaining('already set up, nothing changed') });

    const described = await connection.workflowService.describeNamespace({ namespace });
    expect(tsToMs(described.config!.workflowExecutionRetentionTtl) / 86_400_000).toBe(365);
    const listed = await connection.operatorService.listSearchAttributes({ namespace });
    for (const key of Object.values(searchAttributes))
      expect(listed.customAttributes?.[key.name]).toBe(indexedValueType(key.type));
  });

  test('a changed retention is applied; --verify changes nothing and exits 3 naming what is missing', async () => {
    const changed = await leasehold(['temporal', 'setup', '-n', 'leasehold-audit', '--retention', '30d']);
    expect(changed.code).toBe(0);
    const longer = await leasehold(['temporal', 'setup', '-n', 'leasehold-audit', '--retention', '400']);
    expect(longer.out).toContain('retention 30 → 400 days');

    const missing = await leasehold(['temporal', 'setup', '--verify', '-n', 'not-created']);
    expect(missing.code).toBe(3);
    expect(missing.out).toContain('namespace not-created does not exist');
    await expect(connection.workflowService.describeNamespace({ namespace: 'not-created' })).rejects.toThrow(
      /not found/i,
    );

    const fine = await leasehold(['temporal', 'setup', '--verify', '-n', 'leasehold-audit', '--retention', '400']);
    expect(fine.code).toBe(0);
  });

  test('a bad retention is a usage error that names the option', async () => {
    const bad = await leasehold(['temporal', 'setup', '--retention', 'forever']);
    expect(bad.code).toBe(2);
    expect(bad.out).toContain('--retention: "forever" is not a whole number of days');
  });
});
