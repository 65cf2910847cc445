import type { JiraChangelogEntry } from '../connectors/jira/jira-gateway';
import type { FieldChange } from '../workflows/access-request/types';

/**
 * Approvers named by a Jira user field (Assignee, JSM's Approvers): the people in it when the request
 * was raised. Jira keeps only the current value, so the value at creation is the current one with every
 * later change (the changelog's) undone, newest first. Pure, so every case is unit-tested.
 */

/** Account ids in a user field's value: one user (`{ accountId }`), a list of users, or none. */
export function accountIdsOf(value: unknown): string[] {
  if (Array.isArray(value)) return value.flatMap(accountIdsOf);
  if (value && typeof value === 'object' && typeof (value as { accountId?: unknown }).accountId === 'string')
    return [(value as { accountId: string }).accountId];
  return [];
}

/** Account ids in a changelog item's `from`/`to` (one id, or a list such as `[id1, id2]`). */
function idsIn(raw: string | null | undefined): string[] {
  return (raw ?? '').split(/[\s,[\]]+/).filter(Boolean);
}

export function fieldAtCreation(
  field: { name: string; id: string },
  current: string[],
  entries: readonly JiraChangelogEntry[],
): { atCreation: string[]; changes: FieldChange[] } {
  const same = (a?: string | null) => !!a && (a === field.id || a.toLowerCase() === field.name.toLowerCase());
  const changes: Array<FieldChange & { from: string[] }> = [];
  for (const entry of entries)
    for (const item of entry.items)
      if (same(item.fieldId) || same(item.field))
        changes.push({
          field: field.name,
          ...(entry.authorAccountId ? { byAccountId: entry.authorAccountId } : {}),
          at: new Date(Date.parse(entry.created)).toISOString(),
          to: idsIn(item.to),
          from: idsIn(item.from),
        });
  changes.sort((a, b) => Date.parse(a.at) - Date.parse(b.at));
  let value = current;
  for (const change of [...changes].reverse()) value = change.from;
  return { atCreation: value, changes: changes.map(({ from: _from, ...change }) => change) };
}
