import type { z } from 'zod';
import { rulesDocumentSchema, type RulesDocument } from './schema';

/**
 * One problem in a rules document, with the path to it (`applications[2].levels[0].risk`) and, when
 * it was read from text, the 1-based line and column there (see parseRulesText).
 */
export interface RuleProblem {
  path: string;
  message: string;
  line?: number;
  column?: number;
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
/** The largest rules document (as JSON) the policy workflow keeps: its history holds each version. */
export const MAX_DOCUMENT_BYTES = 384 * 1024;

/** Size of a value's JSON in UTF-8 (how it travels in a payload). */
export function jsonBytes(value: unknown): number {
  const text = JSON.stringify(value) ?? '';
  let bytes = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 0x80) bytes += 1;
    else if (code < 0x800) bytes += 2;
    else if (code >= 0xd800 && code <= 0xdbff) {
      bytes += 4; // a surrogate pair: one 4-byte character
      i++;
    } else bytes += 3;
  }
  return bytes;
}

/** The schema's verdict, and the size limit: `rules validate` offline says what the policy workflow would. */
export function validateRules(value: unknown): RulesParseResult {
  const result = rulesDocumentSchema.safeParse(value);
  if (!result.success) return { ok: false, problems: problemsOf(result.error) };
  const bytes = jsonBytes(result.data);
  if (bytes > MAX_DOCUMENT_BYTES) {
    return {
      ok: false,
      problems: [
        {
          path: '(document)',
          message: `${Math.ceil(bytes / 1024)} KiB of JSON; at most ${MAX_DOCUMENT_BYTES / 1024} KiB can be kept`,
        },
      ],
    };
  }
  return { ok: true, rules: result.data };
}
