import { z } from 'zod';

/**
 * Jira webhook payloads, parsed at the edge. Only what Leasehold reads is required; everything else
 * passes through (`.loose()`), since Jira adds fields freely.
 */

const userSchema = z
  .object({
    accountId: z.string().min(1),
    displayName: z.string().optional(),
    accountType: z.string().optional(),
    active: z.boolean().optional(),
  })
  .loose();

const statusSchema = z.object({ id: z.union([z.string(), z.number()]).transform(String), name: z.string() }).loose();

export const jiraIssueSchema = z
  .object({
    id: z.union([z.string(), z.number()]).transform(String),
    key: z.string().regex(/^[A-Z][A-Z0-9_]+-\d+$/, 'not a Jira issue key'),
    fields: z
      .object({
        project: z.object({ key: z.string() }).loose().optional(),
        status: statusSchema.optional(),
        reporter: userSchema.nullable().optional(),
        creator: userSchema.nullable().optional(),
        created: z.string().optional(),
        updated: z.string().optional(),
        summary: z.string().optional(),
      })
      .loose(),
  })
  .loose();

const changelogItemSchema = z
  .object({
    field: z.string(),
    fieldId: z.string().optional(),
    from: z.union([z.string(), z.number()]).nullable().optional(),
    fromString: z.string().nullable().optional(),
    to: z.union([z.string(), z.number()]).nullable().optional(),
    toString: z.string().nullable().optional(),
  })
  .loose();

/** An admin webhook (`jira:issue_created` / `jira:issue_updated`), or Automation's "Jira format" body. */
export const jiraWebhookSchema = z
  .object({
    timestamp: z.number().optional(),
    webhookEvent: z.string().optional(),
    issue_event_type_name: z.string().optional(),
    user: userSchema.optional(),
    issue: jiraIssueSchema,
    changelog: z
      .object({
        id: z.union([z.string(), z.number()]).transform(String).optional(),
        items: z.array(changelogItemSchema),
      })
      .loose()
      .optional(),
  })
  .loose();

export type JiraWebhook = z.infer<typeof jiraWebhookSchema>;

/** Deeper than any Jira payload (ADF documents nest a few levels): a deeper body is refused with 400. */
export const MAX_JSON_DEPTH = 64;

/** How deeply a parsed JSON value nests, counted without recursion (so a hostile body cannot overflow the stack). */
export function exceedsDepth(value: unknown, max = MAX_JSON_DEPTH): boolean {
  const stack: Array<[unknown, number]> = [[value, 1]];
  while (stack.length > 0) {
    const [node, depth] = stack.pop()!;
    if (node === null || typeof node !== 'object') continue;
    if (depth > max) return true;
    for (const child of Object.values(node as Record<string, unknown>))
      if (child !== null && typeof child === 'object') stack.push([child, depth + 1]);
  }
  return false;
}
export type JiraIssue = z.infer<typeof jiraIssueSchema>;

/** The status change in a changelog, if there is one. */
export function statusChange(payload: JiraWebhook): { from?: string; to: string } | undefined {
  const item = payload.changelog?.items.find((i) => i.field === 'status' || i.fieldId === 'status');
  if (!item?.toString) return undefined;
  return { from: item.fromString ?? undefined, to: item.toString };
}

/** A single-select option (`{ value }`), a multi-select (first value), a string, or null. */
export function optionValue(raw: unknown): string | null {
  if (raw === null || raw === undefined) return null;
  if (typeof raw === 'string') return raw.trim() || null;
  if (Array.isArray(raw)) return raw.length ? optionValue(raw[0]) : null;
  if (typeof raw === 'object') {
    const o = raw as { value?: unknown; name?: unknown };
    if (typeof o.value === 'string') return o.value;
    if (typeof o.name === 'string') return o.name;
  }
  return null;
}

/** The JSM request type name from the "Request Type" field value (`{ requestType: { name } }`). */
export function requestTypeName(raw: unknown): string | null {
  if (!raw || typeof raw !== 'object') return typeof raw === 'string' ? raw : null;
  const rt = (raw as { requestType?: { name?: unknown } }).requestType;
  return typeof rt?.name === 'string' ? rt.name : null;
}
