import type { Group, User } from '@okta/okta-sdk-nodejs';
import type { DirectoryGroup, DirectoryUser } from '../identity-provider';
import { ConnectorError } from '../connector-error';

/** From the Okta SDK's models and collections to Leasehold's directory types. */

export async function collect<T>(collection: AsyncIterable<T | null>): Promise<T[]> {
  const items: T[] = [];
  for await (const item of collection) if (item) items.push(item);
  return items;
}

/** A string literal of Okta's filter language: double quotes, with `\` and `"` escaped. */
export function filterString(value: string): string {
  return `"${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

export function pickByName(groups: readonly Group[], name: string): Group | undefined {
  const exact = groups.filter((g) => g.profile?.name === name);
  const candidates =
    exact.length > 0 ? exact : groups.filter((g) => g.profile?.name?.toLowerCase() === name.toLowerCase());
  if (candidates.length > 1) {
    throw new ConnectorError(
      'permanent',
      `${candidates.length} Okta groups are named "${name}" (${candidates.map((g) => `${g.id} ${g.type ?? ''}`.trim()).join(', ')}): name the group by its id`,
      { service: 'okta', code: 'AmbiguousGroupName' },
    );
  }
  return candidates[0];
}

export function toDirectoryUser(user: User): DirectoryUser {
  const profile = user.profile;
  const fullName = [profile?.firstName, profile?.lastName].filter(Boolean).join(' ');
  return {
    id: String(user.id),
    login: profile?.login ?? String(user.id),
    email: profile?.email || undefined,
    displayName: profile?.displayName || fullName || undefined,
    status: user.status ? String(user.status) : undefined,
    ...(profile?.department ? { department: profile.department } : {}),
    ...(profile?.title ? { title: profile.title } : {}),
  };
}

export function toDirectoryGroup(group: Group): DirectoryGroup {
  return { id: String(group.id), name: group.profile?.name ?? String(group.id) };
}

export function toDate(value: unknown): Date | undefined {
  if (value === null || value === undefined || value === '') return undefined;
  const date = value instanceof Date ? value : new Date(String(value));
  return Number.isNaN(date.getTime()) ? undefined : date;
}
