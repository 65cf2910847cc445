import type { Connection } from '@temporalio/client';
import { msToTs, tsToMs } from '@temporalio/common/lib/time';
import { temporal } from '@temporalio/proto';
import { searchAttributes } from '../workflows/search-attributes';

/**
 * Temporal setup for Leasehold, from the code: the namespace with its retention (history = audit
 * evidence, so a year by default) and every search attribute of `src/workflows/search-attributes.ts`.
 * Idempotent; the one implementation behind `leasehold temporal setup` (the compose job), the embedded
 * dev server and the tests.
 */

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
const DAY_MS = 24 * 3600_000;

/** The server's indexed-value type of a search attribute type. */
export function indexedValueType(type: string): temporal.api.enums.v1.IndexedValueType {
  return indexedType[type]!;
}

export interface SetupOptions {
  namespace: string;
  retentionDays?: number;
  /** Only check: report what is missing or different, change nothing (e.g. on Temporal Cloud). */
  verifyOnly?: boolean;
  /** How long to wait for the server and a new namespace to answer. */
  timeoutMs?: number;
}

export interface SetupReport {
  namespace: string;
  created: boolean;
  retentionDays: number;
  /** The retention it had before, when setup changed it. */
  retentionChangedFrom?: number;
  searchAttributesAdded: string[];
  /** What a verify-only run found missing or different (empty: all in place). */
  problems: string[];
}

export class TemporalSetupError extends Error {
  override readonly name = 'TemporalSetupError';
}

/** Creates or updates the namespace and registers the search attributes; a second run changes nothing. */
export async function setupTemporal(connection: Connection, options: SetupOptions): Promise<SetupReport> {
  const { namespace, verifyOnly = false } = options;
  const retentionDays = options.retentionDays ?? 365;
  const deadline = Date.now() + (options.timeoutMs ?? 60_000);
  const report: SetupReport = { namespace, created: false, retentionDays, searchAttributesAdded: [], problems: [] };
  await until(deadline, 'the Temporal server to answer', () => connection.healthService.check({}).then(() => true));

  let current = await describeNamespace(connection, namespace);
  if (!current) {
    if (verifyOnly) return { ...report, problems: [`namespace ${namespace} does not exist`] };
    await connection.workflowService
      .registerNamespace({
        namespace,
        workflowExecutionRetentionPeriod: msToTs(retentionDays * DAY_MS),
        description: 'Leasehold access requests (history = audit evidence)',
      })
      .catch(ignore(/already (exists|registered)/i));
    report.created = true;
    current = await until(deadline, `namespace ${namespace} to be usable`, () =>
      describeNamespace(connection, namespace),
    );
  }
  const had = Math.round(tsToMs(current.config?.workflowExecutionRetentionTtl) / DAY_MS);
  if (had !== retentionDays) {
    if (verifyOnly) report.problems.push(`namespace ${namespace} keeps history ${had} days, not ${retentionDays}`);
    else {
      await connection.workflowService.updateNamespace({
        namespace,
        config: { workflowExecutionRetentionTtl: msToTs(retentionDays * DAY_MS) },
      });
      report.retentionChangedFrom = had;
    }
  }

  const wanted = Object.fromEntries(Object.values(searchAttributes).map((k) => [k.name, indexedType[k.type]!]));
  const existing = await until(deadline, `the search attributes of ${namespace}`, () =>
    listCustom(connection, namespace),
  );
  const missing: Record<string, temporal.api.enums.v1.IndexedValueType> = {};
  for (const [name, type] of Object.entries(wanted)) {
    if (existing[name] === undefined) missing[name] = type;
    else if (existing[name] !== type) {
      report.problems.push(
        `search attribute ${name} is ${IndexedValueType[existing[name]!]}, Leasehold needs ${IndexedValueType[type]}`,
      );
    }
  }
  if (verifyOnly) {
    for (const name of Object.keys(missing))
      report.problems.push(`search attribute ${name} (${IndexedValueType[missing[name]!]}) is not registered`);
    return report;
  }
  if (report.problems.length > 0) throw new TemporalSetupError(report.problems.join('; '));
  if (Object.keys(missing).length > 0) {
    await until(deadline, `search attributes to be added to ${namespace}`, () =>
      connection.operatorService.addSearchAttributes({ namespace, searchAttributes: missing }).then(
        () => true,
        (err: Error) => (/already exists/i.test(err.message) ? true : Promise.reject(err)),
      ),
    );
    report.searchAttributesAdded = Object.keys(missing);
  }
  await until(deadline, `search attributes of ${namespace} to appear`, async () => {
    const now = await listCustom(connection, namespace);
    return Object.keys(wanted).every((name) => now[name] !== undefined) || undefined;
  });
  return report;
}

/** The namespace and search attributes of the tests and the embedded server (short retention allowed). */
export async function ensureNamespace(connection: Connection, namespace: string, retentionDays = 365): Promise<void> {
  await setupTemporal(connection, { namespace, retentionDays });
}

async function describeNamespace(
  connection: Connection,
  namespace: string,
): Promise<temporal.api.workflowservice.v1.DescribeNamespaceResponse | undefined> {
  try {
    return await connection.workflowService.describeNamespace({ namespace });
  } catch (err) {
    if (/not found/i.test((err as Error).message)) return undefined;
    throw err;
  }
}

async function listCustom(
  connection: Connection,
  namespace: string,
): Promise<Record<string, temporal.api.enums.v1.IndexedValueType>> {
  const listed = await connection.operatorService.listSearchAttributes({ namespace });
  return (listed.customAttributes ?? {}) as Record<string, temporal.api.enums.v1.IndexedValueType>;
}

const ignore = (pattern: RegExp) => (err: Error) => {
  if (!pattern.test(err.message)) throw err;
};

/** Retries `attempt` until it yields a value (a namespace just created propagates asynchronously). */
async function until<T>(deadline: number, what: string, attempt: () => Promise<T | undefined>): Promise<T> {
  let last: unknown;
  for (;;) {
    try {
      const value = await attempt();
      if (value !== undefined) return value;
    } catch (err) {
      if (/permission|unauthori[sz]ed|unimplemented/i.test((err as Error).message))
        throw new TemporalSetupError(`${what}: ${(err as Error).message}`);
      last = err;
    }
    if (Date.now() > deadline)
      throw new TemporalSetupError(`timed out waiting for ${what}${last ? `: ${(last as Error).message}` : ''}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}
