import { readFileSync } from 'node:fs';
import { rootCertificates } from 'node:tls';
import { ClientSecretCredential } from '@azure/identity';
import { Client } from '@microsoft/microsoft-graph-client';
import { TokenCredentialAuthenticationProvider } from '@microsoft/microsoft-graph-client/authProviders/azureTokenCredentials';
import { Agent } from 'undici';

export const DEFAULT_AUTHORITY_HOST = 'https://login.microsoftonline.com';
export const DEFAULT_GRAPH_BASE_URL = 'https://graph.microsoft.com';
/** App-only tokens for Graph ask for the app's admin-consented permissions as a whole. */
export const GRAPH_DEFAULT_SCOPE = 'https://graph.microsoft.com/.default';

export interface GraphClientOptions {
  tenantId: string;
  clientId: string;
  clientSecret: string;
  /** Entra ID authority host (default `https://login.microsoftonline.com`); must be https. */
  authorityHost?: string;
  /** Graph root without version (default `https://graph.microsoft.com`); must be https. */
  graphBaseUrl?: string;
  /**
   * Extra CA certificate to trust for both the token endpoint and Graph, as PEM text or a path to a
   * PEM file (a sandbox's self-signed certificate, or a TLS-inspecting proxy's CA). It is added to
   * Node's bundled root CAs. Without it, the default trust store is used.
   */
  caCertificate?: string;
}

/**
 * A Microsoft Graph client authenticated as an app (client-credentials flow) through
 * @azure/identity's ClientSecretCredential. Retries of 429/503/504 are the Graph client's own.
 */
export function createGraphClient(options: GraphClientOptions): Client {
  const authorityHost = trimSlash(options.authorityHost ?? DEFAULT_AUTHORITY_HOST);
  const graphBaseUrl = trimSlash(options.graphBaseUrl ?? DEFAULT_GRAPH_BASE_URL);
  const ca = options.caCertificate ? [...rootCertificates, readPem(options.caCertificate)] : undefined;

  const credential = new ClientSecretCredential(options.tenantId, options.clientId, options.clientSecret, {
    authorityHost,
    // MSAL's instance discovery always asks login.microsoftonline.com; another authority must skip it.
    disableInstanceDiscovery: authorityHost !== DEFAULT_AUTHORITY_HOST,
    ...(ca ? { tlsOptions: { ca } } : {}),
  });

  return Client.initWithMiddleware({
    authProvider: new TokenCredentialAuthenticationProvider(credential, { scopes: [GRAPH_DEFAULT_SCOPE] }),
    baseUrl: graphBaseUrl,
    // The auth middleware sends the token only to Graph's own hosts and these.
    customHosts: new Set([new URL(graphBaseUrl).hostname]),
    // Node's global fetch (undici) takes a dispatcher with its own trust store.
    ...(ca ? { fetchOptions: { dispatcher: new Agent({ connect: { ca } }) } } : {}),
  });
}

/** PEM text as given, or the contents of the PEM file it names. */
function readPem(caCertificate: string): string {
  return caCertificate.includes('-----BEGIN CERTIFICATE-----') ? caCertificate : readFileSync(caCertificate, 'utf8');
}

function trimSlash(url: string): string {
  return url.replace(/\/+$/, '');
}
