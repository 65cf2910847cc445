import type { JiraCatalog } from './catalog';
import { issueNotFound, JiraError } from './errors';
import { availableTransitions, DONE_RESOLUTION, INITIAL_STATUS_ID, type JiraTransition, statusById } from './workflow';
import type {
  ChangelogItem,
  Changelog,
  IssueDraft,
  IssueEvent,
  IssueEventListener,
  NewAttachment,
  NewComment,
  StoredAttachment,
  StoredChangelog,
  StoredComment,
  StoredIssue,
} from './records';

export type * from './records';

/** The store's content as saved between runs (see ../persistence): its issues and id counters. */
export interface JiraStoreState {
  issues: StoredIssue[];
  counters: { issue: number; comment: number; attachment: number; changelog: number };
}

/**
 * The sandbox site's state: issues with their comments and attachments, and the events their changes
 * raise (turned into webhooks elsewhere). Inputs arrive validated (see issue-input.ts).
 */

export class JiraStore {
  private readonly byId = new Map<string, StoredIssue>();
  /** Issues by key too: every REST call names its issue by key, and a site may hold 10,000 of them. */
  private readonly byKey = new Map<string, StoredIssue>();
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
    return this.byId.get(idOrKey) ?? this.byKey.get(upper);
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
      statusId: this.initialStatusOf(draft.requestTypeId),
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
    this.byKey.set(issue.key, issue);
    this.emit({ kind: 'created', issue, actorId, at });
    return issue;
  }

  /** Where an issue of the request type starts: its own initial status, else the workflow's. */
  private initialStatusOf(requestTypeId: string | null): string {
    const requestType = this.catalog.requestTypes.find((rt) => rt.id === requestTypeId);
    return requestType?.initialStatusId ?? INITIAL_STATUS_ID;
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

  /** `PUT /issue/{key}/assignee`: the changelog names both accounts (ids, and display names as strings). */
  assign(
    issue: StoredIssue,
    to: { id: string; name: string } | null,
    from: { id: string; name: string } | null,
    actorId: string,
  ): void {
    const at = this.now();
    issue.assigneeId = to?.id ?? null;
    issue.updated = at;
    const item: ChangelogItem = {
      field: 'assignee',
      fieldtype: 'jira',
      fieldId: 'assignee',
      from: from?.id ?? null,
      fromString: from?.name ?? null,
      to: to?.id ?? null,
      toString: to?.name ?? null,
    };
    this.emit({
      kind: 'updated',
      eventTypeName: 'issue_assigned',
      issue,
      actorId,
      at,
      changelog: this.changelog(issue, [item], actorId, at),
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

  /** The issues (the live records: serialise them at once) and counters. */
  exportState(): JiraStoreState {
    return {
      issues: this.issues(),
      counters: {
        issue: this.issueCounter,
        comment: this.commentCounter,
        attachment: this.attachmentCounter,
        changelog: this.changelogCounter,
      },
    };
  }

  /** Replaces the issues and counters with saved ones, which it takes over (no events: nothing new happened). */
  importState(state: JiraStoreState): void {
    this.clear();
    for (const issue of state.issues) {
      this.byId.set(issue.id, issue);
      this.byKey.set(issue.key, issue);
    }
    this.issueCounter = state.counters.issue;
    this.commentCounter = state.counters.comment;
    this.attachmentCounter = state.counters.attachment;
    this.changelogCounter = state.counters.changelog;
  }

  /** Forgets every issue (counters keep running, so keys are never reused). */
  clear(): void {
    this.byId.clear();
    this.byKey.clear();
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
