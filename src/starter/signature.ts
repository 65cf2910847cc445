import { createHmac, timingSafeEqual } from 'node:crypto';

const SUPPORTED = new Set(['sha256', 'sha1', 'sha512']);

/** `X-Hub-Signature` as Jira computes it: `<method>=<lowercase hex HMAC of the raw body bytes>`. */
export function signBody(secret: string, body: Buffer | string, method = 'sha256'): string {
  return `${method}=${createHmac(method, secret).update(body).digest('hex')}`;
}

export type SignatureCheck = { ok: true } | { ok: false; reason: string };

/**
 * Verifies `X-Hub-Signature` over the exact raw bytes received, reading the method before `=`,
 * comparing in constant time.
 */
export function verifySignature(secret: string, rawBody: Buffer, header: string | undefined): SignatureCheck {
  if (!header) return { ok: false, reason: 'missing X-Hub-Signature header' };
  const eq = header.indexOf('=');
  if (eq <= 0) return { ok: false, reason: 'malformed X-Hub-Signature header' };
  const method = header.slice(0, eq).toLowerCase();
  if (!SUPPORTED.has(method)) return { ok: false, reason: `unsupported signature method ${method}` };
  const given = Buffer.from(
    header
      .slice(eq + 1)
      .trim()
      .toLowerCase(),
    'utf8',
  );
  const expected = Buffer.from(createHmac(method, secret).update(rawBody).digest('hex'), 'utf8');
  if (given.length !== expected.length || !timingSafeEqual(given, expected))
    return { ok: false, reason: 'signature does not match the body' };
  return { ok: true };
}

/** Constant-time comparison of a shared-secret header (Jira Automation "Send web request"). */
export function sharedSecretMatches(secret: string, header: string | undefined): boolean {
  if (!header) return false;
  const a = createHmac('sha256', 'leasehold').update(secret).digest();
  const b = createHmac('sha256', 'leasehold').update(header).digest();
  return timingSafeEqual(a, b);
}
