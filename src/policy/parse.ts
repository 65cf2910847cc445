import { parse as parseYaml, YAMLParseError } from 'yaml';
import { validateRules, type RulesParseResult } from './validate';

/** Parses YAML or JSON text (JSON is YAML) and validates it whole. */
export function parseRulesText(text: string): RulesParseResult {
  let value: unknown;
  try {
    value = parseYaml(text, { prettyErrors: true, uniqueKeys: true });
  } catch (err) {
    if (err instanceof YAMLParseError) {
      const where = err.linePos?.[0] ? `line ${err.linePos[0].line}, column ${err.linePos[0].col}` : '(document)';
      return { ok: false, problems: [{ path: where, message: err.message.split('\n')[0]! }] };
    }
    throw err;
  }
  return validateRules(value);
}
