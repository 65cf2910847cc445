import { attestFields, fieldsAttested } from '../attestation';
import { readOptionalSecret } from '../../config/settings';
import type { JiraConnection } from '../../policy/schema';

/**
 * When the webhook starter received a status change, vouched for with the Jira connection's webhook
 * secret (an HMAC over the claimed change and the arrival time). A change counts only if the issue had
 * not moved on by then (`matchDecision`'s `asOf`), judged against the changelog the workflow reads to
 * confirm it. A claim sent straight to Temporal has no valid receipt and is judged against the
 * changelog as it is now.
 */
export interface DeliveryReceipt {
  receivedAt: string;
  /** HMAC-SHA256 (hex) of the change and `receivedAt`; not a secret. */
  attestation: string;
}

/** The parts of a claimed status change the receipt binds. */
export interface ReceivedChange {
  issueKey: string;
  status: string;
  actorAccountId: string;
  at: string;
  changelogId?: string;
}

const fields = (c: ReceivedChange, receivedAt: string): string[] => [
  'leasehold-jira-delivery-v1',
  c.issueKey,
  c.status,
  c.actorAccountId,
  c.at,
  c.changelogId ?? '',
  receivedAt,
];

/** The key receipts are made with: the webhook secret, else Jira Automation's shared secret. */
export function receiptKey(jira: JiraConnection): string | undefined {
  return readOptionalSecret(jira.webhookSecret) ?? readOptionalSecret(jira.automationSecret);
}

export function receiptFor(key: string, change: ReceivedChange, receivedAt: Date): DeliveryReceipt {
  const at = receivedAt.toISOString();
  return { receivedAt: at, attestation: attestFields(key, fields(change, at)) };
}

/**
 * When the change was received (epoch ms), if its receipt is valid under `key`; otherwise undefined
 * (no receipt, a forged or altered one, or no key on this side).
 */
export function receivedAt(
  key: string | undefined,
  change: ReceivedChange,
  receipt: DeliveryReceipt | undefined,
): number | undefined {
  if (!key || !receipt) return undefined;
  if (!fieldsAttested(key, fields(change, receipt.receivedAt), receipt.attestation)) return undefined;
  const at = Date.parse(receipt.receivedAt);
  return Number.isNaN(at) ? undefined : at;
}
