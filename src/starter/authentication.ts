import type { IncomingMessage } from 'node:http';
import { readOptionalSecret } from '../config/settings';
import { logger } from '../logging';
import type { JiraConnection } from '../policy/schema';
import type { RulesVersion } from '../workflows/policy/types';
import { sharedSecretMatches, verifySignature } from './signature';

/** Header carrying the shared secret of Jira Automation's "Send web request" (it cannot sign). */
export const AUTOMATION_SECRET_HEADER = 'x-leasehold-webhook-secret';

export function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/** Whether a delivery is Jira's (signed with the webhook secret) or Jira Automation's (its shared secret). */
export function authenticate(
  req: IncomingMessage,
  body: Buffer,
  jira: JiraConnection,
  allowUnsigned: boolean,
): { ok: true } | { ok: false; reason: string } {
  const signature = header(req, 'x-hub-signature');
  const shared = header(req, AUTOMATION_SECRET_HEADER);
  const webhookSecret = readOptionalSecret(jira.webhookSecret);
  const automationSecret = readOptionalSecret(jira.automationSecret);
  if (signature) {
    if (!webhookSecret)
      return allowUnsigned
        ? { ok: true }
        : { ok: false, reason: 'signed delivery but no webhook secret is configured' };
    return verifySignature(webhookSecret, body, signature);
  }
  if (shared !== undefined) {
    if (automationSecret && sharedSecretMatches(automationSecret, shared)) return { ok: true };
    return { ok: false, reason: `wrong ${AUTOMATION_SECRET_HEADER}` };
  }
  if (allowUnsigned) return { ok: true };
  return { ok: false, reason: `missing X-Hub-Signature (or ${AUTOMATION_SECRET_HEADER} for Jira Automation)` };
}

/** Refuses to run open to the world: a webhook secret is required unless unsigned deliveries were explicitly allowed. */
export async function assertSecretsConfigured(
  options: { allowUnsigned?: boolean },
  readRules: () => Promise<RulesVersion | undefined>,
): Promise<void> {
  if (options.allowUnsigned) {
    logger.warn('LEASEHOLD_ALLOW_UNSIGNED_WEBHOOKS=true: unsigned deliveries are accepted (local development only)');
    await readRules().catch(() => undefined);
    return;
  }
  const current = await readRules();
  if (!current) {
    logger.warn('no rules applied yet: webhooks are answered 503 until `leasehold rules apply`');
    return;
  }
  const jira = current.rules.connections[current.rules.portal.connection] as JiraConnection;
  if (!readOptionalSecret(jira.webhookSecret) && !readOptionalSecret(jira.automationSecret)) {
    throw new Error(
      `the webhook starter needs a secret: set the jira connection's webhookSecret (or automationSecret) and its variable, or LEASEHOLD_ALLOW_UNSIGNED_WEBHOOKS=true for local development`,
    );
  }
}
