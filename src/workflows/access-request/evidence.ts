import type { EvidenceRecord, RequestSnapshot } from './types';

/** The audit evidence record of a request, derived from its state (itself derived from the history). */
export function buildEvidence(s: RequestSnapshot): EvidenceRecord {
  return {
    schema: 'leasehold.evidence/v1',
    issueKey: s.issueKey,
    workflowId: s.workflowId,
    outcome: s.state,
    requester: s.requester ?? s.input.requester,
    request: {
      application: s.input.application,
      accessType: s.input.accessType,
      requestedDuration: s.input.duration,
      justification: s.input.justification,
      requestedAt: s.input.requestedAt,
    },
    ruleVersion: s.rule?.version,
    rule: s.rule && {
      application: s.rule.application,
      owner: s.rule.owner,
      level: s.rule.level,
      connection: s.rule.connectionName,
    },
    approvals: s.approvals,
    autoApproved: s.autoApproved,
    ignoredEvents: s.ignored,
    ...(s.ignoredOmitted ? { ignoredOmitted: s.ignoredOmitted } : {}),
    overrides: s.overrides ?? [],
    relatedIssues: s.relatedIssues ?? [],
    closedBy: s.closedBy,
    groupChanges: s.groupChanges,
    preExistingMembership: s.groupChanges.some((c) => c.preExisting),
    grantedAt: s.grantedAt,
    expiresAt: s.expiresAt,
    extensions: s.extensions,
    revocation: s.revocation,
    ...(s.failure ? { failure: s.failure } : {}),
    endedAt: s.endedAt,
  };
}
