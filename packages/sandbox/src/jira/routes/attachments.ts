import type { Router } from '../../http';
import { JiraError } from '../errors';
import { attachmentJson } from '../issue-json';
import { parseMultipart } from '../multipart';
import { apiVersion, type JiraSite, renderContext } from '../site';

/**
 * Attachments: `POST /rest/api/{2,3}/issue/{key}/attachments` (multipart, field `file`, header
 * `X-Atlassian-Token: no-check`), their metadata and their content.
 */
export function attachmentRoutes(router: Router, site: JiraSite): void {
  const { store } = site;

  router.post('/rest/api/:v/issue/:issueIdOrKey/attachments', (req) => {
    const api = apiVersion(req);
    const actor = site.auth.actor(req);
    if (String(req.headers['x-atlassian-token'] ?? '').toLowerCase() !== 'no-check') {
      return { status: 403, headers: { 'content-type': 'text/plain;charset=UTF-8' }, body: 'XSRF check failed' };
    }
    const issue = store.get(req.params.issueIdOrKey!);
    const files = parseMultipart(req.rawBody, req.headers['content-type'])
      .filter((p) => p.name === 'file' && p.filename !== undefined)
      .map((p) => ({ filename: p.filename!, mimeType: p.contentType ?? 'application/octet-stream', content: p.data }));
    if (files.length === 0)
      throw new JiraError(400, ['No attachment was provided: send the files as multipart parts named "file".']);
    const added = store.addAttachments(issue, files, actor.accountId);
    const ctx = renderContext(site, api, actor.accountId);
    return { status: 200, body: added.map((a) => attachmentJson(a, ctx)) };
  });

  router.get('/rest/api/:v/attachment/:id', (req) => {
    const ctx = renderContext(site, apiVersion(req), site.auth.actor(req).accountId);
    const found = store.findAttachment(req.params.id!);
    if (!found) throw new JiraError(404, [`The attachment with id '${req.params.id}' does not exist`]);
    return { status: 200, body: attachmentJson(found.attachment, ctx) };
  });

  router.get('/rest/api/:v/attachment/content/:id', (req) => {
    apiVersion(req);
    const found = store.findAttachment(req.params.id!);
    if (!found) throw new JiraError(404, [`The attachment with id '${req.params.id}' does not exist`]);
    const { attachment } = found;
    return {
      status: 200,
      headers: {
        'content-type': attachment.mimeType,
        'content-disposition': `attachment; filename="${attachment.filename.replace(/"/g, '')}"`,
      },
      body: attachment.content,
    };
  });
}
