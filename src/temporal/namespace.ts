import type { Connection } from '@temporalio/client';
import { msToTs } from '@temporalio/common/lib/time';
import { temporal } from '@temporalio/proto';
import { searchAttributes } from '../workflows/search-attributes';

const IndexedValueType = temporal.api.enums.v1.IndexedValueType;
const indexedType: Record<string, temporal.api.enums.v1.IndexedValueType> = {
  KEYWORD: IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD,
  DATETIME: IndexedValueType.INDEXED_VALUE_TYPE_DATETIME,
  TEXT: IndexedValueType.INDEXED_VALUE_TYPE_TEXT,
  INT: IndexedValueType.INDEXED_VALUE_TYPE_INT,
  DOUBLE: IndexedValueType.INDEXED_VALUE_TYPE_DOUBLE,
  BOOL: IndexedValueType.INDEXED_VALUE_TYPE_BOOL,
  KEYWORD_LIST: IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD_LIST,
};

/** The server's indexed-value type of a search attribute type. */
export function indexedValueType(type: string): temporal.api.enums.v1.IndexedValueType {
  return indexedType[type]!;
}

/**
 * Creates a namespace (if missing) with a retention long enough for audit, and registers Leasehold's
 * search attributes in it. The compose admin-tools job does the same with the Temporal CLI.
 */
export async function ensureNamespace(connection: Connection, namespace: string, retentionDays = 365): Promise<void> {
  try {
    await connection.workflowService.registerNamespace({
      namespace,
      workflowExecutionRetentionPeriod: msToTs(retentionDays * 24 * 3600_000),
      description: 'Leasehold access requests (history = audit evidence)',
    });
  } catch (err) {
    if (!/already (exists|registered)/i.test((err as Error).message)) throw err;
  }
  const wanted = Object.fromEntries(Object.values(searchAttributes).map((k) => [k.name, indexedType[k.type]!]));
  for (let attempt = 0; ; attempt++) {
    try {
      await connection.operatorService.addSearchAttributes({ namespace, searchAttributes: wanted });
      break;
    } catch (err) {
      if (/already exists/i.test((err as Error).message)) break;
      // A namespace just registered takes a moment to be usable.
      if (attempt > 50) throw err;
      await new Promise((r) => setTimeout(r, 200));
    }
  }
  // Wait until the namespace answers (registration propagates asynchronously).
  for (let attempt = 0; ; attempt++) {
    try {
      const described = await connection.operatorService.listSearchAttributes({ namespace });
      if (Object.keys(wanted).every((name) => name in (described.customAttributes ?? {}))) return;
    } catch (err) {
      if (attempt > 50) throw err;
    }
    if (attempt > 50) throw new Error(`search attributes of ${namespace} did not appear`);
    await new Promise((r) => setTimeout(r, 200));
  }
}
