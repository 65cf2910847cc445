import { z } from 'zod';
import { parseDuration } from './duration';
import { driftSchema } from './drift-schema';
import { reclaimSchema } from './reclaim-schema';
import { approverSchema, durationText, isRecord } from './common-schema';
import { reviewCampaignSchema, reviewProblems } from './review-schema';

/**
 * The rules document admins submit: connections, the Jira portal mapping and the applications with
 * their access levels. This zod schema is the single source of truth: the CLI validates with it, the
 * policy workflow's update validator rejects with it, `leasehold rules schema` emits JSON Schema from it,
 * and every type below is inferred from it.
 */

/** A secret is never written inline: it is read by the worker from an env var or a file. */
export const secretRefSchema = z
  .union(
    [
      z.object({ env: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'must be an environment variable name') }).strict(),
      z.object({ file: z.string().min(1) }).strict(),
    ],
    {
      error: 'secrets must be referenced as { env: NAME } or { file: PATH }, never written inline',
    },
  )
  .describe('Where the worker reads the secret: { env: NAME } or { file: PATH }. Never inline.');

/** Plain settings may use `${VAR}` or `${VAR:-default}`, expanded by the worker at use time. */
const setting = z.string().min(1);
const url = setting.describe('URL; may use ${VAR} or ${VAR:-default}');

/**
 * A directory connection's request budget: its membership calls are dispatched no faster than this
 * (the rate of its task queue, see src/workflows/task-queues.ts). Default per type: see
 * src/worker/directory-workers.ts.
 */
const requestsPerMinute = z
  .number()
  .int()
  .min(1)
  .max(100_000)
  .optional()
  .describe("Membership calls per minute at most (the directory's rate limit); default per connection type");

const oktaConnectionSchema = z
  .object({
    type: z.literal('okta'),
    requestsPerMinute,
    orgUrl: url,
    token: secretRefSchema,
    /** Requests the Okta SDK retries by itself on 429 before Leasehold's own retry policy takes over. */
    maxSdkRetries: z.number().int().min(0).max(5).default(0),
  })
  .strict();

const entraConnectionSchema = z
  .object({
    type: z.literal('entra'),
    requestsPerMinute,
    tenantId: setting,
    clientId: setting,
    clientSecret: secretRefSchema,
    /** Defaults to the public cloud (`https://login.microsoftonline.com`). */
    authorityHost: url.optional(),
    /** Defaults to `https://graph.microsoft.com`. */
    graphBaseUrl: url.optional(),
    /** PEM file of an extra CA to trust (a TLS-inspecting proxy, or the sandbox's certificate). */
    caFile: setting.optional(),
  })
  .strict();

const jiraConnectionSchema = z
  .object({
    type: z.literal('jira'),
    site: url.describe('Jira Cloud site, e.g. https://example.atlassian.net'),
    email: setting.describe('Account Leasehold comments and transitions as'),
    apiToken: secretRefSchema,
    webhookSecret: secretRefSchema.optional().describe('Secret of the admin webhook (X-Hub-Signature)'),
    automationSecret: secretRefSchema.optional().describe('Shared secret header of Jira Automation "Send web request"'),
  })
  .strict();

/**
 * Atlassian Cloud product access (Jira, Confluence, Bitbucket) through the site's groups, changed with
 * Jira's group API by a site administrator's API token (the same credential model as `jira`).
 */
const atlassianConnectionSchema = z
  .object({
    type: z.literal('atlassian'),
    requestsPerMinute,
    site: url.describe('Atlassian site whose groups grant product access, e.g. https://example.atlassian.net'),
    email: setting.describe('Email of the site administrator whose API token this is'),
    apiToken: secretRefSchema,
  })
  .strict();

/** A GitHub login: letters, digits and single hyphens, not at either end, at most 39 characters. */
const githubLogin = z
  .string()
  .regex(/^[A-Za-z0-9](?:[A-Za-z0-9]|-(?=[A-Za-z0-9])){0,38}$/, 'not a GitHub login')
  .describe('A GitHub login');

/**
 * GitHub organisation team membership: the level's groups are team slugs of `org`. Authenticates as a
 * GitHub App installation (preferred: its token is short-lived and scoped to the organisation) or with
 * a fine-grained token; either needs the organisation permission "Members: read and write".
 */
const githubConnectionSchema = z
  .object({
    type: z.literal('github'),
    requestsPerMinute,
    org: setting.describe('The organisation login, e.g. example-org'),
    baseUrl: url
      .default('https://api.github.com')
      .describe('REST API root (GitHub Enterprise Server: https://HOST/api/v3); may use ${VAR}'),
    token: secretRefSchema
      .optional()
      .describe('A fine-grained token with the organisation permission Members: read and write'),
    app: z
      .object({
        appId: setting.describe("The GitHub App's id"),
        installationId: setting.describe("The App's installation id on the organisation"),
        privateKey: secretRefSchema.describe("The App's private key (PEM)"),
      })
      .strict()
      .optional()
      .describe('A GitHub App installation (organisation permission Members: read and write)'),
    /**
     * How a requester (an email) becomes a GitHub login: this mapping first, then, with `lookupByEmail`,
     * GitHub's user search on the email (`<email> in:email`, which finds public emails only).
     */
    logins: z.record(z.string().email(), githubLogin).default({}).describe('Email → GitHub login, checked first'),
    lookupByEmail: z
      .boolean()
      .default(true)
      .describe("Search GitHub for a user whose public email is the requester's when `logins` has none"),
  })
  .strict()
  .superRefine((c, ctx) => {
    if ((c.token === undefined) === (c.app === undefined))
      ctx.addIssue({
        code: 'custom',
        path: [c.token === undefined ? 'token' : 'app'],
        message: 'a github connection authenticates with exactly one of token or app',
      });
  });

/**
 * Google Workspace group membership through the Admin SDK Directory API: a service account with
 * domain-wide delegation acts as `subject` (an administrator). The level's groups are group emails.
 */
const googleConnectionSchema = z
  .object({
    type: z.literal('google'),
    requestsPerMinute,
    serviceAccountKey: secretRefSchema.describe(
      "The service account's key file (JSON: client_email, private_key, token_uri), e.g. { file: /run/secrets/google-sa.json }",
    ),
    subject: setting.describe('The Workspace administrator the service account acts as (domain-wide delegation)'),
    domain: setting
      .optional()
      .describe('Primary domain, e.g. example.com: a group or user named without @ gets @domain appended'),
    rootUrl: url.optional().describe('Directory API root (default https://admin.googleapis.com/); may use ${VAR}'),
    tokenUrl: url
      .optional()
      .describe("OAuth2 token endpoint (default: the key file's token_uri, https://oauth2.googleapis.com/token)"),
  })
  .strict();

/** An AWS session duration bound: a duration of at most 12 hours (AWS allows 1 to 12 hours). */
const awsSessionDuration = z
  .string()
  .refine((s) => parseDuration(s) !== undefined && parseDuration(s)! <= 12 * 3_600_000, {
    message: 'not a session duration of at most 12 hours (e.g. "1 hour", "8h")',
  });

/**
 * AWS IAM Identity Center group membership through the Identity Store API. Credentials come from the
 * standard chain (environment, profile, role) unless `accessKeyId` and `secretAccessKey` are given.
 * Removing a membership does not end AWS sessions already issued: they last up to the permission set's
 * session duration, read from sso-admin (`instanceArn` + `permissionSetArns`) or taken from
 * `sessionDuration`; the evidence of a removal records when access is certainly gone.
 */
const awsConnectionSchema = z
  .object({
    type: z.literal('aws'),
    requestsPerMinute,
    region: setting.describe('The region of the IAM Identity Center instance, e.g. us-east-1'),
    identityStoreId: setting.describe('The identity store, e.g. d-1234567890'),
    endpoint: url
      .optional()
      .describe('Endpoint of the Identity Store and sso-admin APIs (the sandbox); omit for AWS itself'),
    accessKeyId: setting.optional().describe('Static credentials: an access key id (with secretAccessKey)'),
    secretAccessKey: secretRefSchema.optional().describe('Static credentials: the secret access key'),
    userAttribute: z
      .enum(['emails.value', 'userName'])
      .default('emails.value')
      .describe("The Identity Store attribute a requester's email is looked up by"),
    sessionDuration: awsSessionDuration
      .default('12 hours')
      .describe('The longest session duration of the permission sets the groups grant (AWS maximum: 12 hours)'),
    instanceArn: setting
      .optional()
      .describe('The IAM Identity Center instance, to read session durations from sso-admin'),
    permissionSetArns: z
      .array(setting)
      .default([])
      .describe("Permission sets whose SessionDuration bounds a removed member's sessions (sso:DescribePermissionSet)"),
  })
  .strict()
  .superRefine((c, ctx) => {
    if ((c.accessKeyId === undefined) !== (c.secretAccessKey === undefined))
      ctx.addIssue({
        code: 'custom',
        path: [c.accessKeyId === undefined ? 'accessKeyId' : 'secretAccessKey'],
        message: 'accessKeyId and secretAccessKey go together (omit both for the standard credential chain)',
      });
    if (c.permissionSetArns.length > 0 && c.instanceArn === undefined)
      ctx.addIssue({ code: 'custom', path: ['instanceArn'], message: 'permissionSetArns need the instanceArn' });
  });

export const connectionSchema = z.discriminatedUnion('type', [
  oktaConnectionSchema,
  entraConnectionSchema,
  jiraConnectionSchema,
  atlassianConnectionSchema,
  githubConnectionSchema,
  googleConnectionSchema,
  awsConnectionSchema,
]);

export const approvalPolicySchema = z
  .object({
    approvers: z.array(approverSchema).min(1),
    /** Number of distinct authorized approvers needed. */
    required: z.number().int().min(1).max(5).default(1),
    /** How long a request may wait for approval before it is declined as expired. */
    deadline: durationText.default('3 days'),
    /** Jira comment reminders while waiting, e.g. every 1 day. */
    remindEvery: durationText.optional(),
  })
  .strict();

export const accessLevelSchema = z
  .object({
    name: z.string().min(1).describe('The Access Type option in Jira, e.g. "Admin"'),
    connection: z.string().min(1),
    groups: z.array(z.string().min(1)).min(1).describe('Group names in the connection'),
    risk: z.enum(['low', 'medium', 'high']),
    approval: approvalPolicySchema,
    autoApprove: z.boolean().default(false).describe('Low risk only: grant without an approver'),
    duration: z
      .object({
        default: durationText,
        max: durationText.optional().describe('Omitted = no upper bound (not allowed for high risk)'),
      })
      .strict(),
    reclaim: reclaimSchema.optional().describe('Remove members who have not signed in for a while'),
  })
  .strict()
  // Runs even when other parts of the level are invalid (a bad `risk` must not hide `default > max`),
  // so it reads the possibly partial level defensively.
  .superRefine(
    (level, ctx) => {
      const duration: Record<string, unknown> = isRecord(level.duration) ? level.duration : {};
      const approval: Record<string, unknown> = isRecord(level.approval) ? level.approval : {};
      const text = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);
      const def = text(duration.default) === undefined ? undefined : parseDuration(text(duration.default)!);
      const max = text(duration.max) === undefined ? undefined : parseDuration(text(duration.max)!);
      const required = typeof approval.required === 'number' ? approval.required : undefined;
      if (def !== undefined && max !== undefined && def > max) {
        ctx.addIssue({
          code: 'custom',
          path: ['duration', 'default'],
          message: `default ${String(duration.default)} exceeds max ${String(duration.max)}`,
        });
      }
      if (level.risk === 'high') {
        if (isRecord(level.duration) && duration.max === undefined)
          ctx.addIssue({
            code: 'custom',
            path: ['duration', 'max'],
            message: 'high-risk access must be time-bound: set a max duration',
          });
        if (required !== undefined && required < 2)
          ctx.addIssue({
            code: 'custom',
            path: ['approval', 'required'],
            message: 'high-risk access needs at least 2 distinct approvers',
          });
      }
      if (level.autoApprove === true && typeof level.risk === 'string' && level.risk !== 'low') {
        ctx.addIssue({
          code: 'custom',
          path: ['autoApprove'],
          message: `auto-approval is allowed for low risk only, not ${level.risk}`,
        });
      }
      // Without a group, only the listed people can approve: `required` must not exceed how many distinct
      // people that is (the manager, the owner, each named user), or no request could ever be approved.
      const approvers: unknown[] = Array.isArray(approval.approvers) ? approval.approvers : [];
      const open = (a: unknown) => isRecord(a) && ('group' in a || 'field' in a);
      if (required !== undefined && approvers.length > 0 && !approvers.some(open)) {
        const people = new Set(
          approvers.map((a) =>
            isRecord(a) && typeof a.user === 'string' ? `user:${a.user.toLowerCase()}` : String(a),
          ),
        );
        if (required > people.size) {
          ctx.addIssue({
            code: 'custom',
            path: ['approval', 'required'],
            message: `needs ${required} distinct approvers but only ${people.size} can approve (${[...people].map((p) => p.replace(/^user:/, '')).join(', ')})`,
          });
        }
      }
      // A reclaim's exclusions name groups of the level (a typo would silently reclaim the group).
      const reclaim: Record<string, unknown> = isRecord(level.reclaim) ? level.reclaim : {};
      const groups: unknown[] = Array.isArray(level.groups) ? level.groups : [];
      if (Array.isArray(reclaim.exclude))
        reclaim.exclude.forEach((g: unknown, i: number) => {
          if (typeof g === 'string' && !groups.includes(g))
            ctx.addIssue({
              code: 'custom',
              path: ['reclaim', 'exclude', i],
              message: `"${g}" is not one of this level's groups (${groups.join(', ')})`,
            });
        });
    },
    { when: () => true },
  );

export const applicationSchema = z
  .object({
    name: z.string().min(1).describe('The Application option in Jira'),
    owner: z.string().email(),
    levels: z.array(accessLevelSchema).min(1),
  })
  .strict();

export const statusMappingSchema = z
  .object({
    Approved: z.array(z.string().min(1)).default([]),
    Denied: z.array(z.string().min(1)).default([]),
    Revoked: z.array(z.string().min(1)).default([]),
    Declined: z.array(z.string().min(1)).default([]),
  })
  .strict();

export const portalSchema = z
  .object({
    connection: z.string().min(1).describe('The jira connection'),
    project: z.string().min(1),
    requestTypes: z
      .object({
        access: z.string().default('Request Application Access'),
        removal: z.string().default('Request Access Removal'),
        change: z.string().default('Request Access Change'),
      })
      .strict()
      .prefault({}),
    fields: z
      .object({
        application: z.string().default('Application'),
        accessType: z.string().default('Access Type'),
        duration: z.string().default('Duration'),
        justification: z.string().default('Justification'),
      })
      .strict()
      .prefault({})
      .describe('Custom fields by name or id (customfield_10050)'),
    statusMapping: statusMappingSchema.describe('Jira status names that count as each decision'),
    reviews: z
      .object({
        requestType: z.string().default('Access Review').describe('The request type of review items (its name)'),
        requestTypeKey: z
          .string()
          .optional()
          .describe('Sent when items are created, if set: Jira Cloud\'s "<portal key>/<request type key>" form'),
        waiting: z.string().default('Waiting for review').describe('The status of an undecided item'),
        keep: z.array(z.string().min(1)).min(1).default(['Keep']).describe('Statuses that count as keep'),
        revoke: z.array(z.string().min(1)).min(1).default(['Revoke']).describe('Statuses that count as revoke'),
      })
      .strict()
      .prefault({})
      .describe('Access review items in Jira: their request type and the statuses that decide them'),
    emailOverrides: z
      .record(z.string().min(1), z.string().email())
      .default({})
      .describe('Jira accountId → email, for accounts whose email Jira hides (privacy settings)'),
    /** The statuses Leasehold moves an issue to. */
    outcomes: z
      .object({
        waitingForApproval: z.string().default('Waiting for approval'),
        granted: z.string().default('Access Granted'),
        expired: z.string().default('Access Expired'),
        revoked: z.string().default('Access Revoked'),
        declined: z.string().default('Declined by User'),
        denied: z.string().default('Rejected'),
        approvalExpired: z.string().default('Rejected'),
        failed: z.string().default('Access Failed'),
      })
      .strict()
      .prefault({}),
  })
  .strict();

/**
 * Approvals in Slack: each authorized approver of a waiting request gets a message (a DM found by email,
 * and the channel if set) with Approve / Deny; a click counts once Slack's signature on it is verified
 * and the clicker is an authorized approver; Jira records it. Slack failing never blocks Jira approvals.
 */
export const slackSchema = z
  .object({
    botToken: secretRefSchema.describe(
      "The app's bot token (xoxb-…): chat:write, im:write, users:read, users:read.email",
    ),
    signingSecret: secretRefSchema.describe("The app's signing secret: every interaction is verified with it"),
    apiUrl: url.optional().describe('Web API base URL (default https://slack.com/api/; the sandbox in demo mode)'),
    channel: z.string().min(1).optional().describe('Also post every approval request in this channel (#name or id)'),
  })
  .strict();

export const rulesDocumentSchema = z
  .object({
    version: z.literal(1).describe('Schema version of this document'),
    connections: z.record(
      z.string().regex(/^[a-z][a-z0-9-]*$/, 'connection names are lower-case words joined by -'),
      connectionSchema,
    ),
    portal: portalSchema,
    applications: z.array(applicationSchema).min(1),
    slack: slackSchema.optional().describe('Approvals in Slack (the Slack app of /slack/interactions)'),
    drift: driftSchema.optional().describe('Reconciling managed groups with their directories (default: hourly)'),
    reviews: z
      .array(reviewCampaignSchema)
      .default([])
      .describe('Access review campaigns: should each current member keep the access?'),
    settings: z
      .object({
        /** A submitted change takes effect only after a second admin approves it. */
        requireSecondAdmin: z.boolean().default(false),
        /** Whether operators may extend a grant from the CLI (`leasehold request extend`); always an override when they do. */
        allowOperatorExtensions: z.boolean().default(true),
      })
      .strict()
      .prefault({}),
  })
  .strict()
  // Cross-references run even when other parts of the document are invalid, so one pass reports
  // every problem; the document may be partly malformed here, hence the defensive reads.
  .superRefine(
    (doc, ctx) => {
      // When `connections` itself is malformed its own problem is reported; references into it are not
      // judged (every level would otherwise repeat it). The same for a connection whose type is invalid.
      const connectionsKnown = isRecord(doc.connections);
      const connections: Record<string, { type?: unknown } | undefined> = connectionsKnown ? doc.connections : {};
      const typeOf = (name: string): unknown =>
        Object.hasOwn(connections, name) ? connections[name]?.type : undefined;
      const judgeable = (name: string): boolean =>
        connectionsKnown && (!Object.hasOwn(connections, name) || CONNECTION_TYPES.includes(typeOf(name) as string));
      const directory = (name: string): string | undefined => {
        if (!judgeable(name)) return undefined;
        const type = typeOf(name);
        if (type === undefined) return `unknown connection "${name}"`;
        return DIRECTORY_TYPES.includes(type as string)
          ? undefined
          : `"${name}" is not a directory connection (${DIRECTORY_TYPES.join(', ')})`;
      };
      // Names are matched case-insensitively (rules lookup, Jira statuses), so duplicates are too.
      const norm = (name: string): string => name.trim().toLowerCase();
      if (
        isRecord(doc.portal) &&
        typeof doc.portal.connection === 'string' &&
        judgeable(doc.portal.connection) &&
        typeOf(doc.portal.connection) !== 'jira'
      ) {
        ctx.addIssue({
          code: 'custom',
          path: ['portal', 'connection'],
          message: `"${doc.portal.connection}" is not a jira connection`,
        });
      }
      const mapping = isRecord(doc.portal) && isRecord(doc.portal.statusMapping) ? doc.portal.statusMapping : {};
      const seenStatus = new Map<string, string>();
      for (const [decision, statuses] of Object.entries(mapping)) {
        if (!Array.isArray(statuses)) continue;
        statuses.forEach((status: unknown, i) => {
          if (typeof status !== 'string') return;
          const other = seenStatus.get(norm(status));
          if (other && other !== decision) {
            ctx.addIssue({
              code: 'custom',
              path: ['portal', 'statusMapping', decision, i],
              message: `"${status}" is already mapped to ${other}`,
            });
          }
          seenStatus.set(norm(status), decision);
        });
      }
      const seenApps = new Set<string>();
      const apps: unknown[] = Array.isArray(doc.applications) ? doc.applications : [];
      apps.forEach((app, a) => {
        if (!isRecord(app)) return;
        if (typeof app.name === 'string') {
          if (seenApps.has(norm(app.name)))
            ctx.addIssue({
              code: 'custom',
              path: ['applications', a, 'name'],
              message: `duplicate application "${app.name}"`,
            });
          seenApps.add(norm(app.name));
        }
        const seenLevels = new Set<string>();
        const levels: unknown[] = Array.isArray(app.levels) ? app.levels : [];
        levels.forEach((level, l) => {
          if (!isRecord(level)) return;
          const at = (...rest: (string | number)[]) => ['applications', a, 'levels', l, ...rest];
          if (typeof level.name === 'string') {
            if (seenLevels.has(norm(level.name)))
              ctx.addIssue({
                code: 'custom',
                path: at('name'),
                message: `duplicate access level "${level.name}" of "${String(app.name)}"`,
              });
            seenLevels.add(norm(level.name));
          }
          const levelProblem = typeof level.connection === 'string' ? directory(level.connection) : undefined;
          if (levelProblem) ctx.addIssue({ code: 'custom', path: at('connection'), message: levelProblem });
          const approvers: unknown[] =
            isRecord(level.approval) && Array.isArray(level.approval.approvers) ? level.approval.approvers : [];
          approvers.forEach((approver, i) => {
            const problem =
              isRecord(approver) && typeof approver.connection === 'string'
                ? directory(approver.connection)
                : undefined;
            if (problem)
              ctx.addIssue({ code: 'custom', path: at('approval', 'approvers', i, 'connection'), message: problem });
            // GitHub records no managers: a `manager` approver of a github level could never approve.
            if (approver === 'manager' && typeof level.connection === 'string' && typeOf(level.connection) === 'github')
              ctx.addIssue({
                code: 'custom',
                path: at('approval', 'approvers', i),
                message: `GitHub has no managers: "${level.connection}" is a github connection; use app-owner, a named user or a group`,
              });
            // Atlassian accounts have no managers either.
            if (
              approver === 'manager' &&
              typeof level.connection === 'string' &&
              typeOf(level.connection) === 'atlassian'
            )
              ctx.addIssue({
                code: 'custom',
                path: at('approval', 'approvers', i),
                message: `Atlassian accounts have no managers: "${level.connection}" is an atlassian connection; use app-owner, a named user or a group`,
              });
            // Leasehold does not read managers from the AWS Identity Store.
            if (approver === 'manager' && typeof level.connection === 'string' && typeOf(level.connection) === 'aws')
              ctx.addIssue({
                code: 'custom',
                path: at('approval', 'approvers', i),
                message: `Leasehold reads no managers from AWS: "${level.connection}" is an aws connection; use app-owner, a named user or a group`,
              });
          });
        });
      });
      for (const issue of reviewProblems(doc as Record<string, unknown>, directory))
        ctx.addIssue({ code: 'custom', ...issue });
    },
    { when: () => true },
  );

const CONNECTION_TYPES: readonly string[] = ['okta', 'entra', 'jira', 'atlassian', 'github', 'google', 'aws'];
/** Connection types whose groups a level can grant (identity providers). */
const DIRECTORY_TYPES: readonly string[] = ['okta', 'entra', 'atlassian', 'github', 'google', 'aws'];

export type RulesDocument = z.infer<typeof rulesDocumentSchema>;
export type RulesDocumentInput = z.input<typeof rulesDocumentSchema>;
export type Connection = z.infer<typeof connectionSchema>;
export type OktaConnection = z.infer<typeof oktaConnectionSchema>;
export type EntraConnection = z.infer<typeof entraConnectionSchema>;
export type JiraConnection = z.infer<typeof jiraConnectionSchema>;
export type AtlassianConnection = z.infer<typeof atlassianConnectionSchema>;
export type GitHubConnection = z.infer<typeof githubConnectionSchema>;
export type GoogleConnection = z.infer<typeof googleConnectionSchema>;
export type AwsConnection = z.infer<typeof awsConnectionSchema>;
export type SecretRef = z.infer<typeof secretRefSchema>;
export type SlackSettings = z.infer<typeof slackSchema>;
export type Application = z.infer<typeof applicationSchema>;
export type AccessLevel = z.infer<typeof accessLevelSchema>;
export type Approver = z.infer<typeof approverSchema>;
export type ApprovalPolicy = z.infer<typeof approvalPolicySchema>;
export type Portal = z.infer<typeof portalSchema>;
export type Decision = keyof z.infer<typeof statusMappingSchema>;
export type RiskTier = AccessLevel['risk'];
