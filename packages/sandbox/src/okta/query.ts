import type { SandboxResponse } from '../http';
import { oktaError } from './errors';
import { listResponse, pageAfter, pageLimit } from './pagination';
import {
  type FilterOperator,
  FilterSyntaxError,
  matchesFilter,
  parseFilter,
  type FilterNode,
} from './filter-expression';

/** Which attributes (and operators) a `filter` parameter may use; `search` may use any attribute. */
export interface FilterRules {
  /** Attributes allowed with `eq`. */
  equality: readonly string[];
  /** Attributes that also allow `gt`, `ge`, `lt`, `le`. */
  range: readonly string[];
}

const RANGE_OPERATORS: readonly FilterOperator[] = ['gt', 'ge', 'lt', 'le'];

/** An attribute of a wire object by dotted path (`profile.login`, `type.id`, `source.id`). */
function attributeOf(json: object, path: string): unknown {
  let current: unknown = json;
  for (const key of path.split('.')) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<string, unknown>)[key];
  }
  return current;
}

/** Items matching a `search` expression: any attribute, string values case-insensitive. */
function searchItems<T extends object>(items: readonly T[], expression: string): T[] {
  const node = parseOrReject(expression);
  return items.filter((item) => matchesFilter(node, (attr) => attributeOf(item, attr), { caseInsensitive: true }));
}

/** Items matching a `filter` expression: only the rules' attributes, values case-sensitive. */
function filterItems<T extends object>(items: readonly T[], expression: string, rules: FilterRules): T[] {
  const node = parseOrReject(expression);
  if (!followsRules(node, rules)) throw oktaError('invalidSearch');
  return items.filter((item) => matchesFilter(node, (attr) => attributeOf(item, attr), { caseInsensitive: false }));
}

function followsRules(node: FilterNode, rules: FilterRules): boolean {
  switch (node.kind) {
    case 'and':
    case 'or':
      return followsRules(node.left, rules) && followsRules(node.right, rules);
    case 'present':
      return false;
    case 'compare':
      if (rules.range.includes(node.attribute))
        return node.operator === 'eq' || RANGE_OPERATORS.includes(node.operator);
      return rules.equality.includes(node.attribute) && node.operator === 'eq';
  }
}

function parseOrReject(expression: string): FilterNode {
  try {
    return parseFilter(expression);
  } catch (err) {
    if (err instanceof FilterSyntaxError) throw oktaError('invalidSearch');
    throw err;
  }
}

/** How one collection endpoint (`/api/v1/users`, `/api/v1/groups`) answers its query parameters. */
export interface CollectionRules<T> {
  /** `q`: whether the item matches the (lower-cased) query text. */
  matchesQuery(item: T, needle: string): boolean;
  /** Page size of a `q` query (which Okta never pages): default and maximum. */
  queryLimit: readonly [number, number];
  /** Page size otherwise: default and maximum. */
  pageLimit: readonly [number, number];
  filter: FilterRules;
  /** What plain lists and `q` leave out (Okta hides DEPROVISIONED users unless searched for). */
  hidden?(item: T): boolean;
}

/** A collection answer for `q`, else `search`, else `filter`, else everything; paged by `after`/`limit`. */
export function listCollection<T extends { id: string }>(
  url: URL,
  all: readonly T[],
  rules: CollectionRules<T>,
): SandboxResponse {
  const params = url.searchParams;
  const visible = all.filter((item) => !rules.hidden?.(item));
  const q = params.get('q');
  if (q !== null) {
    const needle = q.toLowerCase();
    const found = visible.filter((item) => rules.matchesQuery(item, needle));
    return listResponse(found.slice(0, pageLimit(url, ...rules.queryLimit)), url);
  }
  const search = params.get('search');
  const filter = params.get('filter');
  let selected: readonly T[] = visible;
  if (search !== null) selected = searchItems(all, search);
  else if (filter !== null) selected = filterItems(all, filter, rules.filter);
  const page = pageAfter(selected, params.get('after') ?? undefined, pageLimit(url, ...rules.pageLimit));
  return listResponse(page.items, url, page.nextAfter);
}
