/**
 * The date formats Jira Cloud writes. The sandbox site runs in UTC, so every offset is `+0000`.
 */

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

const pad = (n: number): string => String(n).padStart(2, '0');

/** REST date-time, as in `created`/`updated`: `2026-11-22T16:40:00.000+0000`. */
export function jiraDateTime(date: Date): string {
  return date.toISOString().replace('Z', '+0000');
}

/** The JSM date object (`createdDate`, `statusDate`): `{ iso8601, jira, friendly, epochMillis }`. */
export interface JsmDate {
  iso8601: string;
  jira: string;
  friendly: string;
  epochMillis: number;
}

export function jsmDate(date: Date): JsmDate {
  const hours = date.getUTCHours();
  const friendly =
    `${pad(date.getUTCDate())}/${MONTHS[date.getUTCMonth()]}/${pad(date.getUTCFullYear() % 100)} ` +
    `${hours % 12 === 0 ? 12 : hours % 12}:${pad(date.getUTCMinutes())} ${hours < 12 ? 'AM' : 'PM'}`;
  return {
    iso8601: date.toISOString().replace(/\.\d{3}Z$/, '+0000'),
    jira: jiraDateTime(date),
    friendly,
    epochMillis: date.getTime(),
  };
}

/**
 * `X-RateLimit-Reset` of a 429: request time plus Retry-After, in the documented `yyyy-MM-ddTHH:mmZ`
 * form (minute precision, so it can lie up to a minute before the Retry-After moment).
 */
export function rateLimitReset(now: Date, retryAfterSeconds: number): string {
  const at = new Date(now.getTime() + retryAfterSeconds * 1000);
  return `${at.toISOString().slice(0, 16)}Z`;
}
