import { entraRouteNames, type OktaOperationId } from '@leasehold/sandbox';
import type { Leasehold } from '../../test/harness/leasehold';
import { parseRulesText } from '../../src/policy/parse';
import { extendUpdate } from '../../src/workflows/access-request/messages';
import { accessRequestWorkflowId } from '../../src/workflows/ids';
import {
  APP,
  entraGroup,
  EVERYONE,
  level,
  oktaGroup,
  pool,
  sleep,
  withStack,
  perfRules,
  UNLIMITED,
  type Budgets,
  type PerfContext,
  type Row,
} from './common';
import { entraLastRemoval, login, OktaWatch, settle, type Seen } from './watch';

const LIMIT = 600;
const ENDED = ['Expired', 'Revoked', 'Failed', 'Denied'];
/** Intake pace (grants/s): the grants' ends are moved to one moment once all are active. */
const PACE = 4;
const IN_FLIGHT = 40;
const GROUP_OPS: OktaOperationId[] = [
  'listGroups',
  'getGroup',
  'listGroupUsers',
  'assignUserToGroup',
  'unassignUserFromGroup',
];

interface Storm {
  keys: string[];
  firstExpiry: number;
  spread: number;
  intakePerMin: number;
}

/**
 * Auto-approved grants, one membership each, raised at PACE/s (at most IN_FLIGHT not yet granted) for a
 * day; once all are active, an operator moves each one's end to the same moment (`extend`, measured
 * from its grant), a minute or so ahead: all expire within a second or two of it, however fast the stack
 * took them in (the previous plan fixed each duration at raise time and broke when intake was slower).
 */
async function provision(lh: Leasehold, ctx: PerfContext, kind: 'A' | 'E', n: number): Promise<Storm> {
  const started = Date.now();
  const keys: string[] = [];
  for (let i = 0; i < n; i++) {
    await sleep(Math.max(0, started + (i / PACE) * 1000 - Date.now()));
    while (keys.filter((k) => lh.jiraIssue(k).status !== 'Access Granted').length >= IN_FLIGHT) await sleep(100);
    keys.push(
      lh.sandboxes.jira.raiseRequest({
        reporter: EVERYONE[i % EVERYONE.length]!,
        application: APP[kind],
        accessType: level(kind, Math.floor(i / EVERYONE.length)),
        duration: '1 day',
        justification: 'bench: expiry storm',
      }).key,
    );
  }
  const states = await settle(lh, keys, (s) => s.grantedAt !== undefined, 20 * 60_000, 'became active');
  const intakePerMin = (n / (Date.now() - started)) * 60_000;
  // The common end: far enough ahead for every move (16 at a time) and the limit to be applied before it.
  const end = Date.now() + Math.max(60_000, n * 40 + 30_000);
  const expiries: number[] = [];
  await pool(keys, 16, async (key) => {
    const grantedAt = Date.parse(states.get(key)!.grantedAt!);
    const moved = await lh.client.workflow.getHandle(accessRequestWorkflowId(key)).executeUpdate(extendUpdate, {
      args: [
        {
          operator: 'bench',
          reason: 'figure 5: one expiry minute',
          duration: `${Math.round((end - grantedAt) / 1000)} seconds`,
        },
      ],
    });
    expiries.push(Date.parse(moved.expiresAt!));
  });
  ctx.log(
    `  ${n} grants active (${intakePerMin.toFixed(0)}/min), moved to expire over ${((Math.max(...expiries) - Math.min(...expiries)) / 1000).toFixed(1)} s`,
  );
  return {
    keys,
    firstExpiry: Math.min(...expiries),
    spread: Math.max(...expiries) - Math.min(...expiries),
    intakePerMin,
  };
}

function row(
  label: string,
  n: number,
  storm: Storm,
  lastRemoval: Seen | undefined,
  calls: number,
  throttled: number,
  failed: number,
  bucket: string,
): Row {
  const took = lastRemoval ? lastRemoval.wall - storm.firstExpiry : NaN;
  const floor = Math.max((calls / LIMIT) * 60_000, storm.spread);
  const ratio = took / floor;
  const share = throttled / (calls + throttled);
  return {
    figure: `5. ${n} grants expiring in one minute, ${label} limited to ${LIMIT}/min: first expiry → last removal ÷ floor`,
    measured: `${ratio.toFixed(2)} (${(took / 1000).toFixed(1)} s vs floor ${(floor / 1000).toFixed(1)} s); 429s ${(share * 100).toFixed(1)} %; failures ${failed}`,
    target: 'ratio ≤ 1.15, 429s ≤ 5 %, 0 failures',
    held: ratio <= 1.15 && share <= 0.05 && failed === 0,
    note:
      `${label}: floor = max(${calls} calls answered in ${bucket} ÷ ${LIMIT}/min, the expiries' own spread ${(storm.spread / 1000).toFixed(1)} s); ` +
      `${throttled} answered 429; intake while provisioning ${storm.intakePerMin.toFixed(0)} grants/min`,
  };
}

/** Removals in each 10 s from the first expiry: where a storm lost time (a slow start, gaps, a tail). */
function timeline(storm: Storm, seen: Array<Seen | undefined>): string {
  const buckets: number[] = [];
  for (const s of seen) {
    if (!s) continue;
    const i = Math.max(0, Math.floor((s.wall - storm.firstExpiry) / 10_000));
    while (buckets.length <= i) buckets.push(0);
    buckets[i]!++;
  }
  return `removals per 10 s from the first expiry: ${buckets.join(' ')}`;
}

/**
 * The directory's limit goes into the rules too, as the connection's `requestsPerMinute` (what an admin
 * sets to the tenant's limit): applied before the expiries, and followed by the worker within a second.
 */
async function budget(lh: Leasehold, budgets: Budgets): Promise<void> {
  const parsed = parseRulesText(perfRules(budgets));
  if (!parsed.ok) throw new Error(`bench rules invalid: ${JSON.stringify(parsed.problems)}`);
  await lh.rules.submit({ document: parsed.raw, submittedBy: 'bench', comment: 'the directory limit of figure 5' });
  await sleep(2_000);
}

async function finish(lh: Leasehold, ctx: PerfContext, keys: string[], label: string): Promise<number> {
  const states = await settle(lh, keys, (s) => ENDED.includes(s.state), 5 * 60_000, 'ended').catch((err: Error) => {
    ctx.broken.push(`${label}: ${err.message}`);
    return new Map();
  });
  const failed = keys.filter((k) => states.get(k)?.state !== 'Expired').length;
  if (failed > 0) ctx.broken.push(`${label}: ${failed} of ${keys.length} grants did not end Expired`);
  return failed;
}

/** The limit is applied 6 s before the first expiry: a storm that began earlier does not measure the limit. */
function stormStarted(ctx: PerfContext, label: string, storm: Storm): void {
  const late = Date.now() - (storm.firstExpiry - 6_000);
  if (late > 0)
    ctx.broken.push(
      `${label}: provisioning ended ${(late / 1000).toFixed(1)} s after the limit was due (the grants' ends were moved too late): the ratio is not a measurement`,
    );
}

async function okta(ctx: PerfContext, n: number): Promise<Row> {
  return withStack({}, async (lh) => {
    const o = lh.sandboxes.okta;
    const watch = new OktaWatch(o);
    const storm = await provision(lh, ctx, 'A', n);
    stormStarted(ctx, 'okta storm', storm);
    await sleep(Math.max(0, storm.firstExpiry - Date.now() - 6_000));
    await budget(lh, { ...UNLIMITED, okta: LIMIT });
    o.setRateLimit(LIMIT);
    const rejected0 = o.rateLimitedCount();
    const calls0 = GROUP_OPS.reduce((sum, op) => sum + o.requestCount(op), 0);
    const timeout = storm.firstExpiry - Date.now() + storm.spread + (n / LIMIT) * 3 * 60_000 + 120_000;
    const seen = await Promise.all(
      storm.keys.map((_, i) =>
        watch.next(
          'remove',
          oktaGroup(Math.floor(i / EVERYONE.length)),
          login(EVERYONE[i % EVERYONE.length]!),
          timeout,
        ),
      ),
    );
    const lost = seen.filter((s) => !s).length;
    if (lost > 0) ctx.broken.push(`okta storm: ${lost} memberships never removed`);
    const last = lost ? undefined : seen.reduce((a, b) => (a!.wall > b!.wall ? a : b));
    const calls = GROUP_OPS.reduce((sum, op) => sum + o.requestCount(op), 0) - calls0;
    const throttled = o.rateLimitedCount() - rejected0;
    o.setRateLimit(1_000_000);
    const failed = await finish(lh, ctx, storm.keys, 'okta storm');
    const okta = row('Okta', n, storm, last, calls, throttled, failed, '/api/v1/groups (membership calls)');
    return { ...okta, note: `${okta.note}; ${timeline(storm, seen)}` };
  });
}

async function entra(ctx: PerfContext, n: number): Promise<Row> {
  return withStack({}, async (lh) => {
    const e = lh.sandboxes.entra;
    const storm = await provision(lh, ctx, 'E', n);
    stormStarted(ctx, 'entra storm', storm);
    const pairs = storm.keys.map(
      (_, i) =>
        [entraGroup(Math.floor(i / EVERYONE.length)), login(EVERYONE[i % EVERYONE.length]!)] as [string, string],
    );
    await sleep(Math.max(0, storm.firstExpiry - Date.now() - 6_000));
    await budget(lh, { ...UNLIMITED, entra: LIMIT });
    e.setGraphRateLimit(LIMIT);
    const throttled0 = e.throttledCount();
    // Every Graph call the worker makes (token requests go to the authority, not Graph's limit).
    const graphRoutes = entraRouteNames.filter((r) => r !== 'openidConfiguration' && r !== 'token');
    const graphCalls = (): number => graphRoutes.reduce((sum, r) => sum + e.requestCount(r), 0);
    const calls0 = graphCalls();
    const timeout = storm.firstExpiry - Date.now() + storm.spread + (n / LIMIT) * 3 * 60_000 + 120_000;
    const last = await Promise.race([entraLastRemoval(e, pairs), sleep(timeout).then(() => undefined)]);
    if (!last) ctx.broken.push('entra storm: memberships left after the timeout');
    const calls = graphCalls() - calls0;
    const throttled = e.throttledCount() - throttled0;
    e.setGraphRateLimit(undefined);
    const failed = await finish(lh, ctx, storm.keys, 'entra storm');
    return row('Graph (Entra)', n, storm, last, calls, throttled, failed, 'Graph (all calls)');
  });
}

/** Figure 5: the expiry storm against Okta's per-minute limit, then against Graph throttling. */
export async function rateLimitFigures(ctx: PerfContext): Promise<Row[]> {
  const n = ctx.size(1000, 200);
  return [await okta(ctx, n), await entra(ctx, n)];
}
