import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * What Leasehold vouches for with a secret it shares between its services: an HMAC-SHA256 (hex) over
 * a list of fields, the first naming what it is (`leasehold-slack-v1`, …) so one kind can never pass
 * for another. Used for Slack clicks and Jira delivery receipts.
 */
export function attestFields(secret: string, fields: readonly string[]): string {
  return createHmac('sha256', secret).update(fields.join('\n')).digest('hex');
}

/** Whether `attestation` is {@link attestFields} of these fields under `secret` (compared in constant time). */
export function fieldsAttested(secret: string, fields: readonly string[], attestation: string): boolean {
  const expected = Buffer.from(attestFields(secret, fields), 'hex');
  const given = Buffer.from(attestation, 'hex');
  return given.length === expected.length && timingSafeEqual(given, expected);
}
