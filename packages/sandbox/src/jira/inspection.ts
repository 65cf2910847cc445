import { type AdfDoc, adfToPlainText } from './adf';
import type { JiraAccountDirectory } from './accounts';
import type { JiraCatalog } from './catalog';
import type { StoredAttachment, StoredComment, StoredIssue } from './store';
import { STATUS_CATEGORIES, statusById, type StatusCategoryKey } from './workflow';

/** Plain, typed views of the sandbox's state for tests and the `/__sandbox/issues` routes. */

export interface JiraIssueSnapshot {
  id: string;
  key: string;
  summary: string;
  /** The description as plain text. */
  description: string | null;
  issueType: string;
  /** Request type name, or null for an issue created without one. */
  requestType: string | null;
  status: string;
  statusId: string;
  statusCategory: StatusCategoryKey;
  resolution: string | null;
  reporterAccountId: string;
  reporterEmail: string;
  assigneeAccountId: string | null;
  application: string | null;
  accessType: string | null;
  duration: string | null;
  /** The justification as plain text. */
  justification: string | null;
  labels: string[];
  commentCount: number;
  attachmentCount: number;
  created: string;
  updated: string;
}

export interface JiraCommentSnapshot {
  id: string;
  authorAccountId: string;
  authorEmail: string;
  /** The body as plain text. */
  text: string;
  body: AdfDoc;
  jsdPublic: boolean;
  created: string;
}

export interface JiraAttachmentSnapshot {
  id: string;
  filename: string;
  mimeType: string;
  size: number;
  content: Buffer;
  authorAccountId: string;
  created: string;
}

const text = (doc: AdfDoc | null): string | null => (doc ? adfToPlainText(doc) : null);

export function issueSnapshot(
  issue: StoredIssue,
  catalog: JiraCatalog,
  accounts: JiraAccountDirectory,
): JiraIssueSnapshot {
  const status = statusById(issue.statusId);
  return {
    id: issue.id,
    key: issue.key,
    summary: issue.summary,
    description: text(issue.description),
    issueType: catalog.issueTypes.find((t) => t.id === issue.issueTypeId)?.name ?? issue.issueTypeId,
    requestType: catalog.requestTypes.find((rt) => rt.id === issue.requestTypeId)?.name ?? null,
    status: status.name,
    statusId: status.id,
    statusCategory: STATUS_CATEGORIES[status.category].key,
    resolution: issue.resolution?.name ?? null,
    reporterAccountId: issue.reporterId,
    reporterEmail: accounts.byAccountId(issue.reporterId)?.email ?? '',
    assigneeAccountId: issue.assigneeId,
    application: issue.selections.application?.value ?? null,
    accessType: issue.selections.accessType?.value ?? null,
    duration: issue.selections.duration?.value ?? null,
    justification: text(issue.justification),
    labels: [...issue.labels],
    commentCount: issue.comments.length,
    attachmentCount: issue.attachments.length,
    created: issue.created.toISOString(),
    updated: issue.updated.toISOString(),
  };
}

export function commentSnapshot(comment: StoredComment, accounts: JiraAccountDirectory): JiraCommentSnapshot {
  return {
    id: comment.id,
    authorAccountId: comment.authorId,
    authorEmail: accounts.byAccountId(comment.authorId)?.email ?? '',
    text: adfToPlainText(comment.body),
    body: comment.body,
    jsdPublic: comment.jsdPublic,
    created: comment.created.toISOString(),
  };
}

export function attachmentSnapshot(attachment: StoredAttachment): JiraAttachmentSnapshot {
  return {
    id: attachment.id,
    filename: attachment.filename,
    mimeType: attachment.mimeType,
    size: attachment.content.length,
    content: Buffer.from(attachment.content),
    authorAccountId: attachment.authorId,
    created: attachment.created.toISOString(),
  };
}
