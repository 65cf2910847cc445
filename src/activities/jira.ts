import { Context } from '@temporalio/activity';
import type { JiraTarget } from './contract';
import type { JiraGateway } from '../connectors/jira/jira-gateway';
import type { JiraConnection } from '../policy/schema';
import { classified } from './failures';

/** Jira write-back: comments (never posted twice), transitions by status name, the evidence file. */
export function jiraActivities(deps: { jira: (connection: JiraConnection) => JiraGateway }) {
  return {
    async commentOnIssue(input: JiraTarget & { text: string; dedupeKey: string; recheck?: boolean }): Promise<void> {
      return classified(async () => {
        const jira = deps.jira(input.jira.connection);
        const marker = `[Leasehold ${input.dedupeKey}]`;
        // A retry after a timeout (or a new round of the write-back) may follow a comment that did land: look first.
        const retry = Context.current().info.attempt > 1 || input.recheck === true;
        if (retry && (await jira.comments(input.issueKey)).some((c) => c.includes(marker))) return;
        await jira.addComment(input.issueKey, `${input.text}\n\n${marker}`);
      });
    },

    async transitionIssue(input: JiraTarget & { toStatus: string }): Promise<{ changed: boolean }> {
      return classified(async () => ({
        changed: await deps.jira(input.jira.connection).transitionTo(input.issueKey, input.toStatus),
      }));
    },

    async attachEvidence(
      input: JiraTarget & { fileName: string; json: string; recheck?: boolean },
    ): Promise<{ as: 'attachment' | 'comment' | 'already' }> {
      return classified(async () => {
        const jira = deps.jira(input.jira.connection);
        const retry = Context.current().info.attempt > 1 || input.recheck === true;
        if (retry && (await jira.attachmentNames(input.issueKey)).includes(input.fileName))
          return { as: 'already' as const };
        try {
          await jira.attach(input.issueKey, input.fileName, input.json);
          return { as: 'attachment' as const };
        } catch (err) {
          const status = (err as { details?: { status?: number } }).details?.status;
          // Attachments disabled (or not permitted): the evidence goes in a comment instead.
          if (status !== 403 && status !== 404 && status !== 413) throw err;
          await jira.addComment(input.issueKey, `Leasehold evidence record (${input.fileName}):\n\n${input.json}`);
          return { as: 'comment' as const };
        }
      });
    },
  };
}
