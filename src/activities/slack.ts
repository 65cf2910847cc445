import { expandSetting, readSecret } from '../config/settings';
import { isAttested, type SlackDecisionClaim } from '../connectors/slack/attestation';
import { askBlocks, askText, decidedBlocks, type ApprovalAsk } from '../connectors/slack/approval-message';
import { SlackGateway, type SlackMessageRef } from '../connectors/slack/slack-gateway';
import type { ConnectionRef } from './contract';
import { classified, permanent } from './failures';
import { people, type PeopleDeps } from './people';

/** A click the starter verified (Slack's signature) and vouched for: see attestation.ts. */
export type SlackClick = SlackDecisionClaim & { attestation: string };

export type VerifiedSlackClick =
  | { ok: true; slackUserId: string; email?: string; approverGroups: string[]; actionTs: string }
  | { ok: false; reason: string };

/** Approvals in Slack: the messages to approvers, their update once decided, and a click verified at its source. */
export function slackActivities(deps: PeopleDeps) {
  const { groupsOf } = people(deps);
  const gateway = async (): Promise<{ slack: SlackGateway; signingSecret: string; channel?: string }> => {
    const settings = (await deps.rules.current())?.rules.slack;
    if (!settings) throw permanent('Slack is not configured in the rules in force', 'NoSlack');
    return {
      slack: new SlackGateway(
        readSecret(settings.botToken),
        settings.apiUrl ? expandSetting(settings.apiUrl) : undefined,
      ),
      signingSecret: readSecret(settings.signingSecret),
      ...(settings.channel ? { channel: settings.channel } : {}),
    };
  };

  return {
    /** A message to each approver (their DM, found by email) and to the channel if set; who Slack does not know is skipped. */
    async postApprovalRequests(input: { ask: ApprovalAsk; approvers: string[] }): Promise<SlackMessageRef[]> {
      return classified(async () => {
        const { slack, channel } = await gateway();
        const refs: SlackMessageRef[] = [];
        for (const email of input.approvers) {
          const userId = await slack.userIdByEmail(email);
          if (!userId) continue;
          const ref = await slack.post(await slack.openDm(userId), askText(input.ask), askBlocks(input.ask));
          refs.push({ ...ref, to: email });
        }
        if (channel) refs.push(await slack.post(channel, askText(input.ask), askBlocks(input.ask)));
        return refs;
      });
    },

    /** A reminder in each approval message's thread: the request still waits for them. */
    async remindApprovers(input: { ask: ApprovalAsk; refs: SlackMessageRef[]; text: string }): Promise<void> {
      return classified(async () => {
        const { slack } = await gateway();
        for (const ref of input.refs) await slack.post(ref.channel, input.text, [], ref.ts);
      });
    },

    /** Every approver's message says how it was decided, without buttons: nobody acts twice. */
    async updateApprovalMessages(input: { ask: ApprovalAsk; refs: SlackMessageRef[]; outcome: string }): Promise<void> {
      return classified(async () => {
        const { slack } = await gateway();
        for (const ref of input.refs)
          await slack.update(ref, `${askText(input.ask)}: ${input.outcome}`, decidedBlocks(input.ask, input.outcome));
      });
    },

    /**
     * A click verified at its source: the starter's attestation (made with the app's signing secret
     * once Slack's own signature checked out) matches the claim, and who clicked, by Slack's own user
     * record (email) and their directory approver groups.
     */
    async verifySlackDecision(input: {
      click: SlackClick;
      approverGroups: Array<ConnectionRef & { group: string }>;
    }): Promise<VerifiedSlackClick> {
      const { slack, signingSecret } = await gateway();
      const { attestation, ...claim } = input.click;
      if (!isAttested(signingSecret, claim, attestation))
        return {
          ok: false,
          reason: "not a verified Slack action: the claim does not carry the webhook starter's attestation",
        };
      return classified(async () => {
        const email = await slack.emailOf(claim.userId);
        return {
          ok: true as const,
          slackUserId: claim.userId,
          ...(email ? { email } : {}),
          approverGroups: email ? await groupsOf(email, input.approverGroups) : [],
          actionTs: claim.actionTs,
        };
      });
    },
  };
}
