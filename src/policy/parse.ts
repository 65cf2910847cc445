import { parse as parseYaml, YAMLParseError } from 'yaml';
import { validateRules, type RulesParseResult } from './validate';

export type RulesTextResult =
  Extract<RulesParseResult, { ok: false }> | (Extract<RulesParseResult, { ok: true }> & { raw: unknown });

/** Parses YAML or JSON text (JSON is YAML) and validates it whole; `raw` is the document as written. */
export function parseRulesText(text: string): RulesTextResult {
  let value: unknown;
  try {
    value = parseYaml(text, { prettyErrors: true, uniqueKeys: true });
  } catch (err) {
    if (err instanceof YAMLParseError) {
      const where = err.linePos?.[0] ? `line ${err.linePos[0].line}, column ${err.linePos[0].col}` : '(document)';
      // prettyErrors appends "at line L, column C:" and a code excerpt; the path already says where.
      const message = err.message.split('\n')[0]!.replace(/\s*at line \d+, column \d+:?\s*$/, '');
      return { ok: false, problems: [{ path: where, message }] };
    }
    throw err;
  }
  const result = validateRules(value);
  return result.ok ? { ...result, raw: value } : result;
}
