import {
  APP,
  level,
  ms,
  oktaGroup,
  percentile,
  pool,
  ratioTo,
  secondsOption,
  sleep,
  withStack,
  type PerfContext,
  type Row,
} from './common';
import { Approver, awaitingApproval, isActive, login, OktaWatch, settle } from './watch';

/** Seconds between two approvals, and the first grant's duration (each later one is that much shorter). */
const GAP_S = 1;
const LONGEST_S = 50;

/**
 * Figure 4: 30 grants, approved in Jira one a second with durations one second shorter each (50 s,
 * 49 s, …), so their expiries fall within ~1.5 s without the approvals piling up; measured per
 * grant: the user leaving the Okta group minus the request's `expiresAt`.
 */
export async function expiryFigure(ctx: PerfContext): Promise<Row[]> {
  const n = 30;
  return withStack({}, async (lh) => {
    const watch = new OktaWatch(lh.sandboxes.okta);
    const requests = Array.from({ length: n }, (_, i) => {
      const as = i % 2 === 0 ? 'alice' : 'erin';
      const group = Math.floor(i / 2);
      const key = lh.sandboxes.jira.raiseRequest({
        reporter: as,
        application: APP.M,
        accessType: level('M', group),
        duration: secondsOption(LONGEST_S - i * GAP_S),
        justification: 'bench: expiry',
      }).key;
      return { key, as, group: oktaGroup(group) };
    });
    const keys = requests.map((r) => r.key);
    await settle(lh, keys, awaitingApproval(lh), 5 * 60_000, 'waited for approval');
    const bob = new Approver('bob', lh.sandboxes.jira.url);
    const transitions = new Map<string, string>();
    await pool(requests, 8, async (r) => void transitions.set(r.key, await bob.transitionId(r.key)));
    await sleep(500);
    const t0 = performance.now();
    await Promise.all(
      requests.map(async (r, i) => {
        await sleep(Math.max(0, t0 + i * GAP_S * 1000 - performance.now()));
        await bob.approve(r.key, transitions.get(r.key)!);
      }),
    );
    const states = await settle(lh, keys, isActive, 15_000, 'became active');
    const expiries = keys.map((k) => Date.parse(states.get(k)!.expiresAt!));
    const spread = Math.max(...expiries) - Math.min(...expiries);
    const lateness: number[] = [];
    await Promise.all(
      requests.map(async (r, i) => {
        const wait = expiries[i]! - Date.now() + 60_000;
        const seen = await watch.next('remove', r.group, login(r.as), wait);
        if (!seen) ctx.broken.push(`${r.key}: ${r.as} still in ${r.group} a minute after the expiry`);
        else lateness.push(seen.wall - expiries[i]!);
      }),
    );
    const p99 = percentile(lateness, 99);
    return [
      {
        figure: `4. expiry → user out of the Okta group, ${n} grants expiring within ${(spread / 1000).toFixed(2)} s, p99`,
        measured: `${ms(p99)} (p50 ${ms(percentile(lateness, 50))}, max ${ms(Math.max(...lateness))})`,
        target: 'p99 ≤ 1 s',
        ratio: ratioTo(ctx, p99),
        held: p99 <= 1000,
        note: `lateness = removal (sandbox clock) − expiresAt (state query); the ${n} expiresAt span ${ms(spread)}`,
      },
    ];
  });
}
