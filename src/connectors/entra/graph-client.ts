import { readFileSync } from 'node:fs';
import { rootCertificates } from 'node:tls';
import { ClientSecretCredential } from '@azure/identity';
import {
  Client,
  MiddlewareFactory,
  RetryHandler,
  RetryHandlerOptions,
  type Middleware,
} from '@microsoft/microsoft-graph-client';
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
  /**
   * How often the Graph client's own RetryHandler retries a 429/503/504 (waiting Retry-After, up to
   * 180 s per wait) before the caller sees the error. Default: the client's own default, 3. `0` turns
   * it off, so the caller (Temporal's retry policy, through `ConnectorError`) owns every retry.
   */
  maxRetries?: number;
}

/**
 * A Microsoft Graph client authenticated as an app (client-credentials flow) through
 * @azure/identity's ClientSecretCredential. Retries of 429/503/504 are the Graph client's own
 * (3 by default), unless `maxRetries` says otherwise. Token requests have @azure/identity's own
 * retry policy, which this does not change.
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

  const authProvider = new TokenCredentialAuthenticationProvider(credential, { scopes: [GRAPH_DEFAULT_SCOPE] });
  return Client.initWithMiddleware({
    // The client's default chain (auth, retry, redirect, telemetry, fetch), with the RetryHandler
    // bounded when the caller asked for it.
    ...(options.maxRetries === undefined
      ? { authProvider }
      : { middleware: middlewareChain(authProvider, options.maxRetries) }),
    baseUrl: graphBaseUrl,
    // The auth middleware sends the token only to Graph's own hosts and these.
    customHosts: new Set([new URL(graphBaseUrl).hostname]),
    // Node's global fetch (undici) takes a dispatcher with its own trust store.
    ...(ca ? { fetchOptions: { dispatcher: new Agent({ connect: { ca } }) } } : {}),
  });
}

/** The Graph client's default middleware chain with its RetryHandler replaced by one allowing `maxRetries`. */
function middlewareChain(authProvider: TokenCredentialAuthenticationProvider, maxRetries: number): Middleware[] {
  const retryOptions = new RetryHandlerOptions(undefined, maxRetries);
  return MiddlewareFactory.getDefaultMiddlewareChain(authProvider).map((m) =>
    m instanceof RetryHandler ? new RetryHandler(retryOptions) : m,
  );
}

/** PEM text as given, or the contents of the PEM file it names. */
function readPem(caCertificate: string): string {
  return caCertificate.includes('-----BEGIN CERTIFICATE-----') ? caCertificate : readFileSync(caCertificate, 'utf8');
}

function trimSlash(url: string): string {
  return url.replace(/\/+$/, '');
}
