import type { Version3Client } from 'jira.js';
import { expandSetting, readSecret } from '../../config/settings';
import type { JiraConnection } from '../../policy/schema';
import { ConnectorError } from '../connector-error';
import { createJiraClient, type JiraClientOptions } from './jira-client';
import { classifyJiraError } from './jira-errors';

export interface JiraUserInfo {
  accountId: string;
  email?: string;
  displayName?: string;
  active?: boolean;
}

/** One entry of an issue's changelog: who changed what, when (Jira's own record of a decision). */
export interface JiraChangelogEntry {
  id: string;
  authorAccountId?: string;
  /** ISO 8601 as Jira writes it (e.g. `2026-11-22T16:40:00.000+0000`). */
  created: string;
  items: Array<{
    field?: string;
    fieldId?: string;
    from?: string | null;
    fromString?: string | null;
    to?: string | null;
    toString?: string | null;
  }>;
}

export interface JiraCommentEntry {
  authorAccountId?: string;
  created: string;
  text: string;
}

/** An issue's fields by id, as Jira answers them (custom fields included). */
export interface JiraIssueFields {
  id: string;
  key: string;
  fields: Record<string, unknown>;
}

/** Atlassian Document Format for plain text: one paragraph per blank-line-separated block. */
export function toAdf(text: string): {
  type: 'doc';
  version: 1;
  content: Array<{ type: 'paragraph'; content: Array<{ type: 'text'; text: string }> }>;
} {
  return {
    type: 'doc',
    version: 1,
    content: text
      .split(/\n{2,}/)
      .filter((p) => p.trim().length > 0)
      .map((p) => ({ type: 'paragraph' as const, content: [{ type: 'text' as const, text: p }] })),
  };
}

/** Plain text of an ADF document or a wiki string (what Jira gives back for a comment body); iterative, in document order. */
export function adfText(body: unknown): string {
  if (typeof body === 'string') return body;
  const out: string[] = [];
  const stack: unknown[] = [body];
  while (stack.length > 0) {
    const node = stack.pop();
    if (!node || typeof node !== 'object') continue;
    const n = node as { text?: unknown; content?: unknown };
    if (typeof n.text === 'string') out.push(n.text);
    if (Array.isArray(n.content)) for (let i = n.content.length - 1; i >= 0; i--) stack.push(n.content[i]);
  }
  return out.join(' ');
}

/**
 * Leasehold's Jira Cloud REST access through jira.js v5: the calls the workflows and the webhook
 * starter need, with every failure classified as a {@link ConnectorError}. jira.js does not retry 429,
 * so a rate limit surfaces as `rate-limited` with the Retry-After delay for Temporal's retry.
 */
export class JiraGateway {
  private constructor(
    readonly client: Version3Client,
    readonly site: string,
  ) {}

  /** A gateway to the site as the account with this email and API token. */
  static connect(options: JiraClientOptions): JiraGateway {
    const site = options.host.replace(/\/+$/, '');
    return new JiraGateway(createJiraClient({ ...options, host: site }), site);
  }

  /** Builds the client from a rules connection; the API token is read here, in the worker. */
  static fromConnection(connection: JiraConnection): JiraGateway {
    return JiraGateway.connect({
      host: expandSetting(connection.site),
      email: expandSetting(connection.email),
      apiToken: readSecret(connection.apiToken),
    });
  }

  async user(accountId: string): Promise<JiraUserInfo> {
    const user = await this.call('get user', () => this.client.users.getUser({ accountId }));
    return { accountId, email: user.emailAddress || undefined, displayName: user.displayName, active: user.active };
  }

  async myself(): Promise<JiraUserInfo> {
    const me = await this.call('get myself', () => this.client.myself.getCurrentUser());
    return { accountId: me.accountId!, email: me.emailAddress, displayName: me.displayName, active: me.active };
  }

  async issueStatus(issueKey: string): Promise<string> {
    const issue = await this.call('get issue', () =>
      this.client.issues.getIssue({ issueIdOrKey: issueKey, fields: ['status'] }),
    );
    return issue.fields.status?.name ?? '';
  }

  /** The issue with the given fields (ids), as Jira has it now. */
  async issue(issueKey: string, fieldIds: string[]): Promise<JiraIssueFields> {
    const issue = await this.call('get issue', () =>
      this.client.issues.getIssue({ issueIdOrKey: issueKey, fields: fieldIds }),
    );
    return { id: issue.id, key: issue.key, fields: issue.fields as unknown as Record<string, unknown> };
  }

  /** File names of the issue's attachments. */
  async attachmentNames(issueKey: string): Promise<string[]> {
    const issue = await this.issue(issueKey, ['attachment']);
    const attachments = issue.fields.attachment;
    return Array.isArray(attachments) ? attachments.map((a: { filename?: unknown }) => String(a.filename ?? '')) : [];
  }

  /** The issue's whole changelog, oldest first (`GET /issue/{key}/changelog`, 100 a page). */
  async changelog(issueKey: string): Promise<JiraChangelogEntry[]> {
    const entries: JiraChangelogEntry[] = [];
    for (let startAt = 0; ;) {
      const page = await this.call('get changelog', () =>
        this.client.issues.getChangeLogs({ issueIdOrKey: issueKey, startAt, maxResults: 100 }),
      );
      const values = page.values ?? [];
      for (const v of values) {
        if (v.id && v.created)
          entries.push({ id: v.id, authorAccountId: v.author?.accountId, created: v.created, items: v.items ?? [] });
      }
      startAt += values.length;
      if (values.length === 0 || page.isLast !== false) return entries;
    }
  }

  async fields(): Promise<Array<{ id: string; name: string }>> {
    const fields = await this.call('get fields', () => this.client.issueFields.getFields());
    return fields.filter((f) => f.id && f.name).map((f) => ({ id: f.id!, name: f.name! }));
  }

  async comments(issueKey: string): Promise<string[]> {
    return (await this.commentEntries(issueKey)).map((c) => c.text);
  }

  /** The issue's comments, oldest first, with who wrote each and when. */
  async commentEntries(issueKey: string): Promise<JiraCommentEntry[]> {
    const entries: JiraCommentEntry[] = [];
    for (let startAt = 0; ;) {
      const page = await this.call('get comments', () =>
        this.client.issueComments.getComments({ issueIdOrKey: issueKey, startAt, maxResults: 100 }),
      );
      const comments = page.comments ?? [];
      entries.push(
        ...comments.map((c) => ({
          ...(c.author?.accountId ? { authorAccountId: c.author.accountId } : {}),
          created: String(c.created ?? ''),
          text: adfText(c.body),
        })),
      );
      startAt += comments.length;
      if (comments.length === 0 || startAt >= (page.total ?? 0)) return entries;
    }
  }

  async addComment(issueKey: string, text: string): Promise<void> {
    await this.call('add comment', () =>
      this.client.issueComments.addComment({ issueIdOrKey: issueKey, comment: toAdf(text) }),
    );
  }

  /** Moves the issue to the named status through an available transition; false when it is already there. */
  async transitionTo(issueKey: string, statusName: string): Promise<boolean> {
    const current = await this.issueStatus(issueKey);
    if (current.toLowerCase() === statusName.toLowerCase()) return false;
    const { transitions = [] } = await this.call('get transitions', () =>
      this.client.issues.getTransitions({ issueIdOrKey: issueKey }),
    );
    const transition = transitions.find((t) => t.to?.name?.toLowerCase() === statusName.toLowerCase());
    if (!transition?.id) {
      const available = transitions
        .map((t) => t.to?.name)
        .filter(Boolean)
        .join(', ');
      throw new ConnectorError(
        'permanent',
        `no transition from "${current}" to "${statusName}" on ${issueKey} (available: ${available || 'none'})`,
        { service: 'jira' },
      );
    }
    await this.call('transition issue', () =>
      this.client.issues.doTransition({ issueIdOrKey: issueKey, transition: { id: transition.id! } }),
    );
    return true;
  }

  /** Creates an issue (as this gateway's account); returns its key. */
  async createIssue(fields: Record<string, unknown>): Promise<string> {
    const created = await this.call('create issue', () =>
      this.client.issues.createIssue({ fields } as Parameters<Version3Client['issues']['createIssue']>[0]),
    );
    return created.key;
  }

  async attach(issueKey: string, fileName: string, content: string, mimeType = 'application/json'): Promise<void> {
    await this.call('add attachment', () =>
      this.client.issueAttachments.addAttachment({
        issueIdOrKey: issueKey,
        attachment: { filename: fileName, file: Buffer.from(content, 'utf8'), mimeType },
      }),
    );
  }

  private async call<T>(what: string, fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (err) {
      throw classifyJiraError(err, what, this.site);
    }
  }
}
