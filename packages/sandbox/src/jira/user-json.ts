import type { JiraAccount } from './accounts';
import { type RenderContext, restApi } from './render-context';

/** Jira's user objects: the full one of `GET /user` and `/myself`, and the one embedded in issues and comments. */

export function avatarUrls(account: JiraAccount): Record<string, string> {
  const initials = account.displayName
    .split(/\s+/)
    .map((w) => w[0] ?? '')
    .join('')
    .slice(0, 2)
    .toUpperCase();
  const url = (size: number): string =>
    `https://avatar-management--avatars.us-west-2.prod.public.atl-paas.net/initials/${initials}-${size === 48 ? 3 : 0}.png?size=${size}`;
  return { '48x48': url(48), '24x24': url(24), '16x16': url(16), '32x32': url(32) };
}

function showsEmail(account: JiraAccount, ctx: RenderContext): boolean {
  return (
    ctx.audience === 'rest' &&
    account.accountType === 'atlassian' &&
    (account.emailVisible || account.accountId === ctx.viewerId)
  );
}

/** The user object embedded in issue fields, comments and attachments (webhooks: without email). */
export function userRef(account: JiraAccount, ctx: RenderContext): Record<string, unknown> {
  return {
    self: `${restApi(ctx)}/user?accountId=${account.accountId}`,
    accountId: account.accountId,
    ...(showsEmail(account, ctx) ? { emailAddress: account.email } : {}),
    avatarUrls: avatarUrls(account),
    displayName: account.displayName,
    active: account.active,
    timeZone: account.timeZone,
    accountType: account.accountType,
  };
}

/** `GET /rest/api/3/user` and `/myself`. */
export function userJson(account: JiraAccount, ctx: RenderContext): Record<string, unknown> {
  return {
    self: `${restApi(ctx)}/user?accountId=${account.accountId}`,
    accountId: account.accountId,
    accountType: account.accountType,
    ...(showsEmail(account, ctx) ? { emailAddress: account.email } : {}),
    avatarUrls: avatarUrls(account),
    displayName: account.displayName,
    active: account.active,
    timeZone: account.timeZone,
    locale: 'en_US',
    groups: { size: 1, items: [] },
    applicationRoles: { size: 1, items: [] },
    expand: 'groups,applicationRoles',
  };
}
