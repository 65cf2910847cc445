import { Argument, InvalidArgumentError, Option } from 'commander';
import { REQUEST_STATES } from '../workflows/access-request/types';
import { OUTPUT_FORMATS, type OutputFormat } from './output';

/** A Jira issue key: PROJECT-NUMBER, e.g. ACCESS-12 (` access-12 ` is taken as ACCESS-12). */
export function normaliseIssueKey(value: string): string {
  const key = value.trim().toUpperCase();
  if (!/^[A-Z][A-Z0-9_]*-[1-9]\d*$/.test(key))
    throw new InvalidArgumentError(`"${value}" is not a Jira issue key (PROJECT-NUMBER, e.g. ACCESS-12).`);
  return key;
}

export const issueArgument = (description = 'Jira issue key, e.g. ACCESS-12'): Argument =>
  new Argument('<issue>', description).argParser(normaliseIssueKey);

/** `-o, --output table|json|yaml` of every read command. */
export const outputOption = (): Option =>
  new Option('-o, --output <format>', 'output format: table (for people), json or yaml')
    .choices(OUTPUT_FORMATS)
    .default('table' satisfies OutputFormat);

/** `--state` of `request list`: one of the request states. */
export const stateOption = (): Option =>
  new Option('--state <state>', 'only requests in this state').choices(REQUEST_STATES);
