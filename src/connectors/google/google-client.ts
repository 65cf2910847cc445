import { admin_directory_v1, auth } from '@googleapis/admin';
import { z } from 'zod';

/** Google's token endpoint; google-auth-library posts every JWT bearer grant here (and puts it in the assertion's `aud`). */
export const GOOGLE_TOKEN_URL = 'https://oauth2.googleapis.com/token';
export const GOOGLE_DIRECTORY_ROOT_URL = 'https://admin.googleapis.com/';

/** The Directory API scopes Leasehold's connector asks for, each for its calls (all three need domain-wide delegation). */
export const GOOGLE_SCOPES = {
  /** members.insert / delete / get / list. */
  groupMember: 'https://www.googleapis.com/auth/admin.directory.group.member',
  /** groups.get (findGroup, `connections test`). */
  groupReadonly: 'https://www.googleapis.com/auth/admin.directory.group.readonly',
  /** users.get (findUser, the manager, the last sign-in). */
  userReadonly: 'https://www.googleapis.com/auth/admin.directory.user.readonly',
} as const;

export const GOOGLE_REQUESTED_SCOPES: readonly string[] = Object.values(GOOGLE_SCOPES);

/**
 * Budget of one HTTP request (token or API), so a hung connection ends as a classified `retryable`
 * failure well before the activities' start-to-close timeouts.
 */
export const GOOGLE_REQUEST_TIMEOUT_MS = 20_000;

/** A service account key file (the JSON the Cloud console downloads); only these fields are used. */
export const serviceAccountKeySchema = z.looseObject({
  type: z.literal('service_account').optional(),
  client_email: z.string().email(),
  client_id: z.string().optional(),
  private_key: z.string().includes('PRIVATE KEY', { message: 'is not a PEM private key' }),
  private_key_id: z.string().optional(),
  token_uri: z.string().url().optional(),
});
export type ServiceAccountKey = z.infer<typeof serviceAccountKeySchema>;

/** Parses the key file's text; the message names the problem, never the key. */
export function parseServiceAccountKey(text: string): ServiceAccountKey {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new Error('the Google service account key is not JSON (expected the key file the Cloud console downloads)');
  }
  const parsed = serviceAccountKeySchema.safeParse(json);
  if (!parsed.success) {
    const fields = parsed.error.issues.map((i) => `${i.path.join('.') || '(key)'}: ${i.message}`).join('; ');
    throw new Error(`the Google service account key is not a service account key file (${fields})`);
  }
  return parsed.data;
}

export interface DirectoryClientOptions {
  key: ServiceAccountKey;
  /** The administrator to impersonate (domain-wide delegation). */
  subject: string;
  scopes?: readonly string[];
  /** Directory API root (default `https://admin.googleapis.com/`); the sandbox's URL in the demo. */
  rootUrl?: string;
  /** Token endpoint (default: the key's `token_uri`, else `https://oauth2.googleapis.com/token`). */
  tokenUrl?: string;
}

/**
 * The official Directory API client (`@googleapis/admin`) authenticated as the service account through
 * google-auth-library's JWT client with `subject` (domain-wide delegation: the JWT bearer grant).
 *
 * Retries are off everywhere, so Temporal's retry policy is the only one: the API calls get
 * `retry: false` (googleapis-common would otherwise retry 429/5xx 3 times, sleeping inside the
 * activity), and an interceptor on the auth client's transporter sets `retryConfig.retry = 0` on the
 * token request too (google-auth-library asks gaxios to retry that POST). The same interceptor sends
 * the token request to `tokenUrl` when it is not Google's: google-auth-library always posts to
 * https://oauth2.googleapis.com/token and ignores the key file's `token_uri`; the assertion's `aud`
 * stays Google's URL, as Google requires.
 */
export function createDirectoryClient(options: DirectoryClientOptions): admin_directory_v1.Admin {
  return createDirectoryClientWithAuth(options).client;
}

/** {@link createDirectoryClient}, with a way to drop the cached access token (the next call gets a new one). */
export function createDirectoryClientWithAuth(options: DirectoryClientOptions): {
  client: admin_directory_v1.Admin;
  forgetToken: () => void;
} {
  const tokenUrl = trimSlash(options.tokenUrl ?? options.key.token_uri ?? GOOGLE_TOKEN_URL);
  const jwt = new auth.JWT({
    email: options.key.client_email,
    key: options.key.private_key,
    keyId: options.key.private_key_id,
    subject: options.subject,
    scopes: [...(options.scopes ?? GOOGLE_REQUESTED_SCOPES)],
  });
  jwt.transporter.interceptors.request.add({
    resolved: async (config) => {
      config.retry = false;
      config.retryConfig = { ...config.retryConfig, retry: 0, noResponseRetries: 0 };
      if (tokenUrl !== GOOGLE_TOKEN_URL && String(config.url) === GOOGLE_TOKEN_URL) config.url = new URL(tokenUrl);
      return config;
    },
  });
  const client = new admin_directory_v1.Admin({
    auth: jwt,
    rootUrl: options.rootUrl ?? GOOGLE_DIRECTORY_ROOT_URL,
    retry: false,
    timeout: GOOGLE_REQUEST_TIMEOUT_MS,
  });
  // An expired-looking credential makes the JWT client fetch a new token before the next call.
  const forgetToken = (): void => jwt.setCredentials({ refresh_token: 'jwt-placeholder', expiry_date: 1 });
  return { client, forgetToken };
}

function trimSlash(url: string): string {
  return url.replace(/\/+$/, '');
}
