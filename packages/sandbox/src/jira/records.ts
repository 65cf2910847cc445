import type { AdfDoc } from './adf';
import type { SelectFieldKey, SelectOption } from './catalog';
import type { JiraResolution } from './workflow';

/** The records of the sandbox site's issues, as the store keeps them (see store.ts). */
export interface StoredComment {
  id: string;
  authorId: string;
  body: AdfDoc;
  jsdPublic: boolean;
  created: Date;
  updated: Date;
}

export interface StoredAttachment {
  id: string;
  filename: string;
  mimeType: string;
  content: Buffer;
  authorId: string;
  created: Date;
}

export interface StoredIssue {
  id: string;
  key: string;
  summary: string;
  description: AdfDoc | null;
  issueTypeId: string;
  requestTypeId: string | null;
  statusId: string;
  /** When the status last changed (JSM `currentStatus.statusDate`). */
  statusChangedAt: Date;
  statusCategoryChangedAt: Date;
  reporterId: string;
  creatorId: string;
  assigneeId: string | null;
  selections: Partial<Record<SelectFieldKey, SelectOption>>;
  justification: AdfDoc | null;
  labels: string[];
  resolution: JiraResolution | null;
  resolutionDate: Date | null;
  created: Date;
  updated: Date;
  comments: StoredComment[];
  attachments: StoredAttachment[];
  /** Every change, oldest first, as `GET /issue/{key}/changelog` serves it. */
  history: StoredChangelog[];
}

/** Validated content of a new issue. */
export interface IssueDraft {
  summary: string;
  description: AdfDoc | null;
  issueTypeId: string;
  requestTypeId: string | null;
  reporterId: string;
  assigneeId: string | null;
  selections: Partial<Record<SelectFieldKey, SelectOption>>;
  justification: AdfDoc | null;
  labels: string[];
}

export interface ChangelogItem {
  field: string;
  fieldtype: 'jira' | 'custom';
  fieldId: string;
  from: string | null;
  fromString: string | null;
  to: string | null;
  toString: string | null;
}

export interface Changelog {
  id: string;
  items: ChangelogItem[];
}

/** A changelog entry as the issue keeps it: who made the change, and when. */
export interface StoredChangelog extends Changelog {
  authorId: string;
  created: Date;
}

/** What happened to an issue, for webhooks. `issue` is the live record: serialise it when the event arrives. */
export type IssueEvent =
  | { kind: 'created'; issue: StoredIssue; actorId: string; at: Date }
  | {
      kind: 'updated';
      eventTypeName: 'issue_generic' | 'issue_updated' | 'issue_assigned';
      issue: StoredIssue;
      actorId: string;
      at: Date;
      changelog: Changelog;
      comment?: StoredComment;
    }
  | { kind: 'commented'; issue: StoredIssue; actorId: string; at: Date; comment: StoredComment };

export type IssueEventListener = (event: IssueEvent) => void;

export interface NewComment {
  body: AdfDoc;
  jsdPublic: boolean;
}

export interface NewAttachment {
  filename: string;
  mimeType: string;
  content: Buffer;
}
