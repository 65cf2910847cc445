import { createHash } from 'node:crypto';
import { readSecret } from '../config/settings';
import type { Connection, JiraConnection, SecretRef } from '../policy/schema';
import { AtlassianIdentityProvider } from './atlassian/atlassian-identity-provider';
import { AwsIdentityProvider } from './aws/aws-identity-provider';
import { EntraIdentityProvider } from './entra/entra-identity-provider';
import { GitHubIdentityProvider } from './github/github-identity-provider';
import { GoogleIdentityProvider } from './google/google-identity-provider';
import type { IdentityProvider } from './identity-provider';
import { JiraGateway } from './jira/jira-gateway';
import { OktaIdentityProvider } from './okta/okta-identity-provider';

/**
 * Connector instances per connection, built on first use inside the worker or starter (credentials
 * are read there) and reused while the connection's settings and secret stay the same: a rotated
 * secret (new env value or file content) gets a fresh connector without a restart.
 */
export class ConnectorRegistry {
  private readonly providers = new Map<string, IdentityProvider>();
  private readonly jiras = new Map<string, JiraGateway>();

  provider(name: string, connection: Connection): IdentityProvider {
    const key = cacheKey(name, connection);
    let found = this.providers.get(key);
    if (!found) {
      switch (connection.type) {
        case 'okta':
          found = OktaIdentityProvider.fromConnection(connection);
          break;
        case 'entra':
          found = EntraIdentityProvider.fromConnection(connection);
          break;
        case 'atlassian':
          found = AtlassianIdentityProvider.fromConnection(connection);
          break;
        case 'github':
          found = GitHubIdentityProvider.fromConnection(connection);
          break;
        case 'google':
          found = GoogleIdentityProvider.fromConnection(connection);
          break;
        case 'aws':
          found = AwsIdentityProvider.fromConnection(connection);
          break;
        default:
          throw new Error(`connection ${name} is a ${connection.type} connection, not an identity provider`);
      }
      this.providers.set(key, found);
    }
    return found;
  }

  jira(connection: JiraConnection): JiraGateway {
    const key = cacheKey('jira', connection);
    let found = this.jiras.get(key);
    if (!found) {
      found = JiraGateway.fromConnection(connection);
      this.jiras.set(key, found);
    }
    return found;
  }
}

function cacheKey(name: string, connection: Connection): string {
  const secrets: SecretRef[] = [];
  if (connection.type === 'okta') secrets.push(connection.token);
  if (connection.type === 'entra') secrets.push(connection.clientSecret);
  if (connection.type === 'jira') secrets.push(connection.apiToken);
  if (connection.type === 'github') {
    if (connection.token) secrets.push(connection.token);
    if (connection.app) secrets.push(connection.app.privateKey);
  }
  if (connection.type === 'atlassian') secrets.push(connection.apiToken);
  if (connection.type === 'google') secrets.push(connection.serviceAccountKey);
  if (connection.type === 'aws' && connection.secretAccessKey) secrets.push(connection.secretAccessKey);
  const fingerprint = createHash('sha256');
  for (const ref of secrets) {
    try {
      fingerprint.update(readSecret(ref));
    } catch {
      fingerprint.update('(unavailable)');
    }
  }
  return `${name}\u0000${JSON.stringify(connection)}\u0000${fingerprint.digest('hex')}`;
}
