import { verifySlackRequest } from '@slack/bolt';
import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import { z } from 'zod';
import { readSecret } from '../config/settings';
import { APPROVE_ACTION, DENY_ACTION } from '../connectors/slack/approval-message';
import { attest, type SlackDecisionClaim } from '../connectors/slack/attestation';
import type { RulesDocument } from '../policy/schema';
import { statusChangedSignal } from '../workflows/access-request/messages';
import type { StatusChange } from '../workflows/access-request/types';
import { accessRequestWorkflowId } from '../workflows/ids';

export const SLACK_PATH = '/slack/interactions';

const payloadSchema = z.looseObject({
  type: z.string(),
  user: z.looseObject({ id: z.string() }),
  actions: z
    .array(z.looseObject({ action_id: z.string(), value: z.string().optional(), action_ts: z.string() }))
    .default([]),
});

export interface SlackReply {
  status: number;
  body: Record<string, unknown>;
}

/**
 * Slack's interactivity request URL (Bolt's HTTP-mode verification): a click on Approve / Deny is
 * verified with the app's signing secret over the raw body within Slack's 5-minute window, then handed
 * to the request as a claim the starter attests (attestation.ts); the request checks the attestation
 * and the clicker before it counts. Answered at once (Slack wants an answer within 3 s).
 */
export async function handleSlackInteraction(
  client: Client,
  rules: RulesDocument,
  body: string,
  headers: { signature?: string; timestamp?: string },
): Promise<SlackReply> {
  if (!rules.slack) return { status: 404, body: { error: 'Slack is not configured in the rules in force' } };
  const timestamp = Number(headers.timestamp);
  const signingSecret = readSecret(rules.slack.signingSecret);
  try {
    verifySlackRequest({
      signingSecret,
      body,
      headers: { 'x-slack-signature': headers.signature ?? '', 'x-slack-request-timestamp': timestamp },
    });
  } catch (err) {
    return { status: 401, body: { error: `not a verified Slack request: ${(err as Error).message}` } };
  }
  const raw = new URLSearchParams(body).get('payload');
  let json: unknown;
  try {
    json = raw ? JSON.parse(raw) : undefined;
  } catch {
    return { status: 400, body: { error: 'the payload is not JSON' } };
  }
  const parsed = payloadSchema.safeParse(json);
  if (!parsed.success) return { status: 400, body: { error: 'the payload is not a Slack interaction' } };
  const action = parsed.data.actions.find((a) => a.action_id === APPROVE_ACTION || a.action_id === DENY_ACTION);
  if (parsed.data.type !== 'block_actions' || !action?.value) return { status: 200, body: {} };
  const receivedAt = new Date().toISOString();
  const claim: SlackDecisionClaim = {
    userId: parsed.data.user.id,
    actionTs: action.action_ts,
    issueKey: action.value,
    decision: action.action_id === APPROVE_ACTION ? 'Approved' : 'Denied',
    receivedAt,
  };
  const change: StatusChange = {
    eventId: `slack:${claim.userId}:${claim.actionTs}`,
    issueKey: claim.issueKey,
    decision: claim.decision,
    status: `${claim.decision} in Slack`,
    actorAccountId: `slack:${claim.userId}`,
    at: receivedAt,
    // Slack's body stays here (it carries a verification token): the request gets the attested claim.
    slack: { ...claim, attestation: attest(signingSecret, claim) },
  };
  try {
    await client.workflow.getHandle(accessRequestWorkflowId(action.value)).signal(statusChangedSignal, change);
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) return { status: 200, body: { text: `${action.value} is closed` } };
    throw err;
  }
  return { status: 200, body: {} };
}
