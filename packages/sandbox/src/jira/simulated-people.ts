import { z } from 'zod';
import { HttpError } from '../http';
import type { JiraAccount } from './accounts';
import { wikiToAdf } from './adf';
import { findRequestType } from './catalog';
import { parseRequestFieldValues } from './issue-input';
import type { JiraSite } from './site';
import type { StoredComment, StoredIssue } from './store';
import { JIRA_STATUSES, statusById, statusByName } from './workflow';

/**
 * What people do in Jira's own UI, which the sandbox lets tests and demos act out: raise a request in
 * the portal, move an issue (a manager approving), comment. Each goes through the store, so it raises
 * the same webhooks as the real thing.
 */

export const raiseRequestSchema = z.object({
  /** Handle, email or accountId of the requester. */
  reporter: z.string().default('alice'),
  /** Request type name, id or portal key. */
  requestType: z.string().default('Request Application Access'),
  summary: z.string().min(1).optional(),
  application: z.string().optional(),
  accessType: z.string().optional(),
  duration: z.string().optional(),
  justification: z.string().optional(),
  description: z.string().optional(),
});

export type RaiseRequestInput = z.input<typeof raiseRequestSchema>;

export const moveIssueSchema = z.object({
  status: z.string().min(1),
  actor: z.string().optional(),
  comment: z.string().optional(),
});
export const commentSchema = z.object({
  text: z.string().min(1),
  actor: z.string().optional(),
  internal: z.boolean().optional(),
});

function person(site: JiraSite, ref: string): JiraAccount {
  const account = site.accounts.find(ref);
  if (!account) throw new HttpError(400, `unknown Jira user ${ref}`);
  return account;
}

export function raiseRequest(site: JiraSite, input: RaiseRequestInput): StoredIssue {
  const parsed = raiseRequestSchema.parse(input);
  const reporter = person(site, parsed.reporter);
  const requestType = findRequestType(site.catalog, parsed.requestType);
  if (!requestType) throw new HttpError(400, `unknown request type ${parsed.requestType}`);
  const { catalog } = site;
  const values: Record<string, unknown> = {
    summary: parsed.summary ?? [requestType.name, parsed.application, parsed.accessType].filter(Boolean).join(': '),
  };
  if (parsed.description !== undefined) values.description = parsed.description;
  if (parsed.application !== undefined) values[catalog.selectFields.application.id] = { value: parsed.application };
  if (parsed.accessType !== undefined) values[catalog.selectFields.accessType.id] = { value: parsed.accessType };
  if (parsed.duration !== undefined) values[catalog.selectFields.duration.id] = { value: parsed.duration };
  if (parsed.justification !== undefined) values[catalog.justificationField.id] = parsed.justification;
  const draft = parseRequestFieldValues(values, requestType, reporter.accountId, {
    catalog,
    accounts: site.accounts,
    actorId: reporter.accountId,
    richText: 'wiki',
  });
  return site.store.create(draft, reporter.accountId);
}

/** Moves an issue to a status (by name or id) through the transition into it; the actor defaults to the bot. */
export function moveIssue(
  site: JiraSite,
  key: string,
  statusRef: string,
  actorRef = 'leasehold',
  comment?: string,
): StoredIssue {
  const issue = site.store.get(key);
  const status =
    statusByName(statusRef) ?? (JIRA_STATUSES.some((s) => s.id === statusRef) ? statusById(statusRef) : undefined);
  if (!status) throw new HttpError(400, `unknown status ${statusRef}`);
  const transition = site.store.transitionsOf(issue).find((t) => t.toStatusId === status.id);
  if (!transition) throw new HttpError(409, `${issue.key} is already ${status.name}`);
  const actor = person(site, actorRef);
  site.store.transition(
    issue,
    transition.id,
    actor.accountId,
    comment === undefined ? undefined : { body: wikiToAdf(comment), jsdPublic: true },
  );
  return issue;
}

export function commentOn(
  site: JiraSite,
  key: string,
  text: string,
  actorRef = 'leasehold',
  internal = false,
): StoredComment {
  const issue = site.store.get(key);
  return site.store.addComment(
    issue,
    { body: wikiToAdf(text), jsdPublic: !internal },
    person(site, actorRef).accountId,
  );
}
