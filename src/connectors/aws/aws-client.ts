import { IdentitystoreClient } from '@aws-sdk/client-identitystore';
import { SSOAdminClient } from '@aws-sdk/client-sso-admin';
import { expandSetting, readSecret } from '../../config/settings';
import type { AwsConnection } from '../../policy/schema';

/**
 * Budget of one SDK call: it ends a hung connection as a classified `retryable` failure well before the
 * activities' start-to-close timeouts (30 s / 1 min).
 */
export const AWS_REQUEST_TIMEOUT_MS = 20_000;
const AWS_CONNECT_TIMEOUT_MS = 5_000;

export interface AwsClients {
  identityStore: IdentitystoreClient;
  /** Only when the connection names permission sets to read session durations from. */
  ssoAdmin?: SSOAdminClient;
  /** Secret values to scrub from messages. */
  secrets: string[];
}

/**
 * The SDK clients of a rules connection, built in the worker (credentials are read here). Without
 * `accessKeyId`/`secretAccessKey` the SDK's standard chain finds credentials (environment, profile,
 * web identity, container or instance role). `endpoint` (the sandbox) serves both APIs; without it the
 * SDK uses AWS's regional endpoints.
 */
export function createAwsClients(connection: AwsConnection): AwsClients {
  const region = expandSetting(connection.region);
  const endpoint = connection.endpoint === undefined ? '' : expandSetting(connection.endpoint).replace(/\/+$/, '');
  const secrets: string[] = [];
  let credentials: { accessKeyId: string; secretAccessKey: string } | undefined;
  if (connection.accessKeyId !== undefined && connection.secretAccessKey !== undefined) {
    const secretAccessKey = readSecret(connection.secretAccessKey);
    secrets.push(secretAccessKey);
    credentials = { accessKeyId: expandSetting(connection.accessKeyId), secretAccessKey };
  }
  const config = {
    region,
    ...(endpoint ? { endpoint } : {}),
    ...(credentials ? { credentials } : {}),
    // Temporal owns retries: one attempt per activity attempt, so a throttled call surfaces at once as
    // `rate-limited` with AWS's RetryAfterSeconds (Temporal's nextRetryDelay), the worker slot is free
    // meanwhile, and the SDK's retries do not multiply with the activity's.
    maxAttempts: 1,
    requestHandler: { requestTimeout: AWS_REQUEST_TIMEOUT_MS, connectionTimeout: AWS_CONNECT_TIMEOUT_MS },
  };
  const wantsSsoAdmin = connection.instanceArn !== undefined && connection.permissionSetArns.length > 0;
  return {
    identityStore: new IdentitystoreClient(config),
    ...(wantsSsoAdmin ? { ssoAdmin: new SSOAdminClient(config) } : {}),
    secrets,
  };
}
