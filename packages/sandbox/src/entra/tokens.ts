import { createHash, createHmac, randomUUID, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import type { AppRegistration } from './apps';
import { graphErrors } from './graph-errors';

/** The audience (resource) of Microsoft Graph tokens. */
export const GRAPH_RESOURCE = 'https://graph.microsoft.com';
/** Microsoft Graph's well-known application id, also accepted as resource in a scope. */
export const GRAPH_APP_ID = '00000003-0000-0000-c000-000000000000';

/** What Entra ID gives app-only Graph tokens by default: one hour, less a second. */
export const ACCESS_TOKEN_LIFETIME_SECONDS = 3599;

/** The application a Graph request acts as, read from its access token. */
export interface AppPrincipal {
  clientId: string;
  displayName: string;
  roles: readonly string[];
}

const claimsSchema = z.object({
  aud: z.string(),
  tid: z.string(),
  appid: z.string(),
  app_displayname: z.string(),
  roles: z.array(z.string()).default([]),
  exp: z.number(),
  nbf: z.number(),
});

/**
 * Issues and checks app-only access tokens. Tokens are JWT-shaped (HS256 with a key derived from the
 * tenant, so they stay valid across sandbox restarts) and carry the app's roles at issue time, as
 * Entra ID's do: a permission granted later needs a new token.
 */
export class TokenService {
  private readonly key: Buffer;
  private readonly issued = new Map<string, number>();

  constructor(
    private readonly tenantId: string,
    private readonly now: () => number = Date.now,
  ) {
    this.key = createHash('sha256').update(`leasehold-sandbox-entra:${tenantId}`).digest();
  }

  issue(app: AppRegistration): { accessToken: string; expiresIn: number } {
    const iat = Math.floor(this.now() / 1000);
    const issuer = `https://sts.windows.net/${this.tenantId}/`;
    const header = { typ: 'JWT', alg: 'HS256', kid: 'leasehold-sandbox' };
    const claims = {
      aud: GRAPH_RESOURCE,
      iss: issuer,
      iat,
      nbf: iat,
      exp: iat + ACCESS_TOKEN_LIFETIME_SECONDS,
      app_displayname: app.displayName,
      appid: app.clientId,
      appidacr: '1',
      idp: issuer,
      idtyp: 'app',
      oid: app.servicePrincipalId,
      roles: [...app.roles],
      sub: app.servicePrincipalId,
      tid: this.tenantId,
      uti: randomUUID().replace(/-/g, ''),
      ver: '1.0',
    };
    const unsigned = `${base64url(header)}.${base64url(claims)}`;
    this.issued.set(app.clientId, (this.issued.get(app.clientId) ?? 0) + 1);
    return { accessToken: `${unsigned}.${this.sign(unsigned)}`, expiresIn: ACCESS_TOKEN_LIFETIME_SECONDS };
  }

  /** Tokens issued so far, per client id. */
  issuedCounts(): Record<string, number> {
    return Object.fromEntries(this.issued);
  }

  resetCounts(): void {
    this.issued.clear();
  }

  /** The principal of an `Authorization` header value; throws Graph's 401 InvalidAuthenticationToken. */
  verify(authorization: string | undefined): AppPrincipal {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? '');
    if (!match) throw graphErrors.invalidToken('Access token is empty.');
    const parts = match[1]!.split('.');
    if (parts.length !== 3) throw graphErrors.invalidToken('Access token validation failure. Invalid audience.');
    const [header, payload, signature] = parts as [string, string, string];
    const expected = Buffer.from(this.sign(`${header}.${payload}`));
    const actual = Buffer.from(signature);
    if (expected.length !== actual.length || !timingSafeEqual(expected, actual)) {
      throw graphErrors.invalidToken('Access token validation failure. Invalid signature.');
    }
    let decoded: unknown;
    try {
      decoded = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
    } catch {
      throw graphErrors.invalidToken('Access token validation failure.');
    }
    const claims = claimsSchema.safeParse(decoded);
    if (!claims.success) throw graphErrors.invalidToken('Access token validation failure.');
    const { aud, tid, exp, nbf } = claims.data;
    if (aud !== GRAPH_RESOURCE && aud !== GRAPH_APP_ID)
      throw graphErrors.invalidToken('Access token validation failure. Invalid audience.');
    if (tid !== this.tenantId) throw graphErrors.invalidToken('Access token validation failure. Invalid issuer.');
    const nowSeconds = this.now() / 1000;
    if (exp <= nowSeconds) throw graphErrors.invalidToken('Lifetime validation failed, the token is expired.');
    if (nbf > nowSeconds + 300)
      throw graphErrors.invalidToken('Lifetime validation failed, the token is not yet valid.');
    return { clientId: claims.data.appid, displayName: claims.data.app_displayname, roles: claims.data.roles };
  }

  private sign(unsigned: string): string {
    return createHmac('sha256', this.key).update(unsigned).digest('base64url');
  }
}

function base64url(value: unknown): string {
  return Buffer.from(JSON.stringify(value), 'utf8').toString('base64url');
}
