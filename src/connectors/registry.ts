import type { Connection, JiraConnection } from '../policy/schema';
import { EntraIdentityProvider } from './entra/entra-identity-provider';
import type { IdentityProvider } from './identity-provider';
import { JiraGateway } from './jira/jira-gateway';
import { OktaIdentityProvider } from './okta/okta-identity-provider';

/**
 * Connector instances per connection, built on first use inside the worker or starter (credentials
 * are read there) and reused while the connection's settings stay the same.
 */
export class ConnectorRegistry {
  private readonly providers = new Map<string, IdentityProvider>();
  private readonly jiras = new Map<string, JiraGateway>();

  provider(name: string, connection: Connection): IdentityProvider {
    const key = `${name}\u0000${JSON.stringify(connection)}`;
    let found = this.providers.get(key);
    if (!found) {
      switch (connection.type) {
        case 'okta':
          found = OktaIdentityProvider.fromConnection(connection);
          break;
        case 'entra':
          found = EntraIdentityProvider.fromConnection(connection);
          break;
        default:
          throw new Error(`connection ${name} is a ${connection.type} connection, not an identity provider`);
      }
      this.providers.set(key, found);
    }
    return found;
  }

  jira(connection: JiraConnection): JiraGateway {
    const key = JSON.stringify(connection);
    let found = this.jiras.get(key);
    if (!found) {
      found = JiraGateway.fromConnection(connection);
      this.jiras.set(key, found);
    }
    return found;
  }
}
