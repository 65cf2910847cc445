import { createHmac } from 'node:crypto';

/**
 * `X-Hub-Signature` of an admin webhook with a secret: `sha256=` and the lowercase hex HMAC-SHA256 of
 * the exact body bytes, keyed by the secret. (Atlassian's vector: secret `It's a Secret to Everybody`,
 * body `Hello World!` gives `sha256=a4771c39fbe90f317c7824e83ddef3caae9cb3d976c214ace1f2937e133263c9`.)
 */
export function signWebhookBody(secret: string, body: Buffer | string): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}
