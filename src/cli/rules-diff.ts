import { structuredPatch } from 'diff';
import { stringify } from 'yaml';
import { formatPath } from '../policy/validate';

/**
 * A unified diff of two rules documents, compared as YAML (`stringify` of each, `undefined` = no rules
 * yet), from jsdiff (Myers' O(ND) diff: a 6,000-line document with a few changes takes milliseconds).
 * Changed lines come with `context` lines around them; each hunk is headed `@@ -l,n +l,n @@` and then,
 * like git's function context, by the path of its first change and the application / level it is in,
 * since a bare `max: 60 days` does not say whose maximum changed. No lines when the documents are equal.
 */
export function rulesDiff(before: unknown, after: unknown, context = 2): string[] {
  return yamlDiff(before === undefined ? '' : stringify(before), stringify(after), { before, after }, context);
}

/** The diff of two YAML texts (as `stringify` writes them); `values` (the parsed texts) name the applications. */
export function yamlDiff(
  beforeText: string,
  afterText: string,
  values: { before: unknown; after: unknown },
  context = 2,
): string[] {
  const texts = { before: beforeText, after: afterText };
  const { before, after } = values;
  if (texts.before === texts.after) return [];
  const patch = structuredPatch('before', 'after', texts.before, texts.after, undefined, undefined, { context });
  const docs = { before: new YamlLocator(texts.before, before), after: new YamlLocator(texts.after, after) };
  const out: string[] = [];
  for (const hunk of patch.hunks) {
    // The hunk's first change, in the text it is a line of (a removal: before; an addition: after).
    let b = hunk.oldStart - 1;
    let a = hunk.newStart - 1;
    let where = '';
    for (const line of hunk.lines) {
      if (line.startsWith('-')) {
        where = docs.before.describe(b);
        break;
      }
      if (line.startsWith('+')) {
        where = docs.after.describe(a);
        break;
      }
      b++;
      a++;
    }
    // As in diff -u, an empty range is numbered by the line before it.
    const range = (start: number, count: number) =>
      count === 1 ? `${start}` : `${count === 0 ? start - 1 : start},${count}`;
    out.push(`@@ -${range(hunk.oldStart, hunk.oldLines)} +${range(hunk.newStart, hunk.newLines)} @@ ${where}`);
    out.push(...hunk.lines);
  }
  return out;
}

/** What starts a line of block YAML: `- ` sequence items and at most one `key:`, each at its column. */
type Part = { column: number; item?: true; key?: string };

const KEY = /^("(?:[^"\\]|\\.)*"|'(?:[^']|'')*'|[^\s#'"{[\-?][^#]*?|-[^\s#][^#]*?):(?: |$)/;

function partsOf(line: string): Part[] {
  const parts: Part[] = [];
  let column = line.length - line.trimStart().length;
  let rest = line.slice(column);
  while (rest === '-' || rest.startsWith('- ')) {
    parts.push({ column, item: true });
    column += 2;
    rest = rest.slice(2);
  }
  const key = KEY.exec(rest)?.[1];
  if (key !== undefined) {
    const text = key.startsWith('"')
      ? (JSON.parse(key) as string)
      : key.startsWith("'")
        ? key.slice(1, -1).replace(/''/g, "'")
        : key;
    parts.push({ column, key: text });
  } else if (rest.trim() && parts.length === 0) parts.push({ column }); // a continuation: belongs to the key above
  return parts;
}

/**
 * The path of the node a line of `stringify` output belongs to, read from the indentation (block style:
 * each key on its own line, `- ` items): no YAML parse of the whole document, so no syntax tree of it in
 * memory. Lines inside a multi-line string belong to its key.
 */
class YamlLocator {
  private readonly lines: string[];
  private readonly parts = new Map<number, Part[]>();

  constructor(
    text: string,
    private readonly value: unknown,
  ) {
    this.lines = text.split('\n');
  }

  /** `applications[0].levels[0].duration.max (Jira Software / User)` for a 0-based line. */
  describe(line: number): string {
    const own = this.partsAt(line);
    const path = own.length ? this.pathOf(line, own.length - 1) : [];
    const names: string[] = [];
    const root = this.value as { applications?: Array<{ name?: unknown; levels?: Array<{ name?: unknown }> }> } | null;
    if (path[0] === 'applications' && typeof path[1] === 'number') {
      const app = root?.applications?.[path[1]];
      if (typeof app?.name === 'string') names.push(app.name);
      const level = path[2] === 'levels' && typeof path[3] === 'number' ? app?.levels?.[path[3]] : undefined;
      if (typeof level?.name === 'string') names.push(level.name);
    }
    return `${formatPath(path)}${names.length ? ` (${names.join(' / ')})` : ''}`;
  }

  private partsAt(line: number): Part[] {
    let parts = this.parts.get(line);
    if (!parts) this.parts.set(line, (parts = partsOf(this.lines[line] ?? '')));
    return parts;
  }

  /** The path of part `k` of `line`: its parent is the part left of it, or the nearest less indented line above. */
  private pathOf(line: number, k: number): (string | number)[] {
    const part = this.partsAt(line)[k]!;
    let parentLine = line;
    let prefix: (string | number)[] = [];
    if (k > 0) prefix = this.pathOf(line, k - 1);
    else {
      for (parentLine = line - 1; parentLine >= 0; parentLine--) {
        const above = this.partsAt(parentLine);
        let p = above.length - 1;
        while (p >= 0 && above[p]!.column >= part.column) p--;
        if (p >= 0) {
          prefix = this.pathOf(parentLine, p);
          break;
        }
      }
    }
    if (part.key !== undefined) return [...prefix, part.key];
    if (!part.item) return prefix;
    // An item: its index is how many items of the same sequence (same column) start between the parent and it.
    let index = 0;
    for (let i = Math.max(0, parentLine + 1); i < line; i++)
      if (this.partsAt(i).some((q) => q.column === part.column && q.item)) index++;
    return [...prefix, index];
  }
}
