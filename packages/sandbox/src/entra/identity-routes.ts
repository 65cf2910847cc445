import { randomUUID } from 'node:crypto';
import type { Router, SandboxRequest, SandboxResponse } from '../http';
import { findApp } from './apps';
import { aadErrors } from './aad-errors';
import { GRAPH_APP_ID, GRAPH_RESOURCE, type TokenService } from './tokens';

/** Scopes MSAL may add to any request; ignored for the client-credentials grant. */
const OIDC_SCOPES = new Set(['openid', 'profile', 'offline_access']);

export interface IdentityRoutesContext {
  tenantId: string;
  tokens: TokenService;
  count(route: 'openidConfiguration' | 'token'): void;
}

/**
 * The Microsoft identity platform endpoints MSAL (through @azure/identity) uses for the
 * client-credentials flow when instance discovery is disabled: the tenant's OpenID configuration,
 * then the v2.0 token endpoint. Paths and answers follow login.microsoftonline.com.
 */
export function addIdentityRoutes(router: Router, ctx: IdentityRoutesContext): void {
  const checkTenant = (tenant: string, error?: string): void => {
    if (tenant.toLowerCase() !== ctx.tenantId.toLowerCase()) throw aadErrors.tenantNotFound(tenant, error);
  };

  const openidConfiguration = (req: SandboxRequest): SandboxResponse => {
    ctx.count('openidConfiguration');
    checkTenant(req.params.tenant!, 'invalid_tenant');
    return { status: 200, headers: aadHeaders(), body: openidDocument(origin(req), ctx.tenantId) };
  };
  router.get('/:tenant/v2.0/.well-known/openid-configuration', openidConfiguration);
  router.get('/:tenant/.well-known/openid-configuration', openidConfiguration);

  router.get('/:tenant/discovery/v2.0/keys', (req) => {
    checkTenant(req.params.tenant!, 'invalid_tenant');
    // Graph tokens are for Graph only; clients never validate them, so no signing keys are published.
    return { status: 200, headers: aadHeaders(), body: { keys: [] } };
  });

  router.post('/:tenant/oauth2/v2.0/token', (req) => {
    ctx.count('token');
    checkTenant(req.params.tenant!);
    const form = req.form();
    const grantType = form.get('grant_type');
    if (!grantType) throw aadErrors.missingParameter('grant_type');
    if (grantType !== 'client_credentials') throw aadErrors.unsupportedGrantType(grantType);
    const clientId = form.get('client_id');
    if (!clientId) throw aadErrors.missingParameter('client_id');
    const app = findApp(clientId);
    if (!app) throw aadErrors.applicationNotFound(clientId, ctx.tenantId);
    const secret = form.get('client_secret');
    if (!secret) throw aadErrors.missingClientCredential();
    if (secret !== app.clientSecret) throw aadErrors.invalidClientSecret(app.clientId);
    const scope = form.get('scope');
    if (!scope) throw aadErrors.missingParameter('scope');
    checkScope(scope, ctx.tenantId);
    const { accessToken, expiresIn } = ctx.tokens.issue(app);
    return {
      status: 200,
      headers: aadHeaders(req),
      body: { token_type: 'Bearer', expires_in: expiresIn, ext_expires_in: expiresIn, access_token: accessToken },
    };
  });
}

/** Only Microsoft Graph's `.default` scope is a resource in the sandbox tenant. */
function checkScope(scope: string, tenantId: string): void {
  const requested = scope.split(/\s+/).filter((s) => s.length > 0 && !OIDC_SCOPES.has(s));
  if (requested.length === 0) throw aadErrors.missingParameter('scope');
  for (const s of requested) {
    if (!s.endsWith('/.default')) throw aadErrors.scopeNotDefault(s);
    const resource = s.slice(0, -'/.default'.length).replace(/\/+$/, '');
    if (resource !== GRAPH_RESOURCE && resource !== GRAPH_APP_ID) throw aadErrors.resourceNotFound(resource, tenantId);
  }
}

function aadHeaders(req?: SandboxRequest): Record<string, string> {
  const header = req?.headers['client-request-id'];
  const clientRequestId = Array.isArray(header) ? header[0] : header;
  return {
    'content-type': 'application/json; charset=utf-8',
    'cache-control': 'no-store, no-cache',
    pragma: 'no-cache',
    'x-ms-request-id': randomUUID(),
    ...(clientRequestId ? { 'client-request-id': clientRequestId } : {}),
  };
}

function origin(req: SandboxRequest): string {
  return `https://${req.headers.host ?? 'localhost'}`;
}

/** The tenant's v2.0 OpenID Provider configuration, pointing at this sandbox. */
function openidDocument(base: string, tenantId: string): Record<string, unknown> {
  const authority = `${base}/${tenantId}`;
  return {
    token_endpoint: `${authority}/oauth2/v2.0/token`,
    token_endpoint_auth_methods_supported: ['client_secret_post', 'private_key_jwt', 'client_secret_basic'],
    jwks_uri: `${authority}/discovery/v2.0/keys`,
    response_modes_supported: ['query', 'fragment', 'form_post'],
    subject_types_supported: ['pairwise'],
    id_token_signing_alg_values_supported: ['RS256'],
    response_types_supported: ['code', 'id_token', 'code id_token', 'id_token token'],
    scopes_supported: ['openid', 'profile', 'email', 'offline_access'],
    issuer: `${authority}/v2.0`,
    request_uri_parameter_supported: false,
    userinfo_endpoint: `${base}/oidc/userinfo`,
    authorization_endpoint: `${authority}/oauth2/v2.0/authorize`,
    device_authorization_endpoint: `${authority}/oauth2/v2.0/devicecode`,
    http_logout_supported: true,
    frontchannel_logout_supported: true,
    end_session_endpoint: `${authority}/oauth2/v2.0/logout`,
    claims_supported: [
      'sub',
      'iss',
      'cloud_instance_name',
      'cloud_instance_host_name',
      'cloud_graph_host_name',
      'msgraph_host',
      'aud',
      'exp',
      'iat',
      'auth_time',
      'acr',
      'nonce',
      'preferred_username',
      'name',
      'tid',
      'ver',
      'at_hash',
      'c_hash',
      'email',
    ],
    kerberos_endpoint: `${authority}/kerberos`,
    tenant_region_scope: 'EU',
    cloud_instance_name: 'microsoftonline.com',
    cloud_graph_host_name: 'graph.windows.net',
    msgraph_host: 'graph.microsoft.com',
    rbac_url: 'https://pas.windows.net',
  };
}
