import { Command, CommanderError, InvalidArgumentError } from 'commander';
import { issueArgument, normaliseIssueKey, outputOption, stateOption } from '../../../src/cli/args';
import { REQUEST_STATES } from '../../../src/workflows/access-request/types';

describe('CLI arguments', () => {
  test.each([
    [' access-12 ', 'ACCESS-12'],
    ['ACCESS-1', 'ACCESS-1'],
    ['ops_2-310', 'OPS_2-310'],
  ])('issue key %j is taken as %s', (given, key) => {
    expect(normaliseIssueKey(given)).toBe(key);
  });

  test.each(['12', 'ACCESS', 'ACCESS-', 'ACCESS-0', 'ACCESS 12', '-12', 'ACC-1x', '1ACCESS-2'])(
    '%j is not an issue key',
    (given) => {
      expect(() => normaliseIssueKey(given)).toThrow(InvalidArgumentError);
    },
  );

  /** A command with the options, whose usage errors throw instead of exiting. */
  const parse = async (args: string[]) => {
    let seen: { key?: string; opts?: Record<string, unknown> } = {};
    const program = new Command('t')
      .exitOverride()
      .configureOutput({ writeErr: () => undefined, writeOut: () => undefined })
      .addArgument(issueArgument())
      .addOption(outputOption())
      .addOption(stateOption())
      .action((key: string, opts: Record<string, unknown>) => {
        seen = { key, opts };
      });
    await program.parseAsync(args, { from: 'user' });
    return seen;
  };

  test('the defaults and accepted values', async () => {
    expect(await parse([' access-7'])).toEqual({ key: 'ACCESS-7', opts: { output: 'table' } });
    expect(await parse(['ACCESS-7', '-o', 'yaml', '--state', 'RevocationFailing'])).toEqual({
      key: 'ACCESS-7',
      opts: { output: 'yaml', state: 'RevocationFailing' },
    });
  });

  test.each([[['nope']], [['ACCESS-7', '-o', 'xml']], [['ACCESS-7', '--state', 'Bogus']]])(
    '%j is a usage error',
    async (args) => {
      await expect(parse(args)).rejects.toThrow(CommanderError);
    },
  );

  test('--state offers every request state', () => {
    expect(stateOption().argChoices).toEqual([...REQUEST_STATES]);
  });
});
