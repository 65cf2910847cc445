import type { JiraAccount, JiraAccountDirectory } from './accounts';
import type { JiraCatalog } from './catalog';

/** What every JSON renderer needs to know: where the site lives, which API shape, who is looking. */
export interface RenderContext {
  /** Site base URL without trailing slash, for `self` links. */
  base: string;
  /** REST v3 (ADF rich text) or v2 (wiki strings; also the webhook shape). */
  api: 2 | 3;
  catalog: JiraCatalog;
  accounts: JiraAccountDirectory;
  /** Webhook bodies never carry email addresses. */
  audience: 'rest' | 'webhook';
  /** The acting user, who always sees their own email address. */
  viewerId?: string;
}

export function restApi(ctx: RenderContext): string {
  return `${ctx.base}/rest/api/${ctx.api}`;
}

/** The account behind an id the store holds; the store only holds ids of known accounts. */
export function accountOf(ctx: RenderContext, accountId: string): JiraAccount {
  const account = ctx.accounts.byAccountId(accountId);
  if (!account) throw new Error(`no Jira account ${accountId}`);
  return account;
}
