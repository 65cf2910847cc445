import type { Router } from '../../http';
import { jiraDateTime } from '../dates';
import { JiraError } from '../errors';
import { apiVersion, intParam, type JiraSite, renderContext } from '../site';
import { userJson } from '../user-json';

/** `/rest/api/{2,3}/user`, `/user/search`, `/myself`, `/field` and `/serverInfo`. */
export function userAndMetaRoutes(router: Router, site: JiraSite): void {
  router.get('/rest/api/:v/user', (req) => {
    const ctx = renderContext(site, apiVersion(req), site.auth.actor(req).accountId);
    const accountId = req.url.searchParams.get('accountId');
    if (!accountId) throw new JiraError(400, ["The 'accountId' query parameter needs to be provided."]);
    const account = site.accounts.byAccountId(accountId);
    if (!account || account.deleted)
      throw new JiraError(404, ['Specified user does not exist or you do not have required permissions']);
    return { status: 200, body: userJson(account, ctx) };
  });

  router.get('/rest/api/:v/user/search', (req) => {
    const ctx = renderContext(site, apiVersion(req), site.auth.actor(req).accountId);
    const query = req.url.searchParams.get('query');
    const accountId = req.url.searchParams.get('accountId');
    if (!query && !accountId)
      throw new JiraError(400, ["One of 'query' or 'accountId' query parameters must be provided."]);
    const found = accountId
      ? site.accounts.all().filter((a) => a.accountId === accountId && !a.deleted)
      : site.accounts.search(query ?? '');
    const startAt = intParam(req, 'startAt', 0);
    const maxResults = intParam(req, 'maxResults', 50);
    return { status: 200, body: found.slice(startAt, startAt + maxResults).map((a) => userJson(a, ctx)) };
  });

  router.get('/rest/api/:v/myself', (req) => {
    const actor = site.auth.actor(req);
    return { status: 200, body: userJson(actor, renderContext(site, apiVersion(req), actor.accountId)) };
  });

  router.get('/rest/api/:v/field', (req) => {
    apiVersion(req);
    return { status: 200, body: site.fields };
  });

  router.get('/rest/api/:v/serverInfo', (req) => {
    apiVersion(req);
    return {
      status: 200,
      body: {
        baseUrl: site.base(),
        displayUrl: site.base(),
        version: '1001.0.0-SNAPSHOT',
        versionNumbers: [1001, 0, 0],
        deploymentType: 'Cloud',
        buildNumber: 100000,
        buildDate: '2026-01-01T00:00:00.000+0000',
        serverTime: jiraDateTime(new Date()),
        scmInfo: 'sandbox',
        serverTitle: 'Jira',
        defaultLocale: { locale: 'en_US' },
        serverTimeZone: 'Etc/UTC',
      },
    };
  });
}
