import { samplePerson } from '@leasehold/sandbox';
import { jiraWebhookSchema } from '../../../src/starter/jira-payload';
import { classifyEvent } from '../../../src/starter/request-mapping';
import { examplePortal, sandboxFieldIds, sandboxJiraEvents } from './sandbox-events';

/**
 * Access Review items in the webhook: only a move to a keep or revoke status (by someone) is a claim for
 * the item's workflow; everything else about them is ignored. Bodies are the sandbox's, for an issue
 * whose request type is Access Review.
 */
const portal = examplePortal();
type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

function reviewEvent(status: string, event: 'jira:issue_updated' | 'jira:issue_created' = 'jira:issue_updated') {
  const jira = sandboxJiraEvents();
  const key = jira.raise({
    reporter: 'alice',
    application: 'Jira Software',
    accessType: 'User',
    duration: '1 day',
    justification: 'x',
  });
  jira.move(key, status, 'bob');
  const body = JSON.parse(jira.last(key, event).toString('utf8')) as Json;
  // The same issue, as an Access Review item.
  body.issue.fields[sandboxFieldIds.requestType].requestType.name = 'Access Review';
  return { key, payload: jiraWebhookSchema.parse(body) };
}

describe('classifying Access Review items', () => {
  test('a move to Keep or Revoke is a review decision by its actor', () => {
    for (const [status, decision] of [
      ['Keep', 'keep'],
      ['Revoke', 'revoke'],
    ] as const) {
      const { key, payload } = reviewEvent(status);
      expect(classifyEvent(payload, portal, sandboxFieldIds)).toEqual({
        action: 'review',
        issueKey: key,
        decision,
        status,
        actorAccountId: samplePerson('bob').jiraAccountId,
      });
    }
  });

  test('other statuses, and the item being created, mean nothing (never an access request)', () => {
    expect(classifyEvent(reviewEvent('Approved by Manager').payload, portal, sandboxFieldIds)).toEqual({
      action: 'ignore',
      reason: expect.stringContaining('status "Approved by Manager" is not keep or revoke'),
    });
    expect(classifyEvent(reviewEvent('Keep', 'jira:issue_created').payload, portal, sandboxFieldIds)).toEqual({
      action: 'ignore',
      reason: expect.stringContaining('not a status change'),
    });
  });
});
