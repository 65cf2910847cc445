/**
 * The approval request as a Slack message (Block Kit): who asks for what, for how long, why, the risk
 * tier, a link to the Jira issue, and Approve / Deny buttons whose value is the issue key. Once decided,
 * the same message without buttons says by whom.
 */

export const APPROVE_ACTION = 'leasehold_approve';
export const DENY_ACTION = 'leasehold_deny';

export interface ApprovalAsk {
  issueKey: string;
  issueUrl: string;
  requester: string;
  access: string;
  duration: string;
  justification: string | null;
  risk: string;
}

export function askText(a: ApprovalAsk): string {
  return `${a.requester} asks for ${a.access} for ${a.duration} (${a.issueKey}, ${a.risk} risk)`;
}

export function askBlocks(a: ApprovalAsk): unknown[] {
  return [
    {
      type: 'section',
      text: {
        type: 'mrkdwn',
        text: `*${a.requester}* asks for *${a.access}* for *${a.duration}*\n>${a.justification ?? '(no justification)'}\nRisk: ${a.risk} · <${a.issueUrl}|${a.issueKey}>`,
      },
    },
    {
      type: 'actions',
      block_id: 'leasehold_decision',
      elements: [
        {
          type: 'button',
          action_id: APPROVE_ACTION,
          style: 'primary',
          value: a.issueKey,
          text: { type: 'plain_text', text: 'Approve' },
        },
        {
          type: 'button',
          action_id: DENY_ACTION,
          style: 'danger',
          value: a.issueKey,
          text: { type: 'plain_text', text: 'Deny' },
        },
      ],
    },
  ];
}

/** The message once the request is decided: no buttons left, so nobody acts twice. */
export function decidedBlocks(a: ApprovalAsk, outcome: string): unknown[] {
  return [
    {
      type: 'section',
      text: { type: 'mrkdwn', text: `~${askText(a)}~\n*${outcome}* · <${a.issueUrl}|${a.issueKey}>` },
    },
  ];
}
