import { DescribePermissionSetCommand, type SSOAdminClient } from '@aws-sdk/client-sso-admin';
import { logger } from '../../logging';
import { ConnectorError } from '../connector-error';
import { classifyAwsError } from './aws-errors';

const log = logger.child({ connector: 'aws' });

/** How long a session duration read from sso-admin is reused before it is read again. */
const CACHE_MS = 10 * 60_000;

/** The longest an AWS session issued through a permission set can last, and where that figure comes from. */
export interface SessionBound {
  ms: number;
  /** `permission set DeveloperAccess (sso-admin)`, `the connection's sessionDuration`, … */
  source: string;
}

export interface SessionBoundOptions {
  /** The connection's `sessionDuration` in ms (default 12 hours, the AWS maximum). */
  configuredMs: number;
  /** sso-admin client and what to read with it; without them the configured bound is used. */
  ssoAdmin?: SSOAdminClient;
  instanceArn?: string;
  permissionSetArns?: readonly string[];
  secrets?: readonly string[];
  now?: () => number;
}

/**
 * The session-duration bound after which a removed member's AWS access is certainly gone: the longest
 * `SessionDuration` of the connection's permission sets (sso-admin `DescribePermissionSet`), read at most
 * every 10 minutes; else the connection's `sessionDuration`. Never fails: a removal has already happened
 * when this is asked, so an sso-admin failure falls back to the configured bound (and says so).
 */
export class SessionBoundReader {
  private cached: { bound: SessionBound; at: number } | undefined;
  private readonly now: () => number;

  constructor(private readonly options: SessionBoundOptions) {
    this.now = options.now ?? Date.now;
  }

  /** The bound; an sso-admin failure falls back to the configured bound, with the reason in `source`. */
  async bound(): Promise<SessionBound> {
    try {
      return await this.read();
    } catch (err) {
      const reason = err instanceof Error ? err.message : String(err);
      log.warn({ reason }, 'cannot read the session duration from sso-admin; using the connection setting');
      return { ...this.configured(), source: `${this.configured().source} (sso-admin unreadable: ${reason})` };
    }
  }

  /** The bound, read from sso-admin when configured; its failures are thrown, classified (`connections test`). */
  async read(): Promise<SessionBound> {
    const { ssoAdmin, instanceArn, permissionSetArns = [] } = this.options;
    if (!ssoAdmin || !instanceArn || permissionSetArns.length === 0) return this.configured();
    if (this.cached && this.now() - this.cached.at < CACHE_MS) return this.cached.bound;
    let longest: SessionBound | undefined;
    for (const arn of permissionSetArns) {
      const ctx = {
        what: `read permission set ${arn}`,
        action: 'sso:DescribePermissionSet',
        secrets: this.options.secrets,
      };
      const { PermissionSet } = await ssoAdmin
        .send(new DescribePermissionSetCommand({ InstanceArn: instanceArn, PermissionSetArn: arn }))
        .catch((err: unknown) => {
          throw classifyAwsError(err, ctx);
        });
      // AWS's default session duration is one hour.
      const duration = PermissionSet?.SessionDuration ?? 'PT1H';
      const ms = parseIsoDuration(duration);
      if (ms === undefined)
        throw new ConnectorError('permanent', `SessionDuration ${duration} of ${arn} is not an ISO 8601 duration`, {
          service: 'aws',
        });
      if (!longest || ms > longest.ms)
        longest = { ms, source: `permission set ${PermissionSet?.Name ?? arn} (sso-admin)` };
    }
    this.cached = { bound: longest!, at: this.now() };
    return longest!;
  }

  private configured(): SessionBound {
    return { ms: this.options.configuredMs, source: "the connection's sessionDuration" };
  }
}

/** `PT1H`, `PT1H30M`, `PT3600S` (AWS session durations) → milliseconds; undefined when not such a duration. */
export function parseIsoDuration(value: string): number | undefined {
  const m = /^PT(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?$/.exec(value);
  if (!m || (m[1] === undefined && m[2] === undefined && m[3] === undefined)) return undefined;
  return ((Number(m[1] ?? 0) * 60 + Number(m[2] ?? 0)) * 60 + Number(m[3] ?? 0)) * 1000;
}

/** `3600000` → `1 hour`, `5400000` → `1 hour 30 minutes`. */
export function describeDuration(ms: number): string {
  const hours = Math.floor(ms / 3_600_000);
  const minutes = Math.round((ms % 3_600_000) / 60_000);
  const part = (n: number, unit: string) => (n ? [`${n} ${unit}${n === 1 ? '' : 's'}`] : []);
  return [...part(hours, 'hour'), ...part(minutes, 'minute')].join(' ') || `${Math.round(ms / 1000)} seconds`;
}
