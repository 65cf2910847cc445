import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { SandboxRequest } from '../http';
import { awsErrors } from './errors';

/** An access key the sandbox knows, and which IAM user holds it. */
export interface AwsAccessKey {
  accessKeyId: string;
  secretAccessKey: string;
  /** `arn:aws:iam::111122223333:user/leasehold`: named in AccessDenied messages. */
  principalArn: string;
  /** Only Get*, Describe*, List* and IsMember* actions are allowed. */
  readOnly: boolean;
}

/** What a verified signature says about the request. */
export interface VerifiedCaller {
  key: AwsAccessKey;
  region: string;
  service: string;
}

const ALGORITHM = 'AWS4-HMAC-SHA256';
/** AWS rejects a request whose X-Amz-Date is more than 5 minutes away from its clock. */
const MAX_SKEW_MS = 5 * 60_000;
const MISMATCH =
  'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.';

/**
 * Checks a request's Signature Version 4 `Authorization` header the way AWS does: the access key must
 * be known, the credential scope must name this region and `service`, X-Amz-Date must be within 5
 * minutes, and the signature, recomputed here from the canonical request with the key's secret, must
 * match. Written from the SigV4 specification (not with the SDK's signer), so the SDK's signing is
 * checked independently.
 */
export function verifySigV4(
  req: SandboxRequest,
  keys: readonly AwsAccessKey[],
  expect: { region: string; service: string },
  now = Date.now(),
): VerifiedCaller {
  const authorization = header(req, 'authorization');
  if (!authorization) throw awsErrors.missingToken();
  if (!authorization.startsWith(`${ALGORITHM} `))
    throw awsErrors.incompleteSignature(`Authorization header requires the ${ALGORITHM} algorithm.`);
  const parts = Object.fromEntries(
    authorization
      .slice(ALGORITHM.length + 1)
      .split(',')
      .map((p) => p.trim().split('=', 2) as [string, string | undefined]),
  );
  const credential = parts.Credential?.split('/');
  const signedHeaders = parts.SignedHeaders?.split(';');
  const signature = parts.Signature;
  const amzDate = header(req, 'x-amz-date');
  if (!credential || credential.length !== 5 || !signedHeaders || !signature || !amzDate) {
    throw awsErrors.incompleteSignature(
      `Authorization header requires 'Credential', 'Signature', 'SignedHeaders' and an 'X-Amz-Date' header. Authorization=${authorization.slice(0, 40)}…`,
    );
  }
  const [accessKeyId, date, region, service, terminator] = credential as [string, string, string, string, string];
  const key = keys.find((k) => k.accessKeyId === accessKeyId);
  if (!key) throw awsErrors.unrecognizedClient();
  if (terminator !== 'aws4_request' || !amzDate.startsWith(date))
    throw awsErrors.incompleteSignature(`Credential should be scoped to a valid date and 'aws4_request'.`);
  if (region !== expect.region)
    throw awsErrors.invalidSignature(`Credential should be scoped to a valid region, not '${region}'.`);
  if (service !== expect.service)
    throw awsErrors.invalidSignature(`Credential should be scoped to correct service: '${expect.service}'.`);
  if (!signedHeaders.includes('host')) throw awsErrors.invalidSignature(`'Host' must be a signed header.`);
  const signedAt = parseAmzDate(amzDate);
  if (signedAt === undefined) throw awsErrors.incompleteSignature(`X-Amz-Date ${amzDate} is not a valid date.`);
  if (Math.abs(now - signedAt) > MAX_SKEW_MS) {
    throw awsErrors.invalidSignature(
      `Signature expired: ${amzDate} is now earlier than ${formatAmzDate(now - MAX_SKEW_MS)} (${formatAmzDate(now)} - 5 min.)`,
    );
  }

  const canonicalRequest = [
    req.method,
    canonicalUri(req.url.pathname),
    canonicalQuery(req.url.searchParams),
    signedHeaders.map((h) => `${h}:${canonicalHeaderValue(req, h)}\n`).join(''),
    signedHeaders.join(';'),
    header(req, 'x-amz-content-sha256') ?? sha256Hex(req.rawBody),
  ].join('\n');
  const scope = `${date}/${region}/${service}/aws4_request`;
  const stringToSign = [ALGORITHM, amzDate, scope, sha256Hex(canonicalRequest)].join('\n');
  let signingKey = hmac(`AWS4${key.secretAccessKey}`, date);
  for (const part of [region, service, 'aws4_request']) signingKey = hmac(signingKey, part);
  const expected = createHmac('sha256', signingKey).update(stringToSign).digest();
  const given = Buffer.from(signature, 'hex');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) throw awsErrors.invalidSignature(MISMATCH);
  return { key, region, service };
}

function header(req: SandboxRequest, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value.join(',') : value;
}

/** Trimmed, inner runs of spaces collapsed; repeated headers joined with commas. */
function canonicalHeaderValue(req: SandboxRequest, name: string): string {
  return (header(req, name) ?? '').trim().replace(/\s+/g, ' ');
}

/** Each segment URI-encoded (RFC 3986 unreserved characters kept); for non-S3 services, encoded twice. */
function canonicalUri(path: string): string {
  if (path === '' || path === '/') return '/';
  return path
    .split('/')
    .map((segment) => encodeRfc3986(encodeRfc3986(decodeURIComponent(segment))))
    .join('/');
}

function canonicalQuery(params: URLSearchParams): string {
  return [...params.entries()]
    .map(([k, v]) => [encodeRfc3986(k), encodeRfc3986(v)] as const)
    .sort(([a, av], [b, bv]) => (a < b ? -1 : a > b ? 1 : av < bv ? -1 : av > bv ? 1 : 0))
    .map(([k, v]) => `${k}=${v}`)
    .join('&');
}

function encodeRfc3986(value: string): string {
  return encodeURIComponent(value).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

function sha256Hex(data: string | Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}

function hmac(key: string | Buffer, data: string): Buffer {
  return createHmac('sha256', key).update(data).digest();
}

/** `20261122T164000Z` → epoch milliseconds. */
function parseAmzDate(value: string): number | undefined {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(value);
  if (!m) return undefined;
  return Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!, +m[6]!);
}

function formatAmzDate(ms: number): string {
  return new Date(ms)
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '');
}
