import { Router } from '../../http';
import { attachmentSnapshot, commentSnapshot, issueSnapshot } from '../inspection';
import {
  commentOn,
  commentSchema,
  moveIssue,
  moveIssueSchema,
  raiseRequest,
  raiseRequestSchema,
} from '../simulated-people';
import type { JiraSite } from '../site';
import type { StoredIssue } from '../store';
import { webhookJson } from '../webhook-registry';

/**
 * `/__sandbox/...` routes of the sandbox Jira (no auth, no faults): inspect issues, act out people,
 * read the webhook delivery log, reset.
 */
export function adminRoutes(site: JiraSite, reset: () => void): Router {
  const snapshot = (issue: StoredIssue): ReturnType<typeof issueSnapshot> =>
    issueSnapshot(issue, site.catalog, site.accounts);
  return new Router()
    .get('/__sandbox/catalog', () => ({ status: 200, body: site.catalog }))
    .get('/__sandbox/issues', () => ({ status: 200, body: site.store.issues().map(snapshot) }))
    .post('/__sandbox/issues', (req) => ({
      status: 201,
      body: snapshot(raiseRequest(site, raiseRequestSchema.parse(req.json()))),
    }))
    .get('/__sandbox/issues/:key', (req) => {
      const issue = site.store.get(req.params.key!);
      return {
        status: 200,
        body: {
          ...snapshot(issue),
          comments: issue.comments.map((c) => commentSnapshot(c, site.accounts)),
          attachments: issue.attachments.map((a) => ({
            ...attachmentSnapshot(a),
            content: a.content.toString('base64'),
          })),
        },
      };
    })
    .post('/__sandbox/issues/:key/transition', (req) => {
      const body = moveIssueSchema.parse(req.json());
      return { status: 200, body: snapshot(moveIssue(site, req.params.key!, body.status, body.actor, body.comment)) };
    })
    .post('/__sandbox/issues/:key/comment', (req) => {
      const body = commentSchema.parse(req.json());
      return {
        status: 201,
        body: commentSnapshot(commentOn(site, req.params.key!, body.text, body.actor, body.internal), site.accounts),
      };
    })
    .get('/__sandbox/webhooks', () => ({
      status: 200,
      body: site.webhooks
        .list()
        .map((h) => ({ id: h.id, source: h.source, signed: h.secret !== undefined, ...webhookJson(h, site.base()) })),
    }))
    .get('/__sandbox/webhook-deliveries', () => ({ status: 200, body: site.dispatcher.deliveries() }))
    .post('/__sandbox/reset', () => {
      reset();
      return { status: 200, body: { reset: true } };
    });
}
