import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client, DefaultRequestExecutor } from '@okta/okta-sdk-nodejs';
import { logger } from '../../logging';

export interface OktaClientOptions {
  /** e.g. `https://acme.okta.com` (or a sandbox `http://127.0.0.1:8092`). */
  orgUrl: string;
  /** API token, sent as `Authorization: SSWS <token>`. */
  token: string;
  /** How often the SDK itself retries a 429 that carries `X-Rate-Limit-Reset` (SDK default 2; 0 = never). */
  maxRetries?: number;
  /** Total time for a call including 429 waits, in ms (0 = no limit, the SDK default). */
  requestTimeoutMs?: number;
}

const USER_AGENT = 'leasehold';

/** The SDK's constructor options (`V2Configuration`, not exported by name) plus `userAgent`, which it also reads. */
type ClientConfig = NonNullable<ConstructorParameters<typeof Client>[0]> & { userAgent: string };

/**
 * The Okta SDK client Leasehold uses: SSWS token, no response cache (membership checks and last-login
 * reads must reach Okta), and the SDK's own 429 handling bounded by `maxRetries` / `requestTimeoutMs`.
 *
 * The SDK's config loader merges `~/.okta/okta.yaml`, `./okta.yaml` and `OKTA_CLIENT_*` variables under
 * the options given here. Every setting it would take from them (authorization mode, org URL, token,
 * client id, scopes, private key, key id, user agent) is passed explicitly, so none of them can change
 * what this client does. The loader still opens those files when they exist (a malformed one makes this
 * throw), and the SDK still honours `HTTPS_PROXY`.
 */
export function createOktaClient(options: OktaClientOptions): Client {
  warnAboutIgnoredConfig();
  const config: ClientConfig = {
    authorizationMode: 'SSWS',
    orgUrl: options.orgUrl,
    token: options.token,
    clientId: '',
    scopes: [],
    privateKey: '',
    keyId: '',
    userAgent: USER_AGENT,
    cacheMiddleware: null,
    requestExecutor: new DefaultRequestExecutor({
      maxRetries: options.maxRetries ?? 2,
      requestTimeout: options.requestTimeoutMs ?? 0,
    }),
  };
  return new Client(config);
}

let warned = false;

function warnAboutIgnoredConfig(): void {
  if (warned) return;
  const files = [path.join(os.homedir(), '.okta', 'okta.yaml'), path.join(process.cwd(), 'okta.yaml')].filter((f) =>
    fs.existsSync(f),
  );
  const vars = Object.keys(process.env).filter((k) => k.startsWith('OKTA_CLIENT_'));
  if (files.length > 0 || vars.length > 0) {
    warned = true;
    logger.warn(
      { files, vars },
      'Okta SDK configuration files/variables are present; Leasehold ignores them (its own settings are explicit)',
    );
  }
}
