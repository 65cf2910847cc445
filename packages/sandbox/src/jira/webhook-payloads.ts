import { commentJson, issueFieldValues, statusJson } from './issue-json';
import { accountOf, type RenderContext, restApi } from './render-context';
import type { IssueEvent } from './store';
import { userRef } from './user-json';

/**
 * The bodies Jira POSTs for an issue event, serialised when the event happens (a retry resends the
 * same bytes). Issues come in the v2 shape and no user object carries an email address.
 */

export interface WebhookMessage {
  webhookEvent: string;
  /** `issue_created`, `issue_generic`, `issue_updated`, `issue_commented`; none for `comment_created`. */
  issueEventTypeName?: string;
  issueKey: string;
  projectKey: string;
  body: Buffer;
}

export function webhookMessages(event: IssueEvent, ctx: RenderContext): WebhookMessage[] {
  const { issue } = event;
  const timestamp = event.at.getTime();
  const user = userRef(accountOf(ctx, event.actorId), ctx);
  const issueJson = {
    id: issue.id,
    self: `${restApi(ctx)}/issue/${issue.id}`,
    key: issue.key,
    fields: issueFieldValues(issue, ctx),
  };
  const message = (
    webhookEvent: string,
    issueEventTypeName: string | undefined,
    body: Record<string, unknown>,
  ): WebhookMessage => ({
    webhookEvent,
    issueEventTypeName,
    issueKey: issue.key,
    projectKey: ctx.catalog.project.key,
    body: Buffer.from(JSON.stringify(body), 'utf8'),
  });

  switch (event.kind) {
    case 'created':
      return [
        message('jira:issue_created', 'issue_created', {
          timestamp,
          webhookEvent: 'jira:issue_created',
          issue_event_type_name: 'issue_created',
          user,
          issue: issueJson,
        }),
      ];
    case 'updated': {
      const comment = event.comment && commentJson(issue, event.comment, ctx);
      return [
        message('jira:issue_updated', event.eventTypeName, {
          timestamp,
          webhookEvent: 'jira:issue_updated',
          issue_event_type_name: event.eventTypeName,
          user,
          issue: issueJson,
          changelog: event.changelog,
          ...(comment ? { comment } : {}),
        }),
      ];
    }
    case 'commented': {
      const comment = commentJson(issue, event.comment, ctx);
      const brief = {
        id: issue.id,
        self: issueJson.self,
        key: issue.key,
        fields: {
          summary: issue.summary,
          issuetype: issueJson.fields.issuetype,
          project: issueJson.fields.project,
          assignee: issueJson.fields.assignee,
          status: statusJson(issue.statusId, ctx),
        },
      };
      return [
        message('jira:issue_updated', 'issue_commented', {
          timestamp,
          webhookEvent: 'jira:issue_updated',
          issue_event_type_name: 'issue_commented',
          user,
          issue: issueJson,
          comment,
        }),
        message('comment_created', undefined, { timestamp, webhookEvent: 'comment_created', comment, issue: brief }),
      ];
    }
  }
}
