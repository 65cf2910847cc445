import { createHash } from 'node:crypto';
import type { DirectoryGroup, DirectoryUser } from './directory';
import type { Entity } from './odata';

/** Properties of microsoft.graph.user the sandbox serves (`$select`-able). */
export const userProperties = [
  'id',
  'businessPhones',
  'displayName',
  'givenName',
  'jobTitle',
  'mail',
  'mobilePhone',
  'officeLocation',
  'preferredLanguage',
  'surname',
  'userPrincipalName',
  'accountEnabled',
  'department',
  'signInActivity',
] as const;

/** What Graph returns for a user without `$select` (not `department`, `accountEnabled`, `signInActivity`). */
export const userDefaultProperties = [
  'businessPhones',
  'displayName',
  'givenName',
  'jobTitle',
  'mail',
  'mobilePhone',
  'officeLocation',
  'preferredLanguage',
  'surname',
  'userPrincipalName',
  'id',
] as const;

/** User properties `$filter` accepts in the sandbox. */
export const userFilterable = [
  'id',
  'displayName',
  'givenName',
  'surname',
  'mail',
  'userPrincipalName',
  'jobTitle',
  'department',
  'accountEnabled',
] as const;

export const groupProperties = [
  'id',
  'deletedDateTime',
  'classification',
  'createdDateTime',
  'creationOptions',
  'description',
  'displayName',
  'expirationDateTime',
  'groupTypes',
  'isAssignableToRole',
  'mail',
  'mailEnabled',
  'mailNickname',
  'membershipRule',
  'membershipRuleProcessingState',
  'preferredDataLocation',
  'preferredLanguage',
  'proxyAddresses',
  'renewedDateTime',
  'resourceBehaviorOptions',
  'resourceProvisioningOptions',
  'securityEnabled',
  'securityIdentifier',
  'theme',
  'visibility',
] as const;

export const groupFilterable = ['id', 'displayName', 'mailNickname', 'securityEnabled', 'mailEnabled'] as const;

/** The full microsoft.graph.user of a directory user (callers project it per `$select`). */
export function userResource(user: DirectoryUser): Entity {
  return {
    id: user.id,
    businessPhones: [],
    displayName: user.displayName,
    givenName: user.givenName,
    jobTitle: user.jobTitle,
    mail: user.mail,
    mobilePhone: null,
    officeLocation: null,
    preferredLanguage: null,
    surname: user.surname,
    userPrincipalName: user.userPrincipalName,
    accountEnabled: user.accountEnabled,
    department: user.department ?? null,
    signInActivity: user.lastSignInDateTime
      ? {
          lastSignInDateTime: user.lastSignInDateTime,
          lastSignInRequestId: stableId(`${user.id}:interactive`),
          lastNonInteractiveSignInDateTime: user.lastSignInDateTime,
          lastNonInteractiveSignInRequestId: stableId(`${user.id}:non-interactive`),
          lastSuccessfulSignInDateTime: user.lastSignInDateTime,
          lastSuccessfulSignInRequestId: stableId(`${user.id}:interactive`),
        }
      : null,
  };
}

/** The microsoft.graph.group of a directory group: a cloud security group. */
export function groupResource(group: DirectoryGroup): Entity {
  return {
    id: group.id,
    deletedDateTime: null,
    classification: null,
    createdDateTime: group.createdDateTime,
    creationOptions: [],
    description: group.description,
    displayName: group.displayName,
    expirationDateTime: null,
    groupTypes: [],
    isAssignableToRole: null,
    mail: null,
    mailEnabled: false,
    mailNickname: group.mailNickname,
    membershipRule: null,
    membershipRuleProcessingState: null,
    preferredDataLocation: null,
    preferredLanguage: null,
    proxyAddresses: [],
    renewedDateTime: group.createdDateTime,
    resourceBehaviorOptions: [],
    resourceProvisioningOptions: [],
    securityEnabled: true,
    securityIdentifier: securityIdentifier(group.id),
    theme: null,
    visibility: null,
  };
}

/** A GUID-shaped id derived from `seed` (stable across calls). */
function stableId(seed: string): string {
  const h = createHash('sha256').update(seed).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-8${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/** Entra's `S-1-12-1-…` SID of an object id: the GUID's bytes as four little-endian 32-bit numbers. */
function securityIdentifier(objectId: string): string {
  const hex = objectId.replace(/-/g, '');
  const bytes = Buffer.from(hex, 'hex');
  // GUID byte order: the first three fields are little-endian.
  const guidBytes = Buffer.concat([
    Buffer.from(bytes.subarray(0, 4)).reverse(),
    Buffer.from(bytes.subarray(4, 6)).reverse(),
    Buffer.from(bytes.subarray(6, 8)).reverse(),
    bytes.subarray(8),
  ]);
  const parts = [0, 4, 8, 12].map((o) => guidBytes.readUInt32LE(o));
  return `S-1-12-1-${parts.join('-')}`;
}
