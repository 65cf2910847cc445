import type { SandboxRequest } from '../http';
import { graphErrors } from './graph-errors';

/** The OData query options of Graph the sandbox understands: `$select`, `$filter`, `$top`, `$skiptoken`. */

export type Entity = Record<string, unknown>;
export type Predicate = (entity: Entity) => boolean;

/** Largest `$top` Graph accepts on directory collections. */
const MAX_PAGE_SIZE = 999;

/** `https://host:port` of this request as the client addressed it (for `@odata.context` / `@odata.nextLink`). */
export function requestOrigin(req: SandboxRequest): string {
  return `https://${req.headers.host ?? 'localhost'}`;
}

/** `$select` as canonical property names (matched case-insensitively), or undefined when absent. */
export function parseSelect(req: SandboxRequest, known: readonly string[], typeName: string): string[] | undefined {
  const raw = req.url.searchParams.get('$select');
  if (raw === null) return undefined;
  const names = raw
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
  return names.map((name) => {
    const canonical = known.find((k) => k.toLowerCase() === name.toLowerCase());
    if (!canonical) {
      throw graphErrors.badRequest(
        `Parsing OData Select and Expand failed: Could not find a property named '${name}' on type 'microsoft.graph.${typeName}'.`,
      );
    }
    return canonical;
  });
}

/** The entity reduced to the selected properties, in the order asked (absent ones as null). */
export function project(entity: Entity, properties: readonly string[]): Entity {
  const out: Entity = {};
  for (const p of properties) out[p] = entity[p] ?? null;
  return out;
}

/** `https://…/v1.0/$metadata#users(id,mail)/$entity` and its relatives. */
export function contextUrl(
  req: SandboxRequest,
  entitySet: string,
  selected: readonly string[] | undefined,
  single: boolean,
): string {
  const sel = selected ? `(${selected.join(',')})` : '';
  return `${requestOrigin(req)}/v1.0/$metadata#${entitySet}${sel}${single ? '/$entity' : ''}`;
}

/** `$top`, validated as Graph does. */
export function parseTop(req: SandboxRequest): number | undefined {
  const raw = req.url.searchParams.get('$top');
  if (raw === null) return undefined;
  const top = Number(raw);
  if (!Number.isInteger(top) || top < 1 || top > MAX_PAGE_SIZE) {
    throw graphErrors.requestBadRequest(
      `Invalid page size specified: '${raw}'. Must be between 1 and ${MAX_PAGE_SIZE} inclusive.`,
    );
  }
  return top;
}

/** One page of `items` per `$top` / `$skiptoken`, with an absolute `@odata.nextLink` when more remain. */
export function paginate<T>(
  req: SandboxRequest,
  items: readonly T[],
  defaultPageSize: number,
): { page: T[]; nextLink?: string } {
  const size = parseTop(req) ?? defaultPageSize;
  const token = req.url.searchParams.get('$skiptoken');
  const offset = token === null ? 0 : decodeSkipToken(token);
  const page = items.slice(offset, offset + size);
  if (offset + size >= items.length) return { page };
  const query: string[] = [];
  for (const [key, value] of req.url.searchParams) {
    if (key.toLowerCase() !== '$skiptoken') query.push(`${key}=${encodeURIComponent(value).replace(/%2C/gi, ',')}`);
  }
  query.push(`$skiptoken=${encodeSkipToken(offset + size)}`);
  return { page, nextLink: `${requestOrigin(req)}${req.path}?${query.join('&')}` };
}

function encodeSkipToken(offset: number): string {
  return Buffer.from(`LHSandbox:${offset}`, 'utf8').toString('base64url');
}

function decodeSkipToken(token: string): number {
  const match = /^LHSandbox:(\d+)$/.exec(Buffer.from(token, 'base64url').toString('utf8'));
  if (!match) throw graphErrors.requestBadRequest(`Invalid paging token specified: '${token}'.`);
  return Number(match[1]);
}

// ---- $filter: `prop eq 'value'`, `prop eq true`, `startswith(prop,'value')`, joined by and / or, with parentheses.

type Token =
  { kind: 'ident'; value: string } | { kind: 'string'; value: string } | { kind: 'punct'; value: '(' | ')' | ',' };

/** Parses `$filter` (undefined when absent) into a predicate over Graph-shaped entities. */
export function parseFilter(
  req: SandboxRequest,
  filterable: readonly string[],
  resourceName: string,
): Predicate | undefined {
  const raw = req.url.searchParams.get('$filter');
  if (raw === null) return undefined;
  const invalid = (): Error => graphErrors.badRequest(`Invalid filter clause: ${raw}`);
  const tokens = tokenize(raw, invalid);
  let pos = 0;
  const peek = (): Token | undefined => tokens[pos];
  const isWord = (t: Token | undefined, word: string): boolean => t?.kind === 'ident' && t.value.toLowerCase() === word;
  const expect = (value: '(' | ')' | ','): void => {
    const t = tokens[pos++];
    if (t?.kind !== 'punct' || t.value !== value) throw invalid();
  };
  const property = (): string => {
    const t = tokens[pos++];
    if (t?.kind !== 'ident') throw invalid();
    const canonical = filterable.find((p) => p.toLowerCase() === t.value.toLowerCase());
    if (!canonical) {
      throw graphErrors.unsupportedQuery(
        `Unsupported or invalid query filter clause specified for property '${t.value}' of resource '${resourceName}'.`,
      );
    }
    return canonical;
  };
  const literal = (): string | boolean | null => {
    const t = tokens[pos++];
    if (t?.kind === 'string') return t.value;
    if (isWord(t, 'true')) return true;
    if (isWord(t, 'false')) return false;
    if (isWord(t, 'null')) return null;
    throw invalid();
  };

  const factor = (): Predicate => {
    const t = peek();
    if (t?.kind === 'punct' && t.value === '(') {
      pos++;
      const inner = expr();
      expect(')');
      return inner;
    }
    if (isWord(t, 'startswith')) {
      pos++;
      expect('(');
      const prop = property();
      expect(',');
      const prefix = literal();
      expect(')');
      if (typeof prefix !== 'string') throw invalid();
      return (e) => typeof e[prop] === 'string' && (e[prop] as string).toLowerCase().startsWith(prefix.toLowerCase());
    }
    const prop = property();
    if (!isWord(tokens[pos++], 'eq')) {
      throw graphErrors.unsupportedQuery(
        `Unsupported query operator in filter clause for property '${prop}' of resource '${resourceName}'.`,
      );
    }
    const value = literal();
    return (e) => equalsIgnoringCase(e[prop], value);
  };
  const term = (): Predicate => {
    let left = factor();
    while (isWord(peek(), 'and')) {
      pos++;
      const l = left;
      const r = factor();
      left = (e) => l(e) && r(e);
    }
    return left;
  };
  const expr = (): Predicate => {
    let left = term();
    while (isWord(peek(), 'or')) {
      pos++;
      const l = left;
      const r = term();
      left = (e) => l(e) || r(e);
    }
    return left;
  };

  const predicate = expr();
  if (pos !== tokens.length) throw invalid();
  return predicate;
}

function tokenize(raw: string, invalid: () => Error): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < raw.length) {
    const c = raw[i]!;
    if (/\s/.test(c)) {
      i++;
    } else if (c === '(' || c === ')' || c === ',') {
      tokens.push({ kind: 'punct', value: c });
      i++;
    } else if (c === "'") {
      let value = '';
      i++;
      for (;;) {
        if (i >= raw.length) throw invalid();
        if (raw[i] === "'") {
          if (raw[i + 1] === "'") {
            value += "'";
            i += 2;
            continue;
          }
          i++;
          break;
        }
        value += raw[i];
        i++;
      }
      tokens.push({ kind: 'string', value });
    } else {
      const match = /^[A-Za-z_][A-Za-z0-9_./]*/.exec(raw.slice(i));
      if (!match) throw invalid();
      tokens.push({ kind: 'ident', value: match[0] });
      i += match[0].length;
    }
  }
  return tokens;
}

function equalsIgnoringCase(actual: unknown, expected: string | boolean | null): boolean {
  if (typeof actual === 'string' && typeof expected === 'string')
    return actual.toLowerCase() === expected.toLowerCase();
  return (actual ?? null) === expected;
}
