import type { Client } from '@okta/okta-sdk-nodejs';
import { createOktaClient, type OktaClientOptions } from '../../../src/connectors/okta/okta-client';
import { type OktaSandbox, sandboxCredentials, startOktaSandbox } from '@leasehold/sandbox';

/**
 * The sandbox Okta org for a contract test file: started once, reset before each test, and closed after;
 * the developer's OKTA_CLIENT_* variables (which the SDK merges into its config) kept out meanwhile.
 * `sandbox()` is the running org; `client()` the real SDK's client on it.
 */
export function useOktaSandbox(): {
  sandbox: () => OktaSandbox;
  client: (options?: Partial<OktaClientOptions>) => Client;
} {
  let sandbox: OktaSandbox | undefined;
  const savedOktaEnv: Record<string, string | undefined> = {};

  beforeAll(async () => {
    for (const key of Object.keys(process.env).filter((k) => k.startsWith('OKTA_CLIENT_'))) {
      savedOktaEnv[key] = process.env[key];
      delete process.env[key];
    }
    sandbox = await startOktaSandbox({ port: 0 });
  });

  afterAll(async () => {
    await sandbox?.close();
    Object.assign(process.env, savedOktaEnv);
  });

  beforeEach(() => sandbox!.reset());

  const running = (): OktaSandbox => {
    if (!sandbox) throw new Error('the Okta sandbox is not running (use it inside a test)');
    return sandbox;
  };
  return {
    sandbox: running,
    client: (options = {}) =>
      createOktaClient({ orgUrl: running().url, token: sandboxCredentials.okta.token, ...options }),
  };
}
