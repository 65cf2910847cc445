/**
 * The options of the sandbox site's select fields: the catalog (catalog.ts) builds its fields from
 * these, and `leasehold demo request --help` lists the Duration values from here. This module imports
 * nothing, so the CLI can read it without loading the sandbox.
 */

/** The Duration field's options, shortest first. */
export const JIRA_DURATION_OPTIONS = [
  '30 seconds',
  '5 minutes',
  '1 hour',
  '8 hours',
  '1 day',
  '7 days',
  '30 days',
  '90 days',
] as const;

/** The Application field's options. */
export const JIRA_APPLICATION_OPTIONS = [
  'Jira Software',
  'Confluence',
  'GitHub',
  'AWS Production',
  'Salesforce',
  'Finance Reports',
  'Azure Production',
  'Bitbucket',
  'GitHub Teams',
  'Google Groups',
  'AWS Developer Sandbox',
] as const;

/** The Access Type field's options. */
export const JIRA_ACCESS_TYPE_OPTIONS = ['User', 'Admin', 'Read-only', 'Member', 'On-call', 'Developer'] as const;

export const STANDARD_SELECT_OPTIONS: Record<
  'application' | 'accessType' | 'duration',
  { name: string; firstOptionId: number; values: readonly string[] }
> = {
  application: { name: 'Application', firstOptionId: 10100, values: JIRA_APPLICATION_OPTIONS },
  accessType: { name: 'Access Type', firstOptionId: 10200, values: JIRA_ACCESS_TYPE_OPTIONS },
  duration: { name: 'Duration', firstOptionId: 10300, values: JIRA_DURATION_OPTIONS },
};
