import { z } from 'zod';
import { adfDocSchema } from '../jira/adf';
import type { AwsDirectoryState } from '../aws/directory';
import type { EntraDirectoryState } from '../entra/directory';
import type { GitHubDirectoryState } from '../github/directory';
import type { GoogleDirectoryState } from '../google/directory';
import type { JiraGroupsState } from '../jira/groups';
import type { JiraStoreState, StoredIssue } from '../jira/store';
import type { OktaDirectoryState } from '../okta/directory';
import type { SlackWorkspaceState } from '../slack/messages';
import { OKTA_USER_STATUSES, type OktaGroupRecord, type OktaUserRecord } from '../okta/records';

/**
 * The shape of `.leasehold/sandbox-state.json`: what the sandboxes hold, as JSON (dates as ISO 8601
 * strings, attachment content as base64). Parsing gives the in-memory records back.
 */

const date = z.iso.datetime({ offset: true }).transform((s) => new Date(s));
const adf = adfDocSchema;

const option = z.object({ id: z.string(), value: z.string() });

const changelogItem = z.object({
  field: z.string(),
  fieldtype: z.enum(['jira', 'custom']),
  fieldId: z.string(),
  from: z.string().nullable(),
  fromString: z.string().nullable(),
  to: z.string().nullable(),
  toString: z.string().nullable(),
});

const storedIssue = z.object({
  id: z.string(),
  key: z.string(),
  summary: z.string(),
  description: adf.nullable(),
  issueTypeId: z.string(),
  requestTypeId: z.string().nullable(),
  statusId: z.string(),
  statusChangedAt: date,
  statusCategoryChangedAt: date,
  reporterId: z.string(),
  creatorId: z.string(),
  assigneeId: z.string().nullable(),
  selections: z.object({ application: option.optional(), accessType: option.optional(), duration: option.optional() }),
  justification: adf.nullable(),
  labels: z.array(z.string()),
  resolution: z.object({ id: z.string(), name: z.string(), description: z.string() }).nullable(),
  resolutionDate: date.nullable(),
  created: date,
  updated: date,
  comments: z.array(
    z.object({ id: z.string(), authorId: z.string(), body: adf, jsdPublic: z.boolean(), created: date, updated: date }),
  ),
  attachments: z.array(
    z.object({
      id: z.string(),
      filename: z.string(),
      mimeType: z.string(),
      content: z.base64().transform((b) => Buffer.from(b, 'base64')),
      authorId: z.string(),
      created: date,
    }),
  ),
  history: z.array(z.object({ id: z.string(), items: z.array(changelogItem), authorId: z.string(), created: date })),
}) satisfies z.ZodType<StoredIssue, unknown>;

const count = z.number().int().nonnegative();

const jiraGroups = z.object({
  groups: z.array(z.object({ groupId: z.string(), name: z.string(), syncedFrom: z.string().optional() })),
  members: z.record(z.string(), z.array(z.string())),
  changes: z.array(
    z.object({ at: z.string(), op: z.enum(['add', 'remove']), groupId: z.string(), accountId: z.string() }),
  ),
}) satisfies z.ZodType<JiraGroupsState, unknown>;

export const savedJiraSchema = z.object({
  counters: z.object({ issue: count, comment: count, attachment: count, changelog: count }),
  issues: z.array(storedIssue),
  /** Handles of the accounts an administrator deleted. */
  deletedAccounts: z.array(z.string()),
  /** The site's groups and memberships (absent in files saved before the group API existed). */
  groups: jiraGroups.optional(),
}) satisfies z.ZodType<SavedJira, unknown>;

/** The sandbox Jira's saved state: the store's issues and counters, deleted accounts, and the site's groups. */
export type SavedJira = JiraStoreState & { deletedAccounts: string[]; groups?: JiraGroupsState };

const oktaUser = z.looseObject({
  id: z.string(),
  status: z.enum(OKTA_USER_STATUSES),
  created: z.string(),
  activated: z.string().nullable(),
  statusChanged: z.string().nullable(),
  lastLogin: z.string().nullable(),
  lastUpdated: z.string(),
  passwordChanged: z.string().nullable(),
  profile: z.looseObject({
    login: z.string(),
    email: z.string(),
    firstName: z.string(),
    lastName: z.string(),
    displayName: z.string(),
    title: z.string().optional(),
    department: z.string().optional(),
    managerId: z.string().optional(),
    manager: z.string().optional(),
  }),
}) satisfies z.ZodType<OktaUserRecord, unknown>;

const oktaGroup = z.looseObject({
  id: z.string(),
  type: z.enum(['OKTA_GROUP', 'APP_GROUP', 'BUILT_IN']),
  name: z.string(),
  description: z.string(),
  created: z.string(),
  lastUpdated: z.string(),
  lastMembershipUpdated: z.string(),
  sourceAppId: z.string().optional(),
}) satisfies z.ZodType<OktaGroupRecord, unknown>;

export const savedOktaSchema = z.object({
  users: z.array(oktaUser),
  groups: z.array(oktaGroup),
  members: z.record(z.string(), z.array(z.string())),
  changes: z.array(
    z.object({ at: z.string(), op: z.enum(['add', 'remove']), groupId: z.string(), userId: z.string() }),
  ),
  seeded: count,
}) satisfies z.ZodType<OktaDirectoryState, unknown>;

export const savedEntraSchema = z.object({
  users: z.array(
    z.looseObject({
      id: z.string(),
      displayName: z.string(),
      givenName: z.string(),
      surname: z.string(),
      mail: z.string(),
      userPrincipalName: z.string(),
      jobTitle: z.string(),
      department: z.string().optional(),
      accountEnabled: z.boolean(),
      managerId: z.string().optional(),
      lastSignInDateTime: z.string().optional(),
    }),
  ),
  groups: z.array(
    z.looseObject({
      id: z.string(),
      displayName: z.string(),
      description: z.string(),
      mailNickname: z.string(),
      createdDateTime: z.string(),
    }),
  ),
  members: z.record(z.string(), z.array(z.string())),
}) satisfies z.ZodType<EntraDirectoryState, unknown>;

export const savedGitHubSchema = z.object({
  users: z.array(
    z.object({
      id: z.number().int(),
      login: z.string(),
      name: z.string(),
      email: z.string().nullable(),
      createdAt: z.string(),
    }),
  ),
  orgMembers: z.array(z.string()),
  memberships: z.record(
    z.string(),
    z.array(
      z.object({ login: z.string(), role: z.enum(['member', 'maintainer']), state: z.enum(['active', 'pending']) }),
    ),
  ),
  changes: z.array(
    z.object({
      at: z.string(),
      op: z.enum(['add', 'remove']),
      team: z.string(),
      login: z.string(),
      state: z.enum(['active', 'pending']),
    }),
  ),
}) satisfies z.ZodType<GitHubDirectoryState, unknown>;

export const savedGoogleSchema = z.object({
  users: z.array(
    z.object({
      id: z.string(),
      primaryEmail: z.string(),
      givenName: z.string(),
      familyName: z.string(),
      isAdmin: z.boolean(),
      suspended: z.boolean(),
      managerEmail: z.string().optional(),
      lastLoginTime: z.string(),
      creationTime: z.string(),
    }),
  ),
  members: z.record(
    z.string(),
    z.array(
      z.object({
        email: z.string(),
        role: z.enum(['MEMBER', 'MANAGER', 'OWNER']),
        type: z.enum(['USER', 'GROUP']),
      }),
    ),
  ),
  changes: z.array(z.object({ at: z.string(), op: z.enum(['add', 'remove']), group: z.string(), email: z.string() })),
}) satisfies z.ZodType<GoogleDirectoryState, unknown>;

export const savedAwsSchema = z.object({
  users: z.array(
    z.object({
      id: z.string(),
      userName: z.string(),
      displayName: z.string(),
      givenName: z.string(),
      familyName: z.string(),
      email: z.string(),
      status: z.enum(['ENABLED', 'DISABLED']),
      createdAt: z.string(),
    }),
  ),
  groups: z.array(z.object({ id: z.string(), displayName: z.string(), description: z.string() })),
  memberships: z.array(z.object({ id: z.string(), groupId: z.string(), userId: z.string(), createdAt: z.string() })),
  changes: z.array(
    z.object({
      at: z.string(),
      op: z.enum(['add', 'remove']),
      groupId: z.string(),
      userId: z.string(),
      membershipId: z.string(),
    }),
  ),
}) satisfies z.ZodType<AwsDirectoryState, unknown>;

const slackBlocks = z.array(z.record(z.string(), z.unknown()));

export const savedSlackSchema = z.object({
  lastTsMicros: count,
  openedDms: z.array(z.string()),
  messages: z.array(
    z.object({
      channel: z.string(),
      ts: z.string(),
      user: z.string(),
      botId: z.string().optional(),
      text: z.string(),
      blocks: slackBlocks.optional(),
      threadTs: z.string().optional(),
      postedAt: z.string(),
      edits: z.array(z.object({ replacedAt: z.string(), text: z.string(), blocks: slackBlocks.optional() })),
    }),
  ),
}) satisfies z.ZodType<SlackWorkspaceState, unknown>;

/** The whole file. `version` changes when the shape does (an older file is then left aside, with a warning). */
export const savedSandboxesSchema = z.object({
  version: z.literal(1),
  savedAt: z.string(),
  jira: savedJiraSchema,
  okta: savedOktaSchema,
  entra: savedEntraSchema,
  /** Absent in files saved before the GitHub sandbox existed (it then starts from the sample organisation). */
  github: savedGitHubSchema.optional(),
  /** Absent in files saved before the Google sandbox existed (it then starts from the sample domain). */
  google: savedGoogleSchema.optional(),
  /** Absent in files saved before the AWS sandbox existed (it then starts from the sample identity store). */
  aws: savedAwsSchema.optional(),
  /** Absent in files saved before the Slack sandbox existed (it then starts with no messages). */
  slack: savedSlackSchema.optional(),
}) satisfies z.ZodType<SavedSandboxes, unknown>;

export interface SavedSandboxes {
  version: 1;
  savedAt: string;
  jira: SavedJira;
  okta: OktaDirectoryState;
  entra: EntraDirectoryState;
  github?: GitHubDirectoryState;
  google?: GoogleDirectoryState;
  aws?: AwsDirectoryState;
  slack?: SlackWorkspaceState;
}
