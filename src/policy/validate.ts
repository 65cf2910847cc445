import type { z } from 'zod';
import { rulesDocumentSchema, type RulesDocument } from './schema';

/** One problem in a rules document, with the path to it (`applications[2].levels[0].risk`). */
export interface RuleProblem {
  path: string;
  message: string;
}

export type RulesParseResult = { ok: true; rules: RulesDocument } | { ok: false; problems: RuleProblem[] };

export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else out += out ? `.${String(key)}` : String(key);
  }
  return out || '(document)';
}

export function problemsOf(error: z.ZodError): RuleProblem[] {
  const problems: RuleProblem[] = [];
  const visit = (issues: z.core.$ZodIssue[], prefix: PropertyKey[]): void => {
    for (const issue of issues) {
      const path = [...prefix, ...issue.path];
      // A union of objects (connections): report the branch's own problems, not "invalid input".
      if (issue.code === 'invalid_union' && issue.errors.length > 0 && !issue.message.startsWith('secrets')) {
        const best = issue.errors.reduce((a, b) => (a.length <= b.length ? a : b));
        visit(best, path);
        continue;
      }
      problems.push({ path: formatPath(path), message: issue.message });
    }
  };
  visit(error.issues, []);
  return problems;
}

/** Validates an already-parsed value (from JSON, YAML or an update payload) as a whole rules document. */
export function validateRules(value: unknown): RulesParseResult {
  const result = rulesDocumentSchema.safeParse(value);
  return result.success ? { ok: true, rules: result.data } : { ok: false, problems: problemsOf(result.error) };
}
