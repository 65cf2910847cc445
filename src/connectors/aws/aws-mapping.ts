import type { DescribeUserCommandOutput } from '@aws-sdk/client-identitystore';
import type { DirectoryUser } from '../identity-provider';
import { describeDuration, type SessionBound } from './session-bound';

/** Identity Store resource ids: an optional 10-character store prefix, then a UUID. */
export const RESOURCE_ID =
  /^([0-9a-f]{10}-|)[A-Fa-f0-9]{8}-[A-Fa-f0-9]{4}-[A-Fa-f0-9]{4}-[A-Fa-f0-9]{4}-[A-Fa-f0-9]{12}$/;

/** The evidence note of a removal: what was deleted, and when access is certainly gone. */
export function removalNote(deleted: string, bound: SessionBound, goneBy: string): string {
  return `${deleted}; AWS sessions already issued stay valid up to the session duration (${describeDuration(bound.ms)}, from ${bound.source}): access certainly gone by ${goneBy}`;
}

export function toDirectoryUser(user: DescribeUserCommandOutput): DirectoryUser {
  const emails = user.Emails ?? [];
  const email = (emails.find((e) => e.Primary) ?? emails[0])?.Value;
  const fullName = [user.Name?.GivenName, user.Name?.FamilyName].filter(Boolean).join(' ');
  return {
    id: user.UserId ?? '',
    login: user.UserName ?? email ?? user.UserId ?? '',
    email: email || undefined,
    displayName: user.DisplayName || fullName || undefined,
    status: user.UserStatus ? String(user.UserStatus) : undefined,
  };
}
