/**
 * The sample organisation every sandbox is loaded with: the same people exist in the sandbox Jira,
 * Okta and Entra ID (with each service's own kind of id), so a request can travel end to end.
 * These are demo credentials for loopback sandboxes, printed by `npm start`; they open nothing real.
 * The same people in GitHub, Google Workspace and AWS are in sample-services.ts (re-exported here).
 */

export * from './sample-services';

export interface SamplePerson {
  /** Short handle used in tests and docs: `alice`. */
  handle: string;
  email: string;
  firstName: string;
  lastName: string;
  title: string;
  /** Department: Okta `profile.department`, Graph `department` (what an access review shows beside the title). */
  department: string;
  /** Jira Cloud accountId (opaque, as in real Jira). */
  jiraAccountId: string;
  /** Jira API token for basic auth `email:apiToken` in the sandbox Jira. */
  jiraApiToken: string;
  /** Okta user id (`00u…`), or undefined when the person has no Okta account. */
  oktaId?: string;
  /** Entra ID object id (GUID), or undefined when the person has no Entra account. */
  entraId?: string;
  /** Handle of the person's manager in the directories. */
  managerHandle?: string;
  /** Last sign-in (ISO 8601), as Okta `lastLogin` and Graph `signInActivity.lastSignInDateTime`. */
  lastLogin?: string;
}

const person = (p: SamplePerson): SamplePerson => p;

export const samplePeople: readonly SamplePerson[] = [
  person({
    handle: 'alice',
    email: 'alice@example.com',
    firstName: 'Alice',
    lastName: 'Anders',
    title: 'Software Engineer',
    department: 'Engineering',
    jiraAccountId: '5b10a2844c20165700ede21a',
    jiraApiToken: 'alice-sandbox-token',
    oktaId: '00ualice000000000001',
    entraId: 'a11ce000-0000-4000-8000-000000000001',
    managerHandle: 'bob',
    lastLogin: '2026-11-20T09:12:00.000Z',
  }),
  person({
    handle: 'bob',
    email: 'bob@example.com',
    firstName: 'Bob',
    lastName: 'Baker',
    title: 'Engineering Manager',
    department: 'Engineering',
    jiraAccountId: '5b10a2844c20165700ede21b',
    jiraApiToken: 'bob-sandbox-token',
    oktaId: '00ubob00000000000002',
    entraId: 'b0b00000-0000-4000-8000-000000000002',
    managerHandle: 'dave',
    lastLogin: '2026-11-21T08:30:00.000Z',
  }),
  person({
    handle: 'carol',
    email: 'carol@example.com',
    firstName: 'Carol',
    lastName: 'Chen',
    title: 'Application Owner',
    department: 'IT',
    jiraAccountId: '5b10a2844c20165700ede21c',
    jiraApiToken: 'carol-sandbox-token',
    oktaId: '00ucarol000000000003',
    entraId: 'ca201000-0000-4000-8000-000000000003',
    managerHandle: 'dave',
    lastLogin: '2026-11-22T14:05:00.000Z',
  }),
  person({
    handle: 'dave',
    email: 'dave@example.com',
    firstName: 'Dave',
    lastName: 'Diaz',
    title: 'Security Administrator',
    department: 'Security',
    jiraAccountId: '5b10a2844c20165700ede21d',
    jiraApiToken: 'dave-sandbox-token',
    oktaId: '00udave0000000000004',
    entraId: 'da7e0000-0000-4000-8000-000000000004',
    lastLogin: '2026-11-22T16:40:00.000Z',
  }),
  person({
    handle: 'erin',
    email: 'erin@example.com',
    firstName: 'Erin',
    lastName: 'Evans',
    title: 'Data Analyst',
    department: 'Finance',
    jiraAccountId: '5b10a2844c20165700ede21e',
    jiraApiToken: 'erin-sandbox-token',
    oktaId: '00uerin0000000000005',
    entraId: 'e2140000-0000-4000-8000-000000000005',
    managerHandle: 'bob',
    lastLogin: '2026-08-02T10:00:00.000Z',
  }),
  person({
    handle: 'frank',
    email: 'frank@example.com',
    firstName: 'Frank',
    lastName: 'Fischer',
    title: 'Contractor',
    department: 'IT',
    jiraAccountId: '5b10a2844c20165700ede21f',
    jiraApiToken: 'frank-sandbox-token',
    oktaId: '00ufrank000000000006',
    entraId: 'f2a40000-0000-4000-8000-000000000006',
    managerHandle: 'carol',
  }),
  // In Jira but in neither directory: requests from Mallory must fail fast as "unknown user".
  person({
    handle: 'mallory',
    email: 'mallory@example.com',
    firstName: 'Mallory',
    lastName: 'Moss',
    title: 'Visitor',
    department: 'External',
    jiraAccountId: '5b10a2844c20165700ede220',
    jiraApiToken: 'mallory-sandbox-token',
  }),
  // The account Leasehold itself uses in Jira to comment and transition.
  person({
    handle: 'leasehold',
    email: 'leasehold-bot@example.com',
    firstName: 'Leasehold',
    lastName: 'Bot',
    title: 'Automation',
    department: 'IT',
    jiraAccountId: '5b10a2844c20165700ede2ff',
    jiraApiToken: 'leasehold-sandbox-token',
  }),
];

export function samplePerson(handle: string): SamplePerson {
  const found = samplePeople.find((p) => p.handle === handle);
  if (!found) throw new Error(`no sample person ${handle}`);
  return found;
}

export interface SampleGroup {
  id: string;
  name: string;
  description: string;
  /** Handles of members at start (pre-existing memberships). */
  members: string[];
  /** Okta only: `APP_GROUP`s are imported from an app and cannot be changed through the API. */
  type?: 'OKTA_GROUP' | 'APP_GROUP' | 'BUILT_IN';
}

export const sampleOktaGroups: readonly SampleGroup[] = [
  {
    id: '00gjirasoftware00001',
    name: 'jira-software-users',
    description: 'Jira Software users',
    members: ['bob', 'erin'],
  },
  { id: '00gconfluence0000002', name: 'confluence-users', description: 'Confluence users', members: ['bob', 'carol'] },
  { id: '00ggithubadmins00003', name: 'github-admins', description: 'GitHub organisation admins', members: ['dave'] },
  { id: '00gawsprodread000004', name: 'aws-prod-readonly', description: 'AWS production read-only', members: [] },
  { id: '00gawsprodadmin00005', name: 'aws-prod-admin', description: 'AWS production administrators', members: [] },
  {
    id: '00gsalesforceapp0006',
    name: 'salesforce-imported',
    description: 'Imported from the Salesforce app',
    members: ['carol'],
    type: 'APP_GROUP',
  },
  {
    id: '00geveryone000000007',
    name: 'Everyone',
    description: 'All users in your organization',
    members: ['alice', 'bob', 'carol', 'dave', 'erin', 'frank'],
    type: 'BUILT_IN',
  },
];

export const sampleEntraGroups: readonly SampleGroup[] = [
  {
    id: '5f000000-0000-4000-8000-00000000a001',
    name: 'SF-Admin',
    description: 'Salesforce administrators',
    members: ['carol'],
  },
  {
    id: '5f000000-0000-4000-8000-00000000a002',
    name: 'SF-User',
    description: 'Salesforce users',
    members: ['bob', 'carol', 'erin'],
  },
  {
    id: '5f000000-0000-4000-8000-00000000a003',
    name: 'Finance-Reports',
    description: 'Finance reporting (Power BI)',
    members: [],
  },
  {
    id: '5f000000-0000-4000-8000-00000000a004',
    name: 'Azure-Prod-Contributors',
    description: 'Azure production subscription contributors',
    members: ['dave'],
  },
];

/** A group of the Atlassian site (Jira Cloud's group API): product access to Jira, Confluence, Bitbucket. */
export interface SampleAtlassianGroup {
  /** The group's `groupId` (a UUID on Atlassian sites). */
  id: string;
  name: string;
  /** Handles of members at start (pre-existing memberships). */
  members: string[];
  /** Set when the group is synced from an identity provider (SCIM): the site cannot change it. */
  syncedFrom?: string;
}

export const sampleAtlassianGroups: readonly SampleAtlassianGroup[] = [
  { id: '6e1a5c3e-7a1f-4b5d-9c00-00000000a701', name: 'jira-software-users', members: ['bob', 'erin'] },
  { id: '6e1a5c3e-7a1f-4b5d-9c00-00000000a702', name: 'confluence-users', members: ['bob', 'carol'] },
  { id: '6e1a5c3e-7a1f-4b5d-9c00-00000000a703', name: 'bitbucket-users', members: ['carol'] },
  {
    id: '6e1a5c3e-7a1f-4b5d-9c00-00000000a704',
    name: 'okta-engineering',
    members: ['alice', 'bob'],
    syncedFrom: 'Okta (SCIM user provisioning)',
  },
];

/** Sandbox service credentials (loopback demo values). */
export const sandboxCredentials = {
  jira: {
    email: 'leasehold-bot@example.com',
    apiToken: 'leasehold-sandbox-token',
    webhookSecret: 'sandbox-webhook-secret',
  },
  okta: { token: 'sandbox-okta-api-token' },
  entra: {
    tenantId: '7e4a0000-0000-4000-8000-00000000beef',
    clientId: '1ea5e401-0000-4000-8000-000000000001',
    clientSecret: 'sandbox-entra-secret',
  },
  github: {
    /** Full access: an organisation owner's fine-grained token (Members: read and write). */
    token: 'sandbox-github-token',
    /** Members: read only; membership changes answer 403. */
    readOnlyToken: 'sandbox-github-readonly-token',
    /** The sandbox GitHub App and its installation on the organisation (its key is made at each start). */
    appId: '424242',
    installationId: '4242001',
  },
  google: {
    /** The sandbox service account (its key pair is made at each start: `GoogleSandbox.serviceAccountKey`). */
    clientEmail: 'leasehold@leasehold-sandbox.iam.gserviceaccount.com',
    /** The OAuth client id that domain-wide delegation is granted to. */
    clientId: '109876543210987654321',
    projectId: 'leasehold-sandbox',
    /** The administrator the service account acts as. */
    subject: 'dave@example.com',
  },
  aws: {
    /** An IAM user's access key allowed every identitystore and sso DescribePermissionSet action. */
    accessKeyId: 'AKIASANDBOXLEASEHOLD',
    secretAccessKey: 'sandbox/aws/Leasehold+SecretAccessKey0001',
    /** A read-only IAM user's access key: Get*, Describe*, List* only; membership writes are denied. */
    readOnlyAccessKeyId: 'AKIASANDBOXREADONLY1',
    readOnlySecretAccessKey: 'sandbox/aws/Leasehold+ReadOnlyKey00000002',
  },
  slack: {
    /** The app's bot token (`Authorization: Bearer xoxb-…`); scopes chat:write, im:write, users:read, users:read.email. */
    botToken: 'xoxb-sandbox-leasehold-bot-token',
    /** Signs interaction deliveries (`X-Slack-Signature: v0=…`), as Bolt's `signingSecret` checks them. */
    signingSecret: 'sandbox-slack-signing-secret',
    /** The legacy verification token in each interaction payload's `token` (deprecated by Slack; not a secret to rely on). */
    verificationToken: 'sandbox-slack-verification-token',
  },
} as const;
