import crypto, { createHmac } from 'node:crypto';
import { signWebhookBody } from '@leasehold/sandbox';
import { sharedSecretMatches, signBody, verifySignature } from '../../../src/starter/signature';
import { sandboxJiraEvents } from './sandbox-events';

/** `X-Hub-Signature` of Jira admin webhooks, verified over the raw body bytes. */
describe('webhook signature', () => {
  const vector = {
    secret: "It's a Secret to Everybody",
    body: Buffer.from('Hello World!', 'utf8'),
    signature: 'sha256=a4771c39fbe90f317c7824e83ddef3caae9cb3d976c214ace1f2937e133263c9',
  };

  afterEach(() => jest.restoreAllMocks());

  test("Atlassian's published test vector verifies, and signBody reproduces it", () => {
    expect(verifySignature(vector.secret, vector.body, vector.signature)).toEqual({ ok: true });
    expect(signBody(vector.secret, vector.body)).toBe(vector.signature);
    // The sandbox Jira signs the same way, so what it delivers is what the starter accepts.
    expect(signWebhookBody(vector.secret, vector.body)).toBe(vector.signature);
  });

  test('the test vector fails with another secret, another body or one changed hex digit', () => {
    expect(verifySignature('another secret', vector.body, vector.signature)).toEqual({
      ok: false,
      reason: 'signature does not match the body',
    });
    expect(verifySignature(vector.secret, Buffer.from('Hello World?'), vector.signature).ok).toBe(false);
    expect(verifySignature(vector.secret, Buffer.from('Hello World! '), vector.signature).ok).toBe(false);
    const flipped = vector.signature.slice(0, -1) + (vector.signature.endsWith('9') ? '8' : '9');
    expect(verifySignature(vector.secret, vector.body, flipped).ok).toBe(false);
  });

  test('the signature covers the exact bytes: re-serialised JSON with the same meaning does not verify', () => {
    const events = sandboxJiraEvents();
    const key = events.raise({ reporter: 'alice', application: 'Jira Software', accessType: 'User' });
    const raw = events.last(key, 'jira:issue_created');
    const signature = signWebhookBody('s3cret', raw);
    expect(verifySignature('s3cret', raw, signature)).toEqual({ ok: true });
    const pretty = Buffer.from(JSON.stringify(JSON.parse(raw.toString('utf8')), null, 2));
    expect(verifySignature('s3cret', pretty, signature).ok).toBe(false);
  });

  test('the method is read before "=": sha1 and sha512 signatures verify, case-insensitively', () => {
    const sha1 = `sha1=${createHmac('sha1', vector.secret).update(vector.body).digest('hex')}`;
    const sha512 = `sha512=${createHmac('sha512', vector.secret).update(vector.body).digest('hex')}`;
    expect(verifySignature(vector.secret, vector.body, sha1)).toEqual({ ok: true });
    expect(verifySignature(vector.secret, vector.body, sha512)).toEqual({ ok: true });
    expect(verifySignature(vector.secret, vector.body, vector.signature.replace('sha256', 'SHA256'))).toEqual({
      ok: true,
    });
    expect(verifySignature(vector.secret, vector.body, vector.signature.toUpperCase())).toEqual({ ok: true });
    // A sha256 digest presented as sha1 (or the other way round) is a mismatch, not a pass.
    expect(verifySignature(vector.secret, vector.body, vector.signature.replace('sha256', 'sha1')).ok).toBe(false);
    expect(verifySignature(vector.secret, vector.body, sha1.replace('sha1', 'sha256')).ok).toBe(false);
  });

  test('missing, malformed and unsupported headers are refused with a reason', () => {
    expect(verifySignature(vector.secret, vector.body, undefined)).toEqual({
      ok: false,
      reason: 'missing X-Hub-Signature header',
    });
    expect(verifySignature(vector.secret, vector.body, '')).toEqual({
      ok: false,
      reason: 'missing X-Hub-Signature header',
    });
    const digest = vector.signature.slice('sha256='.length);
    expect(verifySignature(vector.secret, vector.body, digest)).toEqual({
      ok: false,
      reason: 'malformed X-Hub-Signature header',
    });
    expect(verifySignature(vector.secret, vector.body, `=${digest}`)).toEqual({
      ok: false,
      reason: 'malformed X-Hub-Signature header',
    });
    expect(
      verifySignature(
        vector.secret,
        vector.body,
        `md5=${createHmac('md5', vector.secret).update(vector.body).digest('hex')}`,
      ),
    ).toEqual({
      ok: false,
      reason: 'unsupported signature method md5',
    });
    expect(verifySignature(vector.secret, vector.body, 'sha256=')).toEqual({
      ok: false,
      reason: 'signature does not match the body',
    });
  });

  test('comparison runs through timingSafeEqual, and a digest of the wrong length is refused without throwing', () => {
    const compare = jest.spyOn(crypto, 'timingSafeEqual');
    const wrongSameLength = `sha256=${'0'.repeat(64)}`;
    expect(verifySignature(vector.secret, vector.body, wrongSameLength).ok).toBe(false);
    expect(compare).toHaveBeenCalledTimes(1);
    expect(verifySignature(vector.secret, vector.body, vector.signature).ok).toBe(true);
    expect(compare).toHaveBeenCalledTimes(2);
    // timingSafeEqual throws on unequal lengths: a truncated or padded digest must be a plain refusal.
    expect(() => verifySignature(vector.secret, vector.body, vector.signature.slice(0, -2))).not.toThrow();
    expect(verifySignature(vector.secret, vector.body, vector.signature.slice(0, -2)).ok).toBe(false);
    expect(verifySignature(vector.secret, vector.body, `${vector.signature}00`).ok).toBe(false);
  });

  test('shared-secret header (Jira Automation) matches only the exact secret, in constant time for any length', () => {
    const compare = jest.spyOn(crypto, 'timingSafeEqual');
    expect(sharedSecretMatches('automation-secret', 'automation-secret')).toBe(true);
    expect(sharedSecretMatches('automation-secret', 'automation-secreT')).toBe(false);
    expect(sharedSecretMatches('automation-secret', 'a')).toBe(false);
    expect(sharedSecretMatches('automation-secret', 'automation-secret-and-more')).toBe(false);
    expect(sharedSecretMatches('automation-secret', undefined)).toBe(false);
    expect(sharedSecretMatches('automation-secret', '')).toBe(false);
    expect(compare).toHaveBeenCalledTimes(4);
  });
});
