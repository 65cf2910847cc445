import {
  startEntraSandbox,
  startOktaSandbox,
  type EntraDirectoryState,
  type OktaDirectoryState,
  type SandboxesOptions,
} from '@leasehold/sandbox';
import { exampleRulesText, Leasehold } from '../../test/harness/leasehold';
import { driftStateQuery } from '../../src/workflows/drift/messages';
import { DRIFT_WORKFLOW_ID } from '../../src/workflows/ids';

/** One line of the table: figure | measured | target | ratio to raw baseline (same run) | held. */
export interface Row {
  figure: string;
  measured: string;
  target: string;
  /** Ratio of this row's latency to the one-activity raw baseline p50 (latency rows only). */
  ratio?: number;
  /** Whether the target held; undefined when the row has no target. */
  held?: boolean;
  /** Shown under the table. */
  note?: string;
}

export interface PerfContext {
  quick: boolean;
  size(full: number, quick: number): number;
  /** p50 of the one-activity raw baseline, ms (set by figure 1; the other figures' ratios divide by it). */
  baselineMs?: number;
  /** Problems that mean the bench itself broke (lost or failed requests): exit 1. */
  broken: string[];
  log(line: string): void;
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export function percentile(values: number[], p: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

export const ms = (n: number): string => (Number.isFinite(n) ? `${n.toFixed(n < 10 ? 1 : 0)} ms` : '–');
export const secs = (n: number): string => (Number.isFinite(n) ? `${(n / 1000).toFixed(2)} s` : '–');

export function ratioTo(ctx: PerfContext, valueMs: number): number | undefined {
  return ctx.baselineMs ? valueMs / ctx.baselineMs : undefined;
}

/** Runs `fn` over `items` with at most `concurrency` in flight. */
export async function pool<T>(
  items: T[],
  concurrency: number,
  fn: (item: T, i: number) => Promise<void>,
): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(concurrency, items.length) }, async () => {
      while (next < items.length) {
        const i = next++;
        await fn(items[i]!, i);
      }
    }),
  );
}

// ---- the bench's rules and directories -----------------------------------------------------------

/** Groups per directory: distinct memberships, so every grant is one real add and one real removal. */
export const PERF_GROUPS = 250;
const pad = (i: number): string => String(i).padStart(3, '0');
export const oktaGroup = (i: number): string => `perf-okta-${pad(i)}`;
export const entraGroup = (i: number): string => `perf-entra-${pad(i)}`;
/** Levels: M (manager approves, Okta), A (auto-approved, Okta), E (auto-approved, Entra); one group each. */
export const level = (kind: 'M' | 'A' | 'E', i: number): string => `${kind}${pad(i)}`;
export const APP = { M: 'Perf Okta', A: 'Perf Okta Auto', E: 'Perf Entra Auto' } as const;
/** Requesters whose manager approves (bob for alice and erin, dave for bob and carol). */
export const MANAGED: ReadonlyArray<{ as: string; approver: string }> = [
  { as: 'alice', approver: 'bob' },
  { as: 'erin', approver: 'bob' },
  { as: 'bob', approver: 'dave' },
  { as: 'carol', approver: 'dave' },
];
export const EVERYONE = ['alice', 'bob', 'carol', 'dave', 'erin'];
/** Durations the bench's Jira offers: 2..600 seconds, besides the standard ones. */
export const secondsOption = (n: number): string => `${n} seconds`;

/**
 * The directories' request budgets in the bench's rules (`requestsPerMinute`, the rate of each
 * connection's task queue). The sandboxes answer at once and without limit unless a figure limits them,
 * so by default the budget is high (1,000 calls a second): the figures measure Leasehold, not a limit.
 */
export interface Budgets {
  okta: number;
  entra: number;
}
export const UNLIMITED: Budgets = { okta: 60_000, entra: 60_000 };

/** The example rules plus the bench's applications (one group per level, so memberships never overlap). */
export function perfRules(budgets: Budgets = UNLIMITED): string {
  const lines: string[] = [];
  for (const kind of ['M', 'A', 'E'] as const) {
    lines.push(`  - name: ${APP[kind]}`, '    owner: carol@example.com', '    levels:');
    for (let i = 0; i < PERF_GROUPS; i++) {
      const group = kind === 'E' ? entraGroup(i) : oktaGroup(i);
      lines.push(
        `      - name: ${level(kind, i)}`,
        `        connection: ${kind === 'E' ? 'entra' : 'okta'}`,
        `        groups: [${group}]`,
        kind === 'M'
          ? '        risk: medium\n        approval: { approvers: [manager], required: 1 }'
          : '        risk: low\n        autoApprove: true\n        approval: { approvers: [manager] }',
        '        duration: { default: 30 days, max: 90 days }',
      );
    }
  }
  const text = exampleRulesText()
    .replace('\n    type: okta\n', `\n    type: okta\n    requestsPerMinute: ${budgets.okta}\n`)
    .replace('\n    type: entra\n', `\n    type: entra\n    requestsPerMinute: ${budgets.entra}\n`);
  if (!text.includes('requestsPerMinute')) throw new Error('the example rules changed: no okta/entra connection found');
  const at = text.indexOf('\nsettings:');
  return `${text.slice(0, at)}\n${lines.join('\n')}\n${text.slice(at)}`;
}

let directories: Promise<{ okta: OktaDirectoryState; entra: EntraDirectoryState }> | undefined;

/** The sample directories with the bench's groups added (built once, from a throwaway sandbox of each). */
function perfDirectories(): Promise<{ okta: OktaDirectoryState; entra: EntraDirectoryState }> {
  directories ??= (async () => {
    const [o, e] = await Promise.all([startOktaSandbox({ port: 0 }), startEntraSandbox({ port: 0 })]);
    const okta = o.savedState();
    const entra = e.savedState();
    await Promise.all([o.close(), e.close()]);
    const at = '2025-01-15T09:00:00.000Z';
    for (let i = 0; i < PERF_GROUPS; i++) {
      const id = `00gperf${String(i).padStart(13, '0')}`;
      okta.groups.push({
        id,
        type: 'OKTA_GROUP',
        name: oktaGroup(i),
        description: 'bench group',
        created: at,
        lastUpdated: at,
        lastMembershipUpdated: at,
      });
      okta.members[id] = [];
      const gid = `7e4a9000-0000-4000-8000-${i.toString(16).padStart(12, '0')}`;
      entra.groups.push({
        id: gid,
        displayName: entraGroup(i),
        description: 'bench group',
        mailNickname: entraGroup(i),
        createdDateTime: at,
      });
      entra.members[gid] = [];
    }
    return { okta, entra };
  })();
  return directories;
}

export interface StackOptions {
  /** Okta's per-minute limit per endpoint family (default: lifted, 1,000,000). */
  oktaRateLimitPerMinute?: number;
  starter?: boolean;
  sandboxes?: Partial<SandboxesOptions>;
}

/** A Leasehold (own namespace, sandboxes, worker, webhook starter) with the bench's rules and groups. */
export async function startStack(options: StackOptions = {}): Promise<Leasehold> {
  const dirs = await perfDirectories();
  const durations = ['3 seconds', '5 seconds', '8 seconds', '12 seconds', '20 seconds'];
  for (let n = 2; n <= 600; n++) if (!durations.includes(secondsOption(n))) durations.push(secondsOption(n));
  const accessTypes = (['M', 'A', 'E'] as const).flatMap((k) =>
    Array.from({ length: PERF_GROUPS }, (_, i) => level(k, i)),
  );
  const lh = await Leasehold.start({
    rules: perfRules(),
    starter: options.starter,
    sandboxes: {
      ...options.sandboxes,
      okta: {
        rateLimitPerMinute: options.oktaRateLimitPerMinute ?? 1_000_000,
        savedState: dirs.okta,
        ...options.sandboxes?.okta,
      },
      entra: { savedState: dirs.entra, ...options.sandboxes?.entra },
      jira: {
        webhookRetryDelaysMs: [200, 500, 1000, 2000, 5000],
        extraOptions: { duration: durations, application: Object.values(APP), accessType: accessTypes },
        ...options.sandboxes?.jira,
      },
    },
  });
  await firstDriftPass(lh);
  return lh;
}

/**
 * Drift detection reconciles every managed group when the rules are first applied (then hourly): with the
 * bench's 750 levels that first pass reads some 500 groups and their leases, minutes of work on 2 cores.
 * The figures measure the stack at rest, so they start once it is done.
 */
async function firstDriftPass(lh: Leasehold, timeoutMs = 10 * 60_000): Promise<void> {
  const started = Date.now();
  const deadline = started + timeoutMs;
  for (;;) {
    const state = await lh.client.workflow
      .getHandle(DRIFT_WORKFLOW_ID)
      .query(driftStateQuery)
      .catch(() => undefined);
    if (state && state.passes.length > 0) return;
    if (!state && Date.now() - started > 30_000) return; // no drift detection on this stack
    if (Date.now() > deadline) throw new Error('the first drift pass did not finish in 10 minutes');
    await sleep(1_000);
  }
}

/** Runs `fn` on a fresh stack and stops it afterwards. */
export async function withStack<T>(options: StackOptions, fn: (lh: Leasehold) => Promise<T>): Promise<T> {
  const lh = await startStack(options);
  try {
    return await fn(lh);
  } finally {
    await lh.stop();
  }
}

export function printTable(rows: Row[], out: (line: string) => void): void {
  const f = (r: number | undefined): string => (r === undefined ? '–' : `${r.toFixed(2)}×`);
  const held = (h: boolean | undefined): string => (h === undefined ? '–' : h ? 'yes' : 'no');
  out('| figure | measured | target | ratio to raw baseline (same run) | held |');
  out('|---|---|---|---|---|');
  for (const r of rows) out(`| ${r.figure} | ${r.measured} | ${r.target} | ${f(r.ratio)} | ${held(r.held)} |`);
  const notes = rows.filter((r) => r.note);
  if (notes.length) out('');
  for (const r of notes) out(`- ${r.figure}: ${r.note}`);
}
