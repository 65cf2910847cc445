import { z } from 'zod';

/** The records of the sandbox Okta org (see directory.ts). */

/** Okta's user lifecycle statuses. */
export const OKTA_USER_STATUSES = [
  'STAGED',
  'PROVISIONED',
  'ACTIVE',
  'RECOVERY',
  'PASSWORD_EXPIRED',
  'LOCKED_OUT',
  'SUSPENDED',
  'DEPROVISIONED',
] as const;
export type OktaUserStatus = (typeof OKTA_USER_STATUSES)[number];
export type OktaGroupType = 'OKTA_GROUP' | 'APP_GROUP' | 'BUILT_IN';

/** A user as the sandbox org holds it (the wire shape is built in resources.ts). */
export interface OktaUserRecord {
  id: string;
  status: OktaUserStatus;
  created: string;
  activated: string | null;
  statusChanged: string | null;
  lastLogin: string | null;
  lastUpdated: string;
  passwordChanged: string | null;
  profile: {
    login: string;
    email: string;
    firstName: string;
    lastName: string;
    displayName: string;
    title?: string;
    department?: string;
    /** The manager's Okta user id. */
    managerId?: string;
    /** The manager's login. */
    manager?: string;
  };
}

export interface OktaGroupRecord {
  id: string;
  type: OktaGroupType;
  name: string;
  description: string;
  created: string;
  lastUpdated: string;
  lastMembershipUpdated: string;
  /** APP_GROUP only: the app instance the group is imported from. */
  sourceAppId?: string;
}

/** One membership change that really changed the org (idempotent repeats are not recorded). */
export interface MembershipChange {
  at: string;
  op: 'add' | 'remove';
  groupId: string;
  userId: string;
}

/** What tests and the admin API may add to the org: a user beyond the sample people. */
export const newOktaUserSchema = z
  .object({
    login: z.string().min(3),
    email: z.email().optional(),
    firstName: z.string().min(1),
    lastName: z.string().min(1),
    title: z.string().optional(),
    department: z.string().optional(),
    status: z.enum(OKTA_USER_STATUSES).default('ACTIVE'),
    /** Manager by Okta id or login. */
    manager: z.string().optional(),
    lastLogin: z.iso.datetime().nullable().default(null),
    /** Groups (id or name) the user starts in; `Everyone` is implied. */
    groups: z.array(z.string()).default([]),
  })
  .strict();

export type NewOktaUser = z.input<typeof newOktaUserSchema>;
