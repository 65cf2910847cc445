import type { DemoRequest } from '../../src/cli/demo-commands';
import type { RequestSnapshot } from '../../src/workflows/access-request/types';
import type { Leasehold } from '../../test/harness/leasehold';

/** One line of the fault suite's table. */
export interface Row {
  scenario: string;
  requests: number;
  lost: number;
  duplicated: number;
  failed: number;
  /** Revocation lateness past expiry, seconds. */
  lateMedian?: number;
  lateMax?: number;
  /** Directory write calls that reached the IdP per membership change it made. */
  idpCallsPerChange?: number;
  note: string;
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** The people of the sandbox directories who can be granted (frank's email is hidden, mallory is in no directory). */
const PEOPLE = ['alice', 'bob', 'carol', 'dave', 'erin'];

export async function raise(
  lh: Leasehold,
  n: number,
  spec: (i: number, as: string) => Omit<DemoRequest, 'as'>,
  people = PEOPLE,
): Promise<string[]> {
  const keys: string[] = [];
  for (let i = 0; i < n; i++) {
    const as = people[i % people.length]!;
    keys.push(await lh.request({ as, ...spec(i, as) }));
  }
  return keys;
}

/** Each request's state once `done` holds for it (or the last state seen when the time is up). */
export async function settle(
  lh: Leasehold,
  keys: string[],
  done: (s: RequestSnapshot) => boolean,
  timeoutMs: number,
): Promise<Map<string, RequestSnapshot | undefined>> {
  const deadline = Date.now() + timeoutMs;
  const states = new Map<string, RequestSnapshot | undefined>();
  for (;;) {
    for (const key of keys) {
      if (states.get(key) && done(states.get(key)!)) continue;
      states.set(key, await lh.state(key).catch(() => states.get(key)));
    }
    if (keys.every((k) => states.get(k) && done(states.get(k)!)) || Date.now() > deadline) return states;
    await sleep(250);
  }
}

/** Seconds from the end of the grant to its release (the lease's answer for this request). */
export function latenessSeconds(s: RequestSnapshot): number | undefined {
  if (!s.expiresAt || !s.revocation) return undefined;
  const release = s.groupChanges.filter((c) => c.action === 'removed' || c.action === 'kept').at(-1);
  return release ? (Date.parse(release.at) - Date.parse(s.expiresAt)) / 1000 : undefined;
}

const median = (xs: number[]): number | undefined => {
  if (xs.length === 0) return undefined;
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.floor((sorted.length - 1) / 2)];
};

/** Comments posted more than once, or evidence attached more than once: a write-back applied twice. */
export function duplicatedWriteBacks(lh: Leasehold, key: string): boolean {
  const comments = lh.jiraComments(key);
  const attachments = lh.sandboxes.jira.attachments(key);
  return new Set(comments).size !== comments.length || attachments.length > 1;
}

/** Every write-back of an expired request landed: its grant and expiry comments, the status, the evidence. */
export function writeBackComplete(lh: Leasehold, key: string, outcome: 'Expired' | 'Revoked' = 'Expired'): boolean {
  const comments = lh.jiraComments(key);
  const status = outcome === 'Expired' ? 'Access Expired' : 'Access Revoked';
  return (
    comments.filter((c) => c.startsWith('Access granted')).length === 1 &&
    comments.filter((c) => c.startsWith(outcome === 'Expired' ? 'Access expired' : 'Access revoked')).length === 1 &&
    lh.jiraIssue(key).status === status &&
    lh.sandboxes.jira.attachments(key).length === 1
  );
}

/** The row for requests expected to end `outcome`, from their final states. */
export function row(
  scenario: string,
  lh: Leasehold,
  keys: string[],
  states: Map<string, RequestSnapshot | undefined>,
  note: string,
  outcome: RequestSnapshot['state'] = 'Expired',
): Row {
  const finals = keys.map((k) => states.get(k));
  const late = finals.map((s) => (s ? latenessSeconds(s) : undefined)).filter((x): x is number => x !== undefined);
  return {
    scenario,
    requests: keys.length,
    lost: finals.filter((s) => !s || (s.state !== outcome && s.state !== 'Failed')).length,
    duplicated: keys.filter((k) => duplicatedWriteBacks(lh, k)).length,
    failed: finals.filter((s) => s?.state === 'Failed').length,
    lateMedian: median(late),
    lateMax: late.length ? Math.max(...late) : undefined,
    idpCallsPerChange: oktaWritesPerChange(lh),
    note,
  };
}

/** Okta membership writes that reached the org per membership change they made (1.00 = no call wasted). */
function oktaWritesPerChange(lh: Leasehold): number | undefined {
  const okta = lh.sandboxes.okta;
  const changes = okta.membershipChanges().length;
  return changes
    ? (okta.requestCount('assignUserToGroup') + okta.requestCount('unassignUserFromGroup')) / changes
    : undefined;
}

export function printTable(rows: Row[]): void {
  const f = (n?: number, d = 1): string => (n === undefined ? '–' : n.toFixed(d));
  const lines = [
    '| scenario | requests | lost | duplicated | failed | lateness median (s) | lateness max (s) | IdP calls / change | notes |',
    '|---|---|---|---|---|---|---|---|---|',
    ...rows.map(
      (r) =>
        `| ${r.scenario} | ${r.requests} | ${r.lost} | ${r.duplicated} | ${r.failed} | ${f(r.lateMedian)} | ${f(r.lateMax)} | ${f(r.idpCallsPerChange, 2)} | ${r.note} |`,
    ),
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
}
