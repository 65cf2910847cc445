import { attestFields, fieldsAttested } from '../attestation';

/**
 * What the webhook starter vouches for once it has verified Slack's signature on a click: the clicker,
 * the action's time, the request, the decision and when it arrived, MAC'd with the app's signing
 * secret. The workflow's history keeps this claim, not Slack's body (which carries a verification token
 * and a response URL); a claim sent straight to Temporal has no valid attestation.
 */
export interface SlackDecisionClaim {
  userId: string;
  actionTs: string;
  issueKey: string;
  decision: 'Approved' | 'Denied';
  receivedAt: string;
}

const fields = (c: SlackDecisionClaim): string[] => [
  'leasehold-slack-v1',
  c.userId,
  c.actionTs,
  c.issueKey,
  c.decision,
  c.receivedAt,
];

export function attest(signingSecret: string, claim: SlackDecisionClaim): string {
  return attestFields(signingSecret, fields(claim));
}

export function isAttested(signingSecret: string, claim: SlackDecisionClaim, attestation: string): boolean {
  return fieldsAttested(signingSecret, fields(claim), attestation);
}
