/**
 * The sample organisation in GitHub, Google Workspace and AWS IAM Identity Center: the accounts of the
 * sample people (see sample-data.ts) in each service, and its groups, teams and permission sets.
 */

/** A GitHub account of a sample person. */
export interface SampleGitHubUser {
  handle: string;
  login: string;
  /** GitHub account id (numeric, stable across renames). */
  id: number;
  /** Whether the person belongs to the sample organisation (adding anyone else to a team invites them: pending). */
  orgMember: boolean;
  /** Whether the profile shows the email publicly (only then does GitHub's user search find it). */
  publicEmail: boolean;
}

/** A team of the sample GitHub organisation. */
export interface SampleGitHubTeam {
  id: number;
  slug: string;
  name: string;
  description: string;
  /** Handles of members at start (pre-existing memberships). */
  members: string[];
  /** Handles of maintainers at start. */
  maintainers?: string[];
  /** Set when the team is synchronized with an identity-provider group: its memberships cannot be changed. */
  idpGroup?: string;
}

/** The sample GitHub organisation: accounts of the sample people (Mallory has none), and teams. */
export const sampleGitHub = {
  org: { login: 'example-org', id: 90000001, name: 'Example Org' },
  users: [
    { handle: 'alice', login: 'alice-anders', id: 51000001, orgMember: true, publicEmail: true },
    { handle: 'bob', login: 'bob-baker', id: 51000002, orgMember: true, publicEmail: true },
    { handle: 'carol', login: 'carol-chen', id: 51000003, orgMember: true, publicEmail: true },
    { handle: 'dave', login: 'dave-diaz', id: 51000004, orgMember: true, publicEmail: true },
    // Private email (found through the rules' explicit `logins` mapping only), and not in the organisation
    // yet: a team membership for Erin is pending until she accepts the invitation.
    { handle: 'erin', login: 'erin-evans', id: 51000005, orgMember: false, publicEmail: false },
    { handle: 'frank', login: 'frank-fischer', id: 51000006, orgMember: true, publicEmail: true },
  ] satisfies SampleGitHubUser[] as readonly SampleGitHubUser[],
  teams: [
    { id: 7100001, slug: 'platform', name: 'Platform', description: 'Platform engineering', members: ['bob'] },
    {
      id: 7100002,
      slug: 'security',
      name: 'Security',
      description: 'Security engineering',
      members: [],
      maintainers: ['dave'],
    },
    {
      id: 7100003,
      slug: 'engineering',
      name: 'Engineering',
      description: 'All engineers (synchronized with the Okta group Engineering)',
      members: ['alice', 'bob', 'carol'],
      idpGroup: 'Okta: Engineering',
    },
  ] satisfies SampleGitHubTeam[] as readonly SampleGitHubTeam[],
} as const;

/** A Google Workspace group of the sample domain. */
export interface SampleGoogleGroup {
  /** The group's unique id (Google: 15 characters). */
  id: string;
  /** The group's email (what rules name as the level's group, and the Directory API's `groupKey`). */
  email: string;
  name: string;
  description: string;
  /** Members at start (pre-existing memberships): handles of sample people, or emails of other groups (nested). */
  members: string[];
}

/**
 * The sample Google Workspace domain: the sample people's accounts (Mallory has none; Dave is the super
 * administrator the service account impersonates through domain-wide delegation), and groups.
 */
export const sampleGoogle = {
  domain: 'example.com',
  customerId: 'C03az79cb',
  /** Handles of the super administrators (a delegated token of anyone else cannot use the Directory API). */
  admins: ['dave'],
  /** Google user ids (21 digits) of the sample people. */
  userIds: {
    alice: '104200000000000000001',
    bob: '104200000000000000002',
    carol: '104200000000000000003',
    dave: '104200000000000000004',
    erin: '104200000000000000005',
    frank: '104200000000000000006',
  } as Readonly<Record<string, string>>,
  groups: [
    {
      id: '03oncall0000001',
      email: 'eng-oncall@example.com',
      name: 'Engineering on-call',
      description: 'The on-call rota (pages, production access)',
      members: ['carol'],
    },
    {
      id: '03finread000002',
      email: 'finance-readers@example.com',
      name: 'Finance readers',
      description: 'Read access to the finance shared drive',
      members: ['erin'],
    },
    {
      id: '03engineer00003',
      email: 'engineering@example.com',
      name: 'Engineering',
      description: 'All engineers; holds the on-call group (nested)',
      members: ['bob', 'eng-oncall@example.com'],
    },
  ] satisfies SampleGoogleGroup[] as readonly SampleGoogleGroup[],
} as const;

/** A group of the sample AWS IAM Identity Center identity store. */
export interface SampleAwsGroup {
  /** The GroupId (the identity store's prefix and a UUID). */
  id: string;
  /** The DisplayName (what rules name as the level's group). */
  name: string;
  description: string;
  /** Handles of members at start (pre-existing memberships). */
  members: string[];
}

/** A permission set of the sample IAM Identity Center instance (what sso-admin `DescribePermissionSet` answers). */
export interface SampleAwsPermissionSet {
  arn: string;
  name: string;
  description: string;
  /** ISO 8601 duration: how long a session issued through it lasts (AWS: 1 to 12 hours). */
  sessionDuration: string;
}

/**
 * The sample AWS IAM Identity Center: its identity store (the sample people's users, Mallory has none)
 * and groups, and the instance's permission sets. `userName` is the person's handle; the primary
 * email is their address.
 */
export const sampleAws = {
  accountId: '111122223333',
  region: 'us-east-1',
  identityStoreId: 'd-9067c0ffee',
  instanceArn: 'arn:aws:sso:::instance/ssoins-7223c0ffee000001',
  /** UserIds of the sample people. */
  userIds: {
    alice: '9067c0ffee-a11ce000-0000-4000-8000-000000000001',
    bob: '9067c0ffee-b0b00000-0000-4000-8000-000000000002',
    carol: '9067c0ffee-ca201000-0000-4000-8000-000000000003',
    dave: '9067c0ffee-da7e0000-0000-4000-8000-000000000004',
    erin: '9067c0ffee-e2140000-0000-4000-8000-000000000005',
    frank: '9067c0ffee-f2a40000-0000-4000-8000-000000000006',
  } as Readonly<Record<string, string>>,
  groups: [
    {
      id: '9067c0ffee-9a000000-0000-4000-8000-00000000a001',
      name: 'AWS-Developers',
      description: 'Developer access to the sandbox accounts',
      members: ['bob'],
    },
    {
      id: '9067c0ffee-9a000000-0000-4000-8000-00000000a002',
      name: 'AWS-ProdReadOnly',
      description: 'Read-only access to production',
      members: [],
    },
  ] satisfies SampleAwsGroup[] as readonly SampleAwsGroup[],
  permissionSets: [
    {
      arn: 'arn:aws:sso:::permissionSet/ssoins-7223c0ffee000001/ps-0de7e10be7000001',
      name: 'DeveloperAccess',
      description: 'Developers in the sandbox accounts',
      sessionDuration: 'PT1H',
    },
    {
      arn: 'arn:aws:sso:::permissionSet/ssoins-7223c0ffee000001/ps-0de7e10be7000002',
      name: 'ProdReadOnly',
      description: 'Read-only in production',
      sessionDuration: 'PT4H',
    },
  ] satisfies SampleAwsPermissionSet[] as readonly SampleAwsPermissionSet[],
} as const;

/** A public channel of the sample Slack workspace. */
export interface SampleSlackChannel {
  id: string;
  /** Without `#`. */
  name: string;
  /** Whether the Leasehold bot is a member (it may post only where it is: the app has no `chat:write.public`). */
  botMember: boolean;
  /** Handles of the human members. */
  members: string[];
}

/**
 * The sample Slack workspace: every sample person is a member (the Leasehold bot is the app's bot user),
 * with the email of their directory accounts; the app's bot is in `#access-approvals` but not in `#general`.
 */
export const sampleSlack = {
  team: { id: 'T0LEASEHLD', name: 'Example Org', domain: 'example-org' },
  /** The Slack app (`api_app_id`) and its bot (`bot_id`); the bot's user is the sample person `leasehold`. */
  appId: 'A0LEASEHLD',
  botId: 'B0LEASEBOT',
  botHandle: 'leasehold',
  /** Slack user ids of the sample people. */
  userIds: {
    alice: 'U0ALICE01',
    bob: 'U0BOB0001',
    carol: 'U0CAROL01',
    dave: 'U0DAVE001',
    erin: 'U0ERIN001',
    frank: 'U0FRANK01',
    mallory: 'U0MALLORY',
    leasehold: 'U0LEASEBOT',
  } as Readonly<Record<string, string>>,
  channels: [
    {
      id: 'C0APPROVALS',
      name: 'access-approvals',
      botMember: true,
      members: ['bob', 'carol', 'dave'],
    },
    {
      id: 'C0GENERAL1',
      name: 'general',
      botMember: false,
      members: ['alice', 'bob', 'carol', 'dave', 'erin', 'frank', 'mallory'],
    },
  ] satisfies SampleSlackChannel[] as readonly SampleSlackChannel[],
} as const;
