import type { RequestSnapshot } from './types';

/** The run's current details in the Temporal UI: what the request is, where it stands, what is wrong. */
export function details(s: RequestSnapshot): string {
  const lines = [`**${s.issueKey}** — ${s.state}`];
  if (s.requester) lines.push(`requester: ${s.requester.email}`);
  if (s.rule) {
    const { application, level, connectionName } = s.rule;
    lines.push(`access: ${application} (${level.name}) → ${connectionName}: ${level.groups.join(', ')}`);
  }
  if (s.approvals.length)
    lines.push(`approved by: ${s.approvals.map((a) => `${a.email ?? a.accountId} (${a.as})`).join(', ')}`);
  if (s.awaiting) {
    const { for: what, required, have, approvers, deadline } = s.awaiting;
    const subject = what === 'grant' ? 'approval' : `approval of ${what}`;
    lines.push(
      `waiting for ${subject}: ${have} of ${required}; may still approve: ${approvers.join(', ') || 'nobody'}`,
    );
    if (deadline) lines.push(`approval deadline: ${deadline}`);
  }
  if (s.autoApproved) lines.push('auto-approved (low risk)');
  if (s.expiresAt) lines.push(`expires: ${s.expiresAt}`);
  if (s.problem) lines.push(`problem: ${s.problem.message}`);
  if (s.failure) lines.push(`failed: ${s.failure.reason}`);
  const failing = s.jiraWriteBack?.failing;
  if (failing) {
    lines.push(
      `Jira write-back failing since ${failing.since} (${s.jiraWriteBack!.pending} pending): ${failing.error}`,
    );
  }
  return lines.join('\n\n');
}
