/**
 * Okta's `filter` / `search` expression language (a SCIM subset): `profile.login eq "a@b.c"`,
 * `type eq "OKTA_GROUP" and (lastUpdated gt "2025-01-01T00:00:00.000Z" or profile.name sw "aws")`.
 * Operators: eq, sw, co, gt, ge, lt, le, pr; logical: and (binds tighter), or, parentheses.
 */

export type FilterOperator = 'eq' | 'sw' | 'co' | 'gt' | 'ge' | 'lt' | 'le';

export type FilterNode =
  | { kind: 'compare'; attribute: string; operator: FilterOperator; value: string | boolean | number }
  | { kind: 'present'; attribute: string }
  | { kind: 'and' | 'or'; left: FilterNode; right: FilterNode };

/** The expression is not one Okta would accept (answered as 400 E0000031 "Invalid search criteria."). */
export class FilterSyntaxError extends Error {}

type Token = { kind: 'word'; text: string } | { kind: 'string'; text: string } | { kind: 'open' } | { kind: 'close' };

const OPERATORS = new Set<string>(['eq', 'sw', 'co', 'gt', 'ge', 'lt', 'le']);

export function parseFilter(text: string): FilterNode {
  const tokens = tokenize(text);
  let pos = 0;
  const peekWord = (): string | undefined => {
    const t = tokens[pos];
    return t?.kind === 'word' ? t.text.toLowerCase() : undefined;
  };

  const parseOr = (): FilterNode => {
    let left = parseAnd();
    while (peekWord() === 'or') {
      pos += 1;
      left = { kind: 'or', left, right: parseAnd() };
    }
    return left;
  };
  const parseAnd = (): FilterNode => {
    let left = parseTerm();
    while (peekWord() === 'and') {
      pos += 1;
      left = { kind: 'and', left, right: parseTerm() };
    }
    return left;
  };
  const parseTerm = (): FilterNode => {
    const t = tokens[pos++];
    if (t?.kind === 'open') {
      const inner = parseOr();
      if (tokens[pos++]?.kind !== 'close') throw new FilterSyntaxError('missing )');
      return inner;
    }
    if (t?.kind !== 'word' || !/^[A-Za-z_][\w.]*$/.test(t.text)) throw new FilterSyntaxError('expected an attribute');
    const operator = peekWord();
    pos += 1;
    if (operator === 'pr') return { kind: 'present', attribute: t.text };
    if (!operator || !OPERATORS.has(operator)) throw new FilterSyntaxError(`unsupported operator after ${t.text}`);
    const v = tokens[pos++];
    if (v?.kind === 'string')
      return { kind: 'compare', attribute: t.text, operator: operator as FilterOperator, value: v.text };
    if (v?.kind === 'word' && (v.text === 'true' || v.text === 'false')) {
      return { kind: 'compare', attribute: t.text, operator: operator as FilterOperator, value: v.text === 'true' };
    }
    if (v?.kind === 'word' && /^-?\d+(\.\d+)?$/.test(v.text)) {
      return { kind: 'compare', attribute: t.text, operator: operator as FilterOperator, value: Number(v.text) };
    }
    throw new FilterSyntaxError(`expected a value after ${t.text} ${operator}`);
  };

  const node = parseOr();
  if (pos !== tokens.length) throw new FilterSyntaxError('unexpected text after the expression');
  return node;
}

/**
 * Whether a resource matches. `resolve` gives an attribute's value (arrays match when any element
 * does); `caseInsensitive` for `search` (string values compare case-insensitively), not for `filter`.
 */
export function matchesFilter(
  node: FilterNode,
  resolve: (attribute: string) => unknown,
  options: { caseInsensitive: boolean },
): boolean {
  switch (node.kind) {
    case 'and':
      return matchesFilter(node.left, resolve, options) && matchesFilter(node.right, resolve, options);
    case 'or':
      return matchesFilter(node.left, resolve, options) || matchesFilter(node.right, resolve, options);
    case 'present': {
      const v = resolve(node.attribute);
      return v !== undefined && v !== null && v !== '';
    }
    case 'compare': {
      const v = resolve(node.attribute);
      const values = Array.isArray(v) ? (v as unknown[]) : [v];
      return values.some((one) => compare(one, node.operator, node.value, options.caseInsensitive));
    }
  }
}

function compare(
  actual: unknown,
  operator: FilterOperator,
  expected: string | boolean | number,
  caseInsensitive: boolean,
): boolean {
  if (actual === undefined || actual === null) return false;
  if (typeof expected !== 'string') return operator === 'eq' && actual === expected;
  if (typeof actual !== 'string') return false;
  const a = caseInsensitive ? actual.toLowerCase() : actual;
  const e = caseInsensitive ? expected.toLowerCase() : expected;
  switch (operator) {
    case 'eq':
      return a === e;
    case 'sw':
      return a.startsWith(e);
    case 'co':
      return a.includes(e);
    case 'gt':
      return a > e;
    case 'ge':
      return a >= e;
    case 'lt':
      return a < e;
    case 'le':
      return a <= e;
  }
}

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    if (/\s/.test(c)) {
      i += 1;
    } else if (c === '(' || c === ')') {
      tokens.push({ kind: c === '(' ? 'open' : 'close' });
      i += 1;
    } else if (c === '"') {
      let value = '';
      i += 1;
      while (i < text.length && text[i] !== '"') {
        if (text[i] === '\\' && i + 1 < text.length) i += 1;
        value += text[i];
        i += 1;
      }
      if (i >= text.length) throw new FilterSyntaxError('unterminated string');
      i += 1;
      tokens.push({ kind: 'string', text: value });
    } else {
      const start = i;
      while (i < text.length && !/[\s()"]/.test(text[i]!)) i += 1;
      tokens.push({ kind: 'word', text: text.slice(start, i) });
    }
  }
  if (tokens.length === 0) throw new FilterSyntaxError('empty expression');
  return tokens;
}
