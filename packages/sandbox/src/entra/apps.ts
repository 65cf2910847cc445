import { sandboxCredentials } from '../sample-data';

/** Microsoft Graph application permissions (app roles) the sandbox knows about. */
export type GraphPermission =
  | 'User.Read.All'
  | 'User.ReadWrite.All'
  | 'Group.Read.All'
  | 'Group.ReadWrite.All'
  | 'GroupMember.Read.All'
  | 'GroupMember.ReadWrite.All'
  | 'Directory.Read.All'
  | 'Directory.ReadWrite.All'
  | 'AuditLog.Read.All';

/** An app registration with one client secret and its admin-consented application permissions. */
export interface AppRegistration {
  clientId: string;
  displayName: string;
  clientSecret: string;
  /** Service principal object id in the tenant (the token's `oid`). */
  servicePrincipalId: string;
  roles: readonly GraphPermission[];
}

/** Leasehold's own app: may read users, sign-in activity and change group memberships. */
export const leaseholdApp: AppRegistration = {
  clientId: sandboxCredentials.entra.clientId,
  displayName: 'Leasehold',
  clientSecret: sandboxCredentials.entra.clientSecret,
  servicePrincipalId: '5e2f1ce0-0000-4000-8000-000000000001',
  roles: ['GroupMember.ReadWrite.All', 'User.Read.All', 'AuditLog.Read.All'],
};

/** A second app that may only read: used to test "missing Graph permission" (403 on writes). */
export const readOnlyApp: AppRegistration = {
  clientId: '1ea5e401-0000-4000-8000-000000000002',
  displayName: 'Leasehold (read-only)',
  clientSecret: 'sandbox-entra-readonly-secret',
  servicePrincipalId: '5e2f1ce0-0000-4000-8000-000000000002',
  roles: ['GroupMember.Read.All', 'User.Read.All'],
};

export const sandboxApps: readonly AppRegistration[] = [leaseholdApp, readOnlyApp];

/** Any one of these roles grants the operation (Graph's "least privileged ... higher privileged" lists). */
export const permissionsFor = {
  readUsers: ['User.Read.All', 'User.ReadWrite.All', 'Directory.Read.All', 'Directory.ReadWrite.All'],
  readGroups: [
    'GroupMember.Read.All',
    'GroupMember.ReadWrite.All',
    'Group.Read.All',
    'Group.ReadWrite.All',
    'Directory.Read.All',
    'Directory.ReadWrite.All',
  ],
  writeMembers: ['GroupMember.ReadWrite.All', 'Group.ReadWrite.All', 'Directory.ReadWrite.All'],
  readSignInActivity: ['AuditLog.Read.All'],
} as const satisfies Record<string, readonly GraphPermission[]>;

export function findApp(clientId: string): AppRegistration | undefined {
  return sandboxApps.find((app) => app.clientId.toLowerCase() === clientId.toLowerCase());
}

export function hasAnyRole(roles: readonly string[], anyOf: readonly GraphPermission[]): boolean {
  return anyOf.some((role) => roles.includes(role));
}
