import { Command } from 'commander';
import { buildProgram, DEFERRED_COMMANDS } from '../../../src/cli/main';
import { CliContext } from '../../../src/cli/context';

/** `--help` lists the service and demo commands without loading their modules: the listing must stay true. */
describe('deferred commands', () => {
  test('each listed description is the command module’s own', async () => {
    for (const group of DEFERRED_COMMANDS) {
      const real = new Command('leasehold');
      (await group.load())(real);
      const actual = Object.fromEntries(real.commands.map((c) => [c.name(), c.description()]));
      expect(actual).toEqual(group.commands);
    }
  });

  test('the program lists them, in the usual order', () => {
    const names = buildProgram(new CliContext()).commands.map((c) => c.name());
    expect(names).toEqual([
      'start',
      'worker',
      'webhook',
      'sandbox',
      'temporal-cli',
      'temporal',
      'rules',
      'connections',
      'request',
      'evidence',
      'leases',
      'demo',
    ]);
  });
});
