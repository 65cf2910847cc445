import type { EntraSandbox, OktaSandbox } from '@leasehold/sandbox';
import { createJiraClient } from '../../src/connectors/jira/jira-client';
import { samplePerson } from '@leasehold/sandbox';
import { stateQuery } from '../../src/workflows/access-request/messages';
import type { RequestSnapshot } from '../../src/workflows/access-request/types';
import { accessRequestWorkflowId } from '../../src/workflows/ids';
import type { Leasehold } from '../../test/harness/leasehold';
import { pool, sleep } from './common';

/** When a membership changed in the sandbox: the monotonic clock (latencies) and the wall clock (vs expiresAt). */
export interface Seen {
  perf: number;
  wall: number;
}

/**
 * Okta membership changes as they happen in the sandbox, in process: the directory calls back on
 * every change (no polling), and each new entry of its change log is stamped with both clocks.
 */
export class OktaWatch {
  private readonly seen = new Map<string, Seen>();
  private readonly waiters = new Map<string, Array<(s: Seen) => void>>();
  private readonly groupNames = new Map<string, string>();
  private readonly logins = new Map<string, string>();
  private count: number;

  constructor(private readonly okta: OktaSandbox) {
    const state = okta.state();
    for (const g of state.groups) this.groupNames.set(g.id, g.name);
    for (const u of state.users) this.logins.set(u.id, u.login);
    this.count = state.membershipChanges.length;
    okta.onStateChange(() => this.changed());
  }

  private changed(): void {
    const now: Seen = { perf: performance.now(), wall: Date.now() };
    const changes = this.okta.membershipChanges();
    for (let i = this.count; i < changes.length; i++) {
      const c = changes[i]!;
      const key = OktaWatch.key(c.op, this.groupNames.get(c.groupId) ?? c.groupId, this.logins.get(c.userId) ?? '?');
      this.seen.set(key, now);
      for (const resolve of this.waiters.get(key) ?? []) resolve(now);
      this.waiters.delete(key);
    }
    this.count = changes.length;
  }

  static key(op: 'add' | 'remove', group: string, login: string): string {
    return `${op} ${group} ${login}`;
  }

  /** The (latest) time `login` was added to / removed from `group`, if seen. */
  at(op: 'add' | 'remove', group: string, login: string): Seen | undefined {
    return this.seen.get(OktaWatch.key(op, group, login));
  }

  /** Resolves when the change happens (or has happened since the watch began); undefined after `timeoutMs`. */
  async next(op: 'add' | 'remove', group: string, login: string, timeoutMs = 60_000): Promise<Seen | undefined> {
    const key = OktaWatch.key(op, group, login);
    const already = this.seen.get(key);
    if (already) return already;
    return new Promise((resolve) => {
      const timer = setTimeout(() => resolve(undefined), timeoutMs);
      const list = this.waiters.get(key) ?? [];
      list.push((s) => {
        clearTimeout(timer);
        resolve(s);
      });
      this.waiters.set(key, list);
    });
  }
}

/** Entra memberships still present among `pairs` (group name, UPN), re-checked on every change; the time the last left. */
export function entraLastRemoval(entra: EntraSandbox, pairs: Array<[string, string]>): Promise<Seen> {
  let remaining = pairs.filter(([g, u]) => entra.isMember(g, u));
  return new Promise((resolve) => {
    let done = false;
    const check = (): void => {
      if (done) return;
      remaining = remaining.filter(([g, u]) => entra.isMember(g, u));
      if (remaining.length === 0) {
        done = true;
        resolve({ perf: performance.now(), wall: Date.now() });
      }
    };
    entra.onStateChange(check);
    check();
  });
}

/** The person's login in the sandbox directories (their email). */
export const login = (handle: string): string => samplePerson(handle).email;

/**
 * An approver in Jira, as a person in the browser: the transition to "Approved by Manager" is looked
 * up beforehand (the UI shows it already), so `approve` times just the transition call itself.
 */
export class Approver {
  private readonly client: ReturnType<typeof createJiraClient>;

  constructor(handle: string, site: string) {
    const person = samplePerson(handle);
    this.client = createJiraClient({ host: site, email: person.email, apiToken: person.jiraApiToken });
  }

  async transitionId(issueKey: string, status = 'Approved by Manager'): Promise<string> {
    const { transitions = [] } = await this.client.issues.getTransitions({ issueIdOrKey: issueKey });
    const t = transitions.find((x) => x.to?.name?.toLowerCase() === status.toLowerCase());
    if (!t?.id) throw new Error(`${issueKey}: no transition to ${status}`);
    return t.id;
  }

  /** The transition call; returns when it started (performance.now()). */
  async approve(issueKey: string, transitionId: string): Promise<number> {
    const started = performance.now();
    await this.client.issues.doTransition({ issueIdOrKey: issueKey, transition: { id: transitionId } });
    return started;
  }
}

export async function state(lh: Leasehold, key: string): Promise<RequestSnapshot | undefined> {
  return lh.client.workflow
    .getHandle(accessRequestWorkflowId(key))
    .query(stateQuery)
    .catch(() => undefined);
}

/** Each request's state once `done` holds for it; throws with a count when the time is up. */
export async function settle(
  lh: Leasehold,
  keys: string[],
  done: (s: RequestSnapshot, key: string) => boolean,
  timeoutMs: number,
  what: string,
): Promise<Map<string, RequestSnapshot>> {
  const deadline = Date.now() + timeoutMs;
  const states = new Map<string, RequestSnapshot>();
  let pending = [...keys];
  while (pending.length > 0) {
    const still: string[] = [];
    await pool(pending, 16, async (key) => {
      const s = await state(lh, key);
      if (s) states.set(key, s);
      if (!s || !done(s, key)) still.push(key);
    });
    pending = still;
    if (pending.length === 0) break;
    if (Date.now() > deadline) throw new Error(`${pending.length} of ${keys.length} requests never ${what}`);
    await sleep(250);
  }
  return states;
}

/** Waiting for an approver: the workflow says so and Jira shows it. */
export const awaitingApproval =
  (lh: Leasehold) =>
  (s: RequestSnapshot, key: string): boolean =>
    s.state === 'AwaitingApproval' && lh.jiraIssue(key).status === 'Waiting for approval';

export const isActive = (s: RequestSnapshot): boolean => s.state === 'Active';
