import { generateKeyPairSync, randomBytes, verify, type KeyObject } from 'node:crypto';
import type { SandboxRequest, SandboxResponse } from '../http';
import { sandboxCredentials } from '../sample-data';
import type { GoogleDirectory } from './directory';
import { googleErrors } from './errors';

/** Google's token endpoint: the `aud` every service-account assertion carries (google-auth-library hard-codes it). */
export const GOOGLE_TOKEN_AUDIENCE = 'https://oauth2.googleapis.com/token';
export const JWT_BEARER_GRANT = 'urn:ietf:params:oauth:grant-type:jwt-bearer';

/** The Directory API scopes the sandbox knows (Google's names). */
export const DIRECTORY_SCOPES = {
  group: 'https://www.googleapis.com/auth/admin.directory.group',
  groupReadonly: 'https://www.googleapis.com/auth/admin.directory.group.readonly',
  groupMember: 'https://www.googleapis.com/auth/admin.directory.group.member',
  groupMemberReadonly: 'https://www.googleapis.com/auth/admin.directory.group.member.readonly',
  user: 'https://www.googleapis.com/auth/admin.directory.user',
  userReadonly: 'https://www.googleapis.com/auth/admin.directory.user.readonly',
} as const;

/** What domain-wide delegation grants the sandbox service account by default (Admin console → API controls). */
export const DEFAULT_DELEGATED_SCOPES: readonly string[] = [
  DIRECTORY_SCOPES.groupMember,
  DIRECTORY_SCOPES.groupReadonly,
  DIRECTORY_SCOPES.userReadonly,
];

export interface GoogleServiceAccount {
  clientEmail: string;
  clientId: string;
  projectId: string;
}

/** A service account key file as the Cloud console downloads it (test-only key, made at each start). */
export type ServiceAccountKeyFile = {
  type: 'service_account';
  project_id: string;
  private_key_id: string;
  private_key: string;
  client_email: string;
  client_id: string;
  auth_uri: string;
  token_uri: string;
  auth_provider_x509_cert_url: string;
  client_x509_cert_url: string;
  universe_domain: 'googleapis.com';
};

/** Who an access token was issued to: the impersonated user (domain-wide delegation), or the service account itself. */
export interface GoogleCaller {
  subject?: string;
  scopes: ReadonlySet<string>;
}

const TOKEN_SECONDS = 3600;
/** The longest assertion Google accepts (one hour), and the clock skew it tolerates. */
const MAX_ASSERTION_SECONDS = 3600;
const SKEW_SECONDS = 300;

/**
 * Google's OAuth 2.0 token endpoint for the JWT bearer grant and the access tokens it issues. The
 * assertion (RS256) is verified with the sandbox service account's public key; `aud`, `iat`/`exp`,
 * `scope` and `sub` are checked as Google checks them, and every requested scope must be delegated.
 */
export class GoogleAuthority {
  /** The test-only private key (PKCS#8 PEM) of the sandbox service account, made at each start. */
  readonly privateKey: string;
  readonly privateKeyId = randomBytes(20).toString('hex');
  private readonly publicKey: KeyObject;
  private readonly tokens = new Map<string, GoogleCaller & { expires: number }>();
  private delegated: Set<string>;

  constructor(
    readonly account: GoogleServiceAccount,
    private readonly directory: GoogleDirectory,
    private readonly initialScopes: readonly string[] = DEFAULT_DELEGATED_SCOPES,
    private readonly now: () => number = Date.now,
  ) {
    const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    this.privateKey = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    this.publicKey = publicKey;
    this.delegated = new Set(initialScopes);
  }

  get delegatedScopes(): string[] {
    return [...this.delegated].sort();
  }

  /** Domain-wide delegation as the Admin console would set it for the client id (replaces the list). */
  setDelegatedScopes(scopes: readonly string[]): void {
    this.delegated = new Set(scopes);
  }

  /** Back to the start's delegation; issued tokens are forgotten. */
  reset(): void {
    this.delegated = new Set(this.initialScopes);
    this.tokens.clear();
  }

  /** The key file for this sandbox: `token_uri` is the sandbox's own token endpoint. */
  keyFile(tokenUri: string): ServiceAccountKeyFile {
    return {
      type: 'service_account',
      project_id: this.account.projectId,
      private_key_id: this.privateKeyId,
      private_key: this.privateKey,
      client_email: this.account.clientEmail,
      client_id: this.account.clientId,
      auth_uri: 'https://accounts.google.com/o/oauth2/auth',
      token_uri: tokenUri,
      auth_provider_x509_cert_url: 'https://www.googleapis.com/oauth2/v1/certs',
      client_x509_cert_url: `https://www.googleapis.com/robot/v1/metadata/x509/${encodeURIComponent(this.account.clientEmail)}`,
      universe_domain: 'googleapis.com',
    };
  }

  /** `POST /token` (form-encoded `grant_type`, `assertion`): an access token, or Google's OAuth error. */
  grant(req: SandboxRequest, tokenUrl: string): SandboxResponse {
    const form = req.form();
    if (form.get('grant_type') !== JWT_BEARER_GRANT)
      return oauthError(400, 'unsupported_grant_type', `Invalid grant_type: ${form.get('grant_type') ?? ''}`);
    const parts = (form.get('assertion') ?? '').split('.');
    if (parts.length !== 3) return oauthError(400, 'invalid_grant', 'Invalid JWT: Malformed.');
    const [header, payload, signature] = parts as [string, string, string];
    let claims: Record<string, unknown>;
    try {
      const head = JSON.parse(Buffer.from(header, 'base64url').toString('utf8')) as { alg?: unknown };
      if (head.alg !== 'RS256') return oauthError(400, 'invalid_grant', 'Invalid JWT: Unsupported algorithm.');
      claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Record<string, unknown>;
    } catch {
      return oauthError(400, 'invalid_grant', 'Invalid JWT: Malformed.');
    }
    if (claims.iss !== this.account.clientEmail)
      return oauthError(400, 'invalid_grant', 'Invalid grant: account not found');
    const signed = verify(
      'RSA-SHA256',
      Buffer.from(`${header}.${payload}`),
      this.publicKey,
      Buffer.from(signature, 'base64url'),
    );
    if (!signed) return oauthError(400, 'invalid_grant', 'Invalid JWT Signature.');
    if (claims.aud !== GOOGLE_TOKEN_AUDIENCE && claims.aud !== tokenUrl)
      return oauthError(400, 'invalid_grant', 'Invalid JWT: Failed audience check.');
    const now = Math.floor(this.now() / 1000);
    const { iat, exp } = claims;
    if (
      typeof iat !== 'number' ||
      typeof exp !== 'number' ||
      iat > now + SKEW_SECONDS ||
      exp < now - SKEW_SECONDS ||
      exp - iat > MAX_ASSERTION_SECONDS
    ) {
      return oauthError(
        400,
        'invalid_grant',
        'Invalid JWT: Token must be a short-lived token (60 minutes) and in a reasonable timeframe. Check your iat and exp values in the JWT claim.',
      );
    }
    const requested = typeof claims.scope === 'string' ? claims.scope.split(/\s+/).filter(Boolean) : [];
    if (requested.length === 0) return oauthError(400, 'invalid_scope', 'Empty or missing scope not allowed.');
    let subject: string | undefined;
    if (claims.sub !== undefined && claims.sub !== null && claims.sub !== '') {
      const user = this.directory.findUser(String(claims.sub));
      if (!user || user.suspended) return oauthError(400, 'invalid_grant', 'Invalid email or User ID');
      subject = user.primaryEmail;
      // Domain-wide delegation: every requested scope must be granted to the client id.
      if (requested.some((s) => !this.delegated.has(s))) {
        return oauthError(
          401,
          'unauthorized_client',
          'Client is unauthorized to retrieve access tokens using this method, or client not authorized for any of the scopes requested.',
        );
      }
    }
    const token = `ya29.sandbox-${randomBytes(24).toString('base64url')}`;
    this.tokens.set(token, { subject, scopes: new Set(requested), expires: this.now() + TOKEN_SECONDS * 1000 });
    return { status: 200, body: { access_token: token, expires_in: TOKEN_SECONDS - 1, token_type: 'Bearer' } };
  }

  /** The caller of a Directory API request: `Authorization: Bearer <access token>`; 401 authError otherwise. */
  authenticate(req: SandboxRequest): GoogleCaller {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(req.headers.authorization ?? '');
    const found = match ? this.tokens.get(match[1]!) : undefined;
    if (!found || found.expires <= this.now()) throw googleErrors.authError();
    return found;
  }
}

function oauthError(status: number, error: string, description: string): SandboxResponse {
  return { status, headers: { 'cache-control': 'no-store' }, body: { error, error_description: description } };
}

export const defaultGoogleServiceAccount: GoogleServiceAccount = {
  clientEmail: sandboxCredentials.google.clientEmail,
  clientId: sandboxCredentials.google.clientId,
  projectId: sandboxCredentials.google.projectId,
};
