import { createHash } from 'node:crypto';
import { sampleGoogle } from '../sample-data';
import type { GoogleDirectory, GoogleGroupRecord, GoogleMembership, GoogleUserRecord } from './directory';

/** The Directory API's JSON for users, groups and members, as `@googleapis/admin` types them. */

function etag(value: unknown): string {
  return `"${createHash('sha1').update(JSON.stringify(value)).digest('base64url')}"`;
}

export function userJson(user: GoogleUserRecord): Record<string, unknown> {
  const body = {
    kind: 'admin#directory#user',
    id: user.id,
    primaryEmail: user.primaryEmail,
    name: {
      givenName: user.givenName,
      familyName: user.familyName,
      fullName: `${user.givenName} ${user.familyName}`.trim(),
    },
    isAdmin: user.isAdmin,
    isDelegatedAdmin: false,
    lastLoginTime: user.lastLoginTime,
    creationTime: user.creationTime,
    agreedToTerms: true,
    suspended: user.suspended,
    archived: false,
    changePasswordAtNextLogin: false,
    ipWhitelisted: false,
    emails: [{ address: user.primaryEmail, primary: true }],
    ...(user.managerEmail ? { relations: [{ value: user.managerEmail, type: 'manager' }] } : {}),
    customerId: sampleGoogle.customerId,
    orgUnitPath: '/',
    isMailboxSetup: true,
    isEnrolledIn2Sv: true,
    isEnforcedIn2Sv: false,
    includeInGlobalAddressList: true,
  };
  return { ...body, etag: etag(body) };
}

export function groupJson(group: GoogleGroupRecord, directory: GoogleDirectory): Record<string, unknown> {
  const body = {
    kind: 'admin#directory#group',
    id: group.id,
    email: group.email,
    name: group.name,
    directMembersCount: String(directory.membersOf(group.email).length),
    description: group.description,
    adminCreated: true,
    nonEditableAliases: [group.email.replace(/@(.*)$/, `@${sampleGoogle.domain}.test-google-a.com`)],
  };
  return { ...body, etag: etag(body) };
}

export function memberJson(member: GoogleMembership, directory: GoogleDirectory): Record<string, unknown> {
  const id = member.type === 'USER' ? directory.findUser(member.email)?.id : directory.findGroup(member.email)?.id;
  const body = {
    kind: 'admin#directory#member',
    id: id ?? member.email,
    email: member.email,
    role: member.role,
    type: member.type,
    status: 'ACTIVE',
  };
  return { ...body, etag: etag(body) };
}
