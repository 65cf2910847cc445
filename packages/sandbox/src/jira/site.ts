import { HttpError, type SandboxRequest } from '../http';
import type { JiraAccountDirectory } from './accounts';
import type { JiraAuthenticator } from './auth';
import type { JiraCatalog } from './catalog';
import type { FieldDescriptor } from './fields';
import type { RenderContext } from './render-context';
import type { JiraStore } from './store';
import type { WebhookDispatcher } from './webhook-delivery';
import type { WebhookRegistry } from './webhook-registry';

/** Everything the routes of the sandbox Jira share. */
export interface JiraSite {
  /** Base URL for `self` links, known once the server listens. */
  base(): string;
  catalog: JiraCatalog;
  fields: readonly FieldDescriptor[];
  accounts: JiraAccountDirectory;
  auth: JiraAuthenticator;
  store: JiraStore;
  webhooks: WebhookRegistry;
  dispatcher: WebhookDispatcher;
}

export function renderContext(site: JiraSite, api: 2 | 3, viewerId?: string): RenderContext {
  return { base: site.base(), api, catalog: site.catalog, accounts: site.accounts, audience: 'rest', viewerId };
}

/** The `:v` of `/rest/api/:v/...`: 2 or 3; anything else is no resource. */
export function apiVersion(req: SandboxRequest): 2 | 3 {
  if (req.params.v === '2') return 2;
  if (req.params.v === '3') return 3;
  throw new HttpError(404, `No resource at ${req.path}`, 'NotFound');
}

/** A non-negative integer query parameter, or the default. */
export function intParam(req: SandboxRequest, name: string, fallback: number): number {
  const raw = req.url.searchParams.get(name);
  const value = raw === null ? NaN : Number(raw);
  return Number.isInteger(value) && value >= 0 ? value : fallback;
}
