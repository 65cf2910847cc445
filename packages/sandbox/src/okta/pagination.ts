import type { SandboxResponse } from '../http';
import { oktaError } from './errors';

/** One page of a collection ordered by id, and the cursor of the next page when there is one. */
export interface Page<T> {
  items: T[];
  nextAfter?: string;
}

/**
 * Cursor paging as Okta does it: `after` is the id of the last item of the previous page (opaque to
 * clients), so a page stays right when members are added or removed between requests.
 */
export function pageAfter<T extends { id: string }>(
  sortedById: readonly T[],
  after: string | undefined,
  limit: number,
): Page<T> {
  const rest = after === undefined ? sortedById : sortedById.filter((item) => item.id > after);
  const items = rest.slice(0, limit);
  const last = items[items.length - 1];
  return rest.length > limit && last ? { items, nextAfter: last.id } : { items };
}

/**
 * The page size from `limit`, as Okta reads it: absent means `defaultLimit`, more than `maxLimit`
 * is cut to it, anything but a positive integer is a validation error.
 */
export function pageLimit(url: URL, defaultLimit: number, maxLimit: number): number {
  const raw = url.searchParams.get('limit');
  if (raw === null || raw === '') return defaultLimit;
  const limit = Number(raw);
  if (!Number.isInteger(limit) || limit < 1) throw oktaError('validation', 'Api validation failed: limit');
  return Math.min(limit, maxLimit);
}

/**
 * The `Link` header: `rel="self"` is the request, `rel="next"` the same request with the next cursor.
 * Okta sends the two as separate header lines; one comma-joined line means the same (RFC 8288) and is
 * what fetch clients see either way.
 */
export function linkHeader(requestUrl: URL, nextAfter: string | undefined): string {
  const links = [`<${requestUrl.href}>; rel="self"`];
  if (nextAfter !== undefined) {
    const next = new URL(requestUrl.href);
    next.searchParams.set('after', nextAfter);
    links.push(`<${next.href}>; rel="next"`);
  }
  return links.join(', ');
}

/** A 200 answer with a JSON array and its `Link` header. */
export function listResponse(items: unknown[], requestUrl: URL, nextAfter?: string): SandboxResponse {
  return { status: 200, headers: { Link: linkHeader(requestUrl, nextAfter) }, body: items };
}
