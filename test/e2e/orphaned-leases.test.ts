import { accessRequestWorkflowId } from '../../src/workflows/ids';
import { runCli } from '../harness/cli';
import { eventually, Leasehold } from '../harness/leasehold';

/** A request terminated by hand leaves a lease behind: operators see it and release it (it would be at its end anyway). */
describe('orphaned leases', () => {
  let lh: Leasehold;
  beforeAll(async () => {
    lh = await Leasehold.start();
  });
  afterAll(async () => {
    await lh?.stop();
  });

  test('`leases orphaned` lists the lease of a terminated request; `--release` removes the membership, saying why', async () => {
    const key = await lh.request({ as: 'alice', app: 'Confluence', level: 'User', duration: '1 hour', why: 'docs' });
    await lh.waitForState(key, 'Active');
    expect(lh.sandboxes.okta.groupMembers('confluence-users')).toContain('alice@example.com');
    expect((await runCli(lh, ['leases', 'orphaned'])).stdout.trim()).toBe('no orphaned leases');

    await lh.client.workflow.getHandle(accessRequestWorkflowId(key)).terminate('operator mistake');
    const listed = await runCli(lh, ['leases', 'orphaned']);
    expect(listed.exitCode).toBe(0);
    expect(listed.stdout).toMatch(
      new RegExp(`alice@example.com in confluence-users \\(okta\\)\\s+${key}\\s+TERMINATED`),
    );

    const refused = await runCli(lh, ['leases', 'orphaned', '--release']);
    expect(refused.exitCode).not.toBe(0);
    expect(refused.stderr).toContain('--reason is required with --release');

    const released = await runCli(lh, [
      'leases',
      'orphaned',
      '--release',
      '-r',
      'terminated by mistake',
      '--as',
      'dave',
    ]);
    expect(released.exitCode).toBe(0);
    expect(released.stdout).toMatch(
      new RegExp(
        `released ${key} in group-lease-okta-.*: last grant ended: holder ${accessRequestWorkflowId(key)} is TERMINATED .*\\(released by operator dave: terminated by mistake\\)`,
      ),
    );
    await eventually(
      () => !lh.sandboxes.okta.groupMembers('confluence-users').includes('alice@example.com'),
      10_000,
      'the membership removed',
    );
    expect((await runCli(lh, ['leases', 'orphaned'])).stdout.trim()).toBe('no orphaned leases');
  });
});
