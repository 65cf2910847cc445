import type { OktaGroupRecord, OktaUserRecord } from './directory';

/** Every sandbox user has the org's default user type, as in an org without custom types. */
export const DEFAULT_USER_TYPE_ID = 'oty1sandboxdefault00';

interface Href {
  href: string;
}

/** The User object of the Management API (`GET /api/v1/users/{id}`), links absolute to `baseUrl`. */
export interface OktaUserJson extends Omit<OktaUserRecord, 'profile'> {
  type: { id: string };
  profile: Record<string, string | null>;
  credentials: { password: Record<string, never>; provider: { type: 'OKTA'; name: 'OKTA' } };
  _links: { self: Href };
}

/** The Group object of the Management API (`GET /api/v1/groups/{id}`). */
export interface OktaGroupJson {
  id: string;
  created: string;
  lastUpdated: string;
  lastMembershipUpdated: string;
  objectClass: string[];
  type: string;
  profile: { name: string; description: string };
  source?: { id: string };
  _links: { logo: (Href & { name: string; type: string })[]; users: Href; apps: Href; source?: Href };
}

export function userJson(user: OktaUserRecord, baseUrl: string): OktaUserJson {
  const { profile, ...top } = user;
  const { login, email, firstName, lastName, ...rest } = profile;
  return {
    ...top,
    type: { id: DEFAULT_USER_TYPE_ID },
    // Okta lists the base attributes first and sends the unset phone/second email as null.
    profile: { firstName, lastName, mobilePhone: null, secondEmail: null, login, email, ...rest },
    credentials: { password: {}, provider: { type: 'OKTA', name: 'OKTA' } },
    _links: { self: { href: `${baseUrl}/api/v1/users/${user.id}` } },
  };
}

export function groupJson(group: OktaGroupRecord, baseUrl: string): OktaGroupJson {
  const logoKind = group.type === 'APP_GROUP' ? 'app' : 'okta';
  const json: OktaGroupJson = {
    id: group.id,
    created: group.created,
    lastUpdated: group.lastUpdated,
    lastMembershipUpdated: group.lastMembershipUpdated,
    objectClass: [group.type === 'APP_GROUP' ? 'okta:app_group' : 'okta:user_group'],
    type: group.type,
    profile: { name: group.name, description: group.description },
    _links: {
      logo: ['medium', 'large'].map((size) => ({
        name: size,
        href: `${baseUrl}/img/logos/groups/${logoKind}-${size}.png`,
        type: 'image/png',
      })),
      users: { href: `${baseUrl}/api/v1/groups/${group.id}/users` },
      apps: { href: `${baseUrl}/api/v1/groups/${group.id}/apps` },
    },
  };
  if (group.sourceAppId) {
    json.source = { id: group.sourceAppId };
    json._links.source = { href: `${baseUrl}/api/v1/apps/${group.sourceAppId}` };
  }
  return json;
}
