import { generateKeyPairSync, randomBytes, verify, type KeyObject } from 'node:crypto';
import type { SandboxRequest } from '../http';
import { sandboxCredentials } from '../sample-data';
import { githubDocs, githubError } from './errors';

/** What a request authenticated as. */
export type GitHubCaller =
  | { kind: 'token'; key: string; write: boolean; what: 'personal access token' | 'integration' }
  | { kind: 'app'; key: string };

export interface GitHubCredentials {
  /** Fine-grained token of an organisation owner (Members: read and write). */
  token: string;
  /** Fine-grained token with Members: read only. */
  readOnlyToken: string;
  appId: string;
  installationId: string;
}

/** How long an installation token lives (GitHub: one hour). */
const INSTALLATION_TOKEN_MS = 3_600_000;
/** The longest JWT GitHub accepts (10 minutes), and the clock drift it tolerates. */
const JWT_MAX_SECONDS = 600;
const DRIFT_SECONDS = 60;

/**
 * Authentication as GitHub does it: `Authorization: token <t>` or `Bearer <t>` with a personal access
 * token, an installation token (`ghs_…`, from `POST /app/installations/{id}/access_tokens`), or, for
 * `/app/…` routes, the App's JWT (RS256, `iss` = App id, at most 10 minutes) signed with its private key.
 */
export class GitHubAuthority {
  /** The App's private key (PKCS#8 PEM), made at each start: what a test gives `createAppAuth`. */
  readonly appPrivateKey: string;
  private readonly appPublicKey: KeyObject;
  private readonly installationTokens = new Map<string, number>();

  constructor(
    readonly credentials: GitHubCredentials,
    private readonly now: () => number = Date.now,
  ) {
    const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    this.appPrivateKey = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    this.appPublicKey = publicKey;
  }

  /** Who is calling; 401 `Requires authentication` / `Bad credentials` otherwise. */
  authenticate(req: SandboxRequest): GitHubCaller {
    const header = req.headers.authorization;
    if (!header) throw githubError(401, 'Requires authentication', githubDocs.rest);
    const match = /^(?:token|bearer)\s+(\S+)\s*$/i.exec(header);
    const secret = match?.[1] ?? '';
    if (secret.split('.').length === 3) {
      this.verifyJwt(secret);
      return { kind: 'app', key: `app:${this.credentials.appId}` };
    }
    if (secret === this.credentials.token)
      return { kind: 'token', key: 'pat:owner', write: true, what: 'personal access token' };
    if (secret === this.credentials.readOnlyToken)
      return { kind: 'token', key: 'pat:readonly', write: false, what: 'personal access token' };
    const expires = this.installationTokens.get(secret);
    if (expires !== undefined && expires > this.now())
      return {
        kind: 'token',
        key: `installation:${this.credentials.installationId}`,
        write: true,
        what: 'integration',
      };
    throw githubError(401, 'Bad credentials', githubDocs.rest);
  }

  /** `POST /app/installations/{id}/access_tokens`: a new installation token (one hour). */
  issueInstallationToken(installationId: string): { token: string; expires_at: string } {
    if (installationId !== this.credentials.installationId)
      throw githubError(404, 'Not Found', githubDocs.installationToken);
    const token = `ghs_${randomBytes(27).toString('base64url').replace(/[-_]/g, 'x').slice(0, 36)}`;
    const expires = this.now() + INSTALLATION_TOKEN_MS;
    this.installationTokens.set(token, expires);
    return { token, expires_at: new Date(expires).toISOString().replace(/\.\d{3}Z$/, 'Z') };
  }

  /** Checks the App JWT as GitHub does; 401 with GitHub's wording otherwise. */
  private verifyJwt(jwt: string): void {
    const [header, payload, signature] = jwt.split('.') as [string, string, string];
    const undecodable = () => githubError(401, 'A JSON web token could not be decoded', githubDocs.rest);
    let claims: { iat?: unknown; exp?: unknown; iss?: unknown };
    try {
      const head = JSON.parse(Buffer.from(header, 'base64url').toString('utf8')) as { alg?: unknown };
      if (head.alg !== 'RS256') throw undecodable();
      claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as typeof claims;
    } catch {
      throw undecodable();
    }
    const signed = verify(
      'RSA-SHA256',
      Buffer.from(`${header}.${payload}`),
      this.appPublicKey,
      Buffer.from(signature, 'base64url'),
    );
    if (!signed) throw undecodable();
    const now = Math.floor(this.now() / 1000);
    if (typeof claims.iat !== 'number' || !Number.isInteger(claims.iat) || claims.iat > now + DRIFT_SECONDS)
      throw githubError(
        401,
        "'Issued at' claim ('iat') must be an Integer representing the time that the assertion was issued.",
      );
    if (typeof claims.exp !== 'number' || claims.exp <= now)
      throw githubError(
        401,
        "'Expiration time' claim ('exp') must be a numeric value representing the future time at which the assertion expires.",
      );
    if (claims.exp - now > JWT_MAX_SECONDS + DRIFT_SECONDS)
      throw githubError(401, "'Expiration time' claim ('exp') is too far in the future.");
    if (String(claims.iss) !== this.credentials.appId)
      throw githubError(401, `'Issuer' claim ('iss') must be an Integer or String matching an existing App ID.`);
  }
}

export const defaultGitHubCredentials: GitHubCredentials = { ...sandboxCredentials.github };
