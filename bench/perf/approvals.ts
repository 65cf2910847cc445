import type { Leasehold } from '../../test/harness/leasehold';
import {
  APP,
  level,
  ms,
  oktaGroup,
  percentile,
  pool,
  ratioTo,
  sleep,
  withStack,
  type PerfContext,
  type Row,
} from './common';
import { Approver, awaitingApproval, login, OktaWatch, settle } from './watch';

export interface ApprovalOptions {
  n: number;
  perSecond: number;
  /** The first Okta group used (each pair of requests, alice's and erin's, gets the next group). */
  firstGroup: number;
}

/**
 * Requests for a level one approval grants (bob approves alice's and erin's), each on a membership of
 * its own, raised and left waiting for approval; then bob approves them in Jira at `perSecond`.
 * Measured per approval: from the transition call to the user being in the Okta group (the sandbox's
 * directory calls back on the change, in process).
 */
export async function approvalLatencies(
  lh: Leasehold,
  watch: OktaWatch,
  ctx: PerfContext,
  opts: ApprovalOptions,
): Promise<number[]> {
  const requests = Array.from({ length: opts.n }, (_, i) => {
    const as = i % 2 === 0 ? 'alice' : 'erin';
    const group = opts.firstGroup + Math.floor(i / 2);
    const key = lh.sandboxes.jira.raiseRequest({
      reporter: as,
      application: APP.M,
      accessType: level('M', group),
      justification: 'bench: approval latency',
    }).key;
    return { key, as, group: oktaGroup(group) };
  });
  await settle(
    lh,
    requests.map((r) => r.key),
    awaitingApproval(lh),
    5 * 60_000,
    'waited for approval',
  );
  ctx.log(`  ${opts.n} requests waiting for approval`);
  const bob = new Approver('bob', lh.sandboxes.jira.url);
  const transitions = new Map<string, string>();
  await pool(requests, 8, async (r) => void transitions.set(r.key, await bob.transitionId(r.key)));
  await sleep(500); // let the write-backs of the intake finish
  const latencies: number[] = [];
  const interval = 1000 / opts.perSecond;
  const t0 = performance.now() + 50;
  await Promise.all(
    requests.map(async (r, i) => {
      await sleep(Math.max(0, t0 + i * interval - performance.now()));
      const started = await bob.approve(r.key, transitions.get(r.key)!);
      const seen = await watch.next('add', r.group, login(r.as), 120_000);
      if (!seen) ctx.broken.push(`${r.key}: ${r.as} never reached ${r.group} after the approval`);
      else latencies.push(seen.perf - started);
    }),
  );
  ctx.log(`  ${latencies.length} approvals measured`);
  return latencies;
}

/** Figures 2 and 3: approvals at 1/s, then a burst at 20/s, each on a fresh stack. */
export async function approvalFigures(ctx: PerfContext, only: { steady: boolean; burst: boolean }): Promise<Row[]> {
  const figure = async (n: number, perSecond: number) => {
    const l = await withStack({}, (lh) =>
      approvalLatencies(lh, new OktaWatch(lh.sandboxes.okta), ctx, { n, perSecond, firstGroup: 0 }),
    );
    return { p50: percentile(l, 50), p99: percentile(l, 99) };
  };
  const rows: Row[] = [];
  if (only.steady) {
    const n = ctx.size(60, 15);
    const { p50, p99 } = await figure(n, 1);
    rows.push({
      figure: `2. approval → user in Okta group, 1 approval/s (n=${n}), p50`,
      measured: `${ms(p50)} (p99 ${ms(p99)})`,
      target: 'p50 ≤ 100 ms',
      ratio: ratioTo(ctx, p50),
      held: p50 <= 100,
    });
  }
  if (only.burst) {
    const n = ctx.size(100, 40);
    const { p50, p99 } = await figure(n, 20);
    rows.push({
      figure: `3. the same, burst of 20 approvals/s (n=${n}), p99`,
      measured: `${ms(p99)} (p50 ${ms(p50)})`,
      target: 'p99 ≤ 300 ms',
      ratio: ratioTo(ctx, p99),
      held: p99 <= 300,
    });
  }
  return rows;
}
