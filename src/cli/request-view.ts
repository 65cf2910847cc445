import type {
  ApprovalProgress,
  ApprovalRecord,
  EvidenceRecord,
  Extension,
  GroupChange,
  OperatorOverride,
  PersonRef,
  RequestSnapshot,
  Revocation,
} from '../workflows/access-request/types';

/** Why a request failed (the workflow fills it in on newer runs). */
interface FailureReason {
  reason: string;
  error?: string;
  at: string;
}

type Lines = Array<[label: string, value: string]>;

const LABEL_WIDTH = 14;

/** `label  value` lines, labels aligned; a value of several lines is indented under the first. */
function render(lines: Lines): string {
  return lines
    .map(([label, value]) =>
      `${label.padEnd(LABEL_WIDTH)}${value.split('\n').join(`\n${' '.repeat(LABEL_WIDTH)}`)}`.trimEnd(),
    )
    .join('\n');
}

const person = (p: PersonRef | { accountId: string; displayName?: string } | undefined): string => {
  if (!p) return '';
  const email = 'email' in p ? p.email : undefined;
  const name = p.displayName && p.displayName !== email ? ` (${p.displayName})` : '';
  return `${email ?? p.accountId ?? ''}${name}`;
};

const approval = (a: Omit<ApprovalRecord, 'eventId'>): string => `${a.email ?? a.accountId} as ${a.as} at ${a.at}`;

export function awaitingLine(p: ApprovalProgress): string {
  const what = p.for === 'grant' ? 'the grant' : p.for;
  const parts = [`${p.have} of ${p.required} approval${p.required === 1 ? '' : 's'} for ${what}`];
  if (p.approvers.length) parts.push(`still needed from: ${p.approvers.join(', ')}`);
  parts.push(p.deadline ? `deadline ${p.deadline}` : 'no deadline');
  return parts.join('; ');
}

const groupChange = (g: GroupChange): string =>
  `${g.action.padEnd(15)}${g.group} (${g.connection})  ${g.at}${g.reason ? `  ${g.reason}` : ''}`;

const extension = (e: Extension): string =>
  `${e.from} → ${e.to}${e.capped ? ' (capped at the rule maximum)' : ''} by ${e.by} at ${e.at}${e.issueKey ? ` (${e.issueKey})` : ''}`;

const override = (o: OperatorOverride): string => `${o.action} by ${o.operator} at ${o.at}: ${o.reason} (${o.detail})`;

const revocation = (r: Revocation): string =>
  [
    `${r.reason}${r.by ? ` by ${r.by}` : ''}${r.issueKey ? ` (${r.issueKey})` : ''}`,
    `requested ${r.requestedAt}`,
    r.completedAt ? `completed ${r.completedAt}` : 'not completed yet',
  ].join(', ');

const list = <T>(items: T[] | undefined, line: (item: T) => string): string | undefined =>
  items?.length ? items.map(line).join('\n') : undefined;

function push(lines: Lines, label: string, value: string | undefined): void {
  if (value) lines.push([label, value]);
}

/** `leasehold request show KEY`, for people: the facts an operator looks for, in the order of the lifecycle. */
export function renderRequest(s: RequestSnapshot & { failure?: FailureReason }): string {
  const lines: Lines = [];
  push(lines, 'request', `${s.issueKey}  ${s.state}`);
  push(lines, 'requester', person(s.requester ?? s.input.requester));
  push(lines, 'manager', s.manager && person(s.manager));
  const rule = s.rule;
  push(
    lines,
    'access',
    rule
      ? `${rule.application} / ${rule.level.name}: groups ${rule.level.groups.join(', ')} in connection ${rule.connectionName} (rules v${rule.version})`
      : `${s.input.application ?? '?'} / ${s.input.accessType ?? '?'}`,
  );
  push(
    lines,
    'asked',
    `${s.input.requestedAt}${s.input.duration ? ` for ${s.input.duration}` : ''}${s.input.justification ? `: "${s.input.justification}"` : ''}`,
  );
  push(lines, 'approvals', list(s.approvals, approval) ?? (s.autoApproved ? 'auto-approved by the rules' : 'none yet'));
  push(lines, 'waiting for', s.awaiting && awaitingLine(s.awaiting));
  push(lines, 'closed by', s.closedBy && `${s.closedBy.decision}: ${approval(s.closedBy)}`);
  push(
    lines,
    'ignored',
    list(s.ignored, (i) => `${i.email ?? i.accountId} (${i.decision}) at ${i.at}: ${i.reason}`),
  );
  push(lines, 'granted', s.grantedAt);
  push(lines, 'expires', s.expiresAt && `${s.expiresAt}${s.durationCapped ? ' (capped at the rule maximum)' : ''}`);
  push(lines, 'extensions', list(s.extensions, extension));
  push(lines, 'overrides', list(s.overrides, override));
  push(lines, 'group changes', list(s.groupChanges, groupChange));
  push(
    lines,
    'problem',
    s.problem &&
      `${s.problem.message} (since ${s.problem.since}${s.problem.attempts ? `, ${s.problem.attempts} attempts` : ''})`,
  );
  push(
    lines,
    'failed',
    s.failure && `${s.failure.reason}${s.failure.error ? `: ${s.failure.error}` : ''} (${s.failure.at})`,
  );
  const wb = s.jiraWriteBack;
  push(
    lines,
    'jira',
    wb?.failing
      ? `write-back failing since ${wb.failing.since} (${wb.failing.rounds} rounds, ${wb.pending} pending): ${wb.failing.error}`
      : wb?.pending
        ? `${wb.pending} write-back(s) pending`
        : undefined,
  );
  push(lines, 'revocation', s.revocation && revocation(s.revocation));
  push(lines, 'ended', s.endedAt);
  return render(lines);
}

/** `leasehold evidence KEY`, for people (the record itself with -o json / yaml). */
export function renderEvidence(e: EvidenceRecord): string {
  const lines: Lines = [];
  push(lines, 'evidence', `${e.issueKey}  outcome ${e.outcome}  (${e.schema})`);
  push(lines, 'requester', person(e.requester));
  push(
    lines,
    'access',
    e.rule
      ? `${e.rule.application} / ${e.rule.level.name}: groups ${e.rule.level.groups.join(', ')} in connection ${e.rule.connection}${e.ruleVersion ? ` (rules v${e.ruleVersion})` : ''}`
      : `${e.request.application ?? '?'} / ${e.request.accessType ?? '?'}`,
  );
  push(
    lines,
    'asked',
    `${e.request.requestedAt}${e.request.requestedDuration ? ` for ${e.request.requestedDuration}` : ''}${e.request.justification ? `: "${e.request.justification}"` : ''}`,
  );
  push(lines, 'approvals', list(e.approvals, approval) ?? (e.autoApproved ? 'auto-approved by the rules' : 'none'));
  push(lines, 'closed by', e.closedBy && `${e.closedBy.decision}: ${approval(e.closedBy)}`);
  push(
    lines,
    'ignored',
    list(e.ignoredEvents, (i) => `${i.email ?? i.accountId} (${i.decision}) at ${i.at}: ${i.reason}`),
  );
  push(lines, 'granted', e.grantedAt);
  push(lines, 'expires', e.expiresAt);
  push(lines, 'extensions', list(e.extensions, extension));
  push(lines, 'overrides', list(e.overrides, override));
  push(lines, 'group changes', list(e.groupChanges, groupChange));
  push(lines, 'related', e.relatedIssues.length ? e.relatedIssues.join(', ') : undefined);
  push(lines, 'revocation', e.revocation && revocation(e.revocation));
  push(lines, 'ended', e.endedAt);
  return render(lines);
}
