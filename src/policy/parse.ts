import { isMap, isSeq, LineCounter, parseDocument, type Document } from 'yaml';
import { validateRules, type RuleProblem, type RulesParseResult } from './validate';

export type RulesTextResult =
  Extract<RulesParseResult, { ok: false }> | (Extract<RulesParseResult, { ok: true }> & { raw: unknown });

/**
 * Parses YAML or JSON text (JSON is YAML) and validates it whole; `raw` is the document as written.
 * Every problem carries the 1-based `line` and `column` of where it is in the text: a syntax error's
 * own position, and for the schema's problems the node at the problem's path (or, for a key that is
 * missing, the nearest enclosing node that is there).
 */
export function parseRulesText(text: string): RulesTextResult {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { prettyErrors: true, uniqueKeys: true, lineCounter });
  if (doc.errors.length > 0) {
    return {
      ok: false,
      problems: doc.errors.map((error) => {
        const at = error.linePos?.[0] ?? lineCounter.linePos(error.pos[0]);
        // prettyErrors appends "at line L, column C:" and a code excerpt; line and column already say where.
        const message = error.message.split('\n')[0]!.replace(/\s*at line \d+, column \d+:?\s*$/, '');
        return { path: '(document)', message, line: at.line, column: at.col };
      }),
    };
  }
  const value: unknown = doc.toJS();
  const result = validateRules(value);
  if (!result.ok) return { ok: false, problems: locateProblems(doc, lineCounter, result.problems) };
  return { ...result, raw: value };
}

/** `rules.yaml:12:5: applications[0].levels[1].duration.max: message`, one line each (as compilers do). */
export function problemLine(file: string, p: RuleProblem): string {
  const where = p.line === undefined ? file : `${file}:${p.line}:${p.column ?? 1}`;
  return p.path === '(document)' && p.line !== undefined
    ? `${where}: ${p.message}`
    : `${where}: ${p.path}: ${p.message}`;
}

/** The problems with the line and column of the node at each one's path in `text` (apply-time problems). */
export function locateInText(text: string, problems: RuleProblem[]): RuleProblem[] {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter });
  return doc.errors.length > 0 ? problems : locateProblems(doc, lineCounter, problems);
}

function locateProblems(doc: Document, lineCounter: LineCounter, problems: RuleProblem[]): RuleProblem[] {
  return problems.map((p) => {
    if (p.line !== undefined) return p;
    const offset = offsetAt(doc.contents, p.path === '(document)' ? '' : p.path);
    const at = lineCounter.linePos(offset ?? 0);
    return { ...p, line: at.line, column: at.col };
  });
}

type Ranged = { range?: [number, number, number] | null };

/**
 * The offset where the node at a formatted path (`applications[0].levels[1].duration.max`) starts,
 * or its nearest existing ancestor's. Map keys are matched whole against the path text, so a key with
 * a dot in it (a Jira status, an email) is still found.
 */
function offsetAt(node: unknown, rest: string): number | undefined {
  const here = (node as Ranged | null)?.range?.[0];
  if (rest === '') return here;
  if (isSeq(node)) {
    const m = /^\[(\d+)\](.*)$/.exec(rest);
    const item: unknown = m ? node.items[Number(m[1])] : undefined;
    if (!m || item === undefined) return here;
    return offsetAt(item, m[2]!.replace(/^\./, '')) ?? here;
  }
  if (isMap(node)) {
    let best: { pair: (typeof node.items)[number]; after: string } | undefined;
    for (const pair of node.items) {
      const key = String((pair.key as { value?: unknown } | null)?.value ?? pair.key);
      const after = rest.slice(key.length);
      const fits = rest.startsWith(key) && (after === '' || after.startsWith('.') || after.startsWith('['));
      if (fits && (!best || after.length < best.after.length)) best = { pair, after };
    }
    if (!best) return here;
    const keyAt = (best.pair.key as Ranged | null)?.range?.[0];
    if (best.after === '') return (best.pair.value as Ranged | null)?.range?.[0] ?? keyAt ?? here;
    return offsetAt(best.pair.value, best.after.replace(/^\./, '')) ?? keyAt ?? here;
  }
  return here;
}
