import type { AdfDoc } from './adf';
import type { JiraCatalog, SelectFieldKey, SelectOption } from './catalog';
import { issueNotFound, JiraError } from './errors';
import {
  availableTransitions,
  DONE_RESOLUTION,
  INITIAL_STATUS_ID,
  type JiraResolution,
  type JiraTransition,
  statusById,
} from './workflow';

/**
 * The sandbox site's state: issues with their comments and attachments, and the events their changes
 * raise (turned into webhooks elsewhere). Inputs arrive validated (see issue-input.ts).
 */

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
      eventTypeName: 'issue_generic' | 'issue_updated';
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

export class JiraStore {
  private readonly byId = new Map<string, StoredIssue>();
  private readonly listeners: IssueEventListener[] = [];
  private issueCounter = 0;
  private commentCounter = 10000;
  private attachmentCounter = 10000;
  private changelogCounter = 10100;

  constructor(
    private readonly catalog: JiraCatalog,
    private readonly now: () => Date = () => new Date(),
  ) {}

  onEvent(listener: IssueEventListener): void {
    this.listeners.push(listener);
  }

  /** All issues, oldest first. */
  issues(): StoredIssue[] {
    return [...this.byId.values()];
  }

  find(idOrKey: string): StoredIssue | undefined {
    const upper = idOrKey.toUpperCase();
    return this.byId.get(idOrKey) ?? this.issues().find((i) => i.key === upper);
  }

  /** The issue, or Jira's 404. */
  get(idOrKey: string): StoredIssue {
    const issue = this.find(idOrKey);
    if (!issue) throw issueNotFound();
    return issue;
  }

  create(draft: IssueDraft, actorId: string): StoredIssue {
    this.issueCounter += 1;
    const at = this.now();
    const issue: StoredIssue = {
      ...draft,
      id: String(10000 + this.issueCounter),
      key: `${this.catalog.project.key}-${this.issueCounter}`,
      statusId: INITIAL_STATUS_ID,
      statusChangedAt: at,
      statusCategoryChangedAt: at,
      creatorId: actorId,
      resolution: null,
      resolutionDate: null,
      created: at,
      updated: at,
      comments: [],
      attachments: [],
      history: [],
    };
    this.byId.set(issue.id, issue);
    this.emit({ kind: 'created', issue, actorId, at });
    return issue;
  }

  transitionsOf(issue: StoredIssue): JiraTransition[] {
    return availableTransitions(issue.statusId);
  }

  /** Moves the issue along a transition offered from its status; 400 like Jira for any other id. */
  transition(issue: StoredIssue, transitionId: string, actorId: string, comment?: NewComment): void {
    const transition = this.transitionsOf(issue).find((t) => t.id === transitionId);
    if (!transition) throw new JiraError(400, [`Transition id '${transitionId}' is not valid for this issue.`]);
    const at = this.now();
    const from = statusById(issue.statusId);
    const to = statusById(transition.toStatusId);
    const items: ChangelogItem[] = [];
    if (to.category === 'done' && !issue.resolution) {
      items.push({
        field: 'resolution',
        fieldtype: 'jira',
        fieldId: 'resolution',
        from: null,
        fromString: null,
        to: DONE_RESOLUTION.id,
        toString: DONE_RESOLUTION.name,
      });
      issue.resolution = DONE_RESOLUTION;
      issue.resolutionDate = at;
    } else if (to.category !== 'done' && issue.resolution) {
      items.push({
        field: 'resolution',
        fieldtype: 'jira',
        fieldId: 'resolution',
        from: issue.resolution.id,
        fromString: issue.resolution.name,
        to: null,
        toString: null,
      });
      issue.resolution = null;
      issue.resolutionDate = null;
    }
    items.push({
      field: 'status',
      fieldtype: 'jira',
      fieldId: 'status',
      from: from.id,
      fromString: from.name,
      to: to.id,
      toString: to.name,
    });
    issue.statusId = to.id;
    issue.statusChangedAt = at;
    if (from.category !== to.category) issue.statusCategoryChangedAt = at;
    issue.updated = at;
    const added = comment ? this.pushComment(issue, comment, actorId, at) : undefined;
    this.emit({
      kind: 'updated',
      eventTypeName: 'issue_generic',
      issue,
      actorId,
      at,
      changelog: this.changelog(issue, items, actorId, at),
      comment: added,
    });
  }

  addComment(issue: StoredIssue, comment: NewComment, actorId: string): StoredComment {
    const at = this.now();
    const added = this.pushComment(issue, comment, actorId, at);
    issue.updated = at;
    this.emit({ kind: 'commented', issue, actorId, at, comment: added });
    return added;
  }

  addAttachments(issue: StoredIssue, files: NewAttachment[], actorId: string): StoredAttachment[] {
    const at = this.now();
    const added = files.map((f): StoredAttachment => {
      this.attachmentCounter += 1;
      return { ...f, id: String(this.attachmentCounter), authorId: actorId, created: at };
    });
    issue.attachments.push(...added);
    issue.updated = at;
    const items = added.map((a): ChangelogItem => ({
      field: 'Attachment',
      fieldtype: 'jira',
      fieldId: 'attachment',
      from: null,
      fromString: null,
      to: a.id,
      toString: a.filename,
    }));
    this.emit({
      kind: 'updated',
      eventTypeName: 'issue_updated',
      issue,
      actorId,
      at,
      changelog: this.changelog(issue, items, actorId, at),
    });
    return added;
  }

  findAttachment(id: string): { issue: StoredIssue; attachment: StoredAttachment } | undefined {
    for (const issue of this.byId.values()) {
      const attachment = issue.attachments.find((a) => a.id === id);
      if (attachment) return { issue, attachment };
    }
    return undefined;
  }

  /** Forgets every issue (counters keep running, so keys are never reused). */
  clear(): void {
    this.byId.clear();
  }

  private pushComment(issue: StoredIssue, comment: NewComment, actorId: string, at: Date): StoredComment {
    this.commentCounter += 1;
    const stored: StoredComment = {
      id: String(this.commentCounter),
      authorId: actorId,
      body: comment.body,
      jsdPublic: comment.jsdPublic,
      created: at,
      updated: at,
    };
    issue.comments.push(stored);
    return stored;
  }

  /** Records a change in the issue's history; the webhook carries the same id and items. */
  private changelog(issue: StoredIssue, items: ChangelogItem[], authorId: string, created: Date): Changelog {
    this.changelogCounter += 1;
    const entry: StoredChangelog = { id: String(this.changelogCounter), items, authorId, created };
    issue.history.push(entry);
    return { id: entry.id, items };
  }

  private emit(event: IssueEvent): void {
    for (const listener of this.listeners) listener(event);
  }
}
