import type { RulesDocument } from './schema';

type Application = RulesDocument['applications'][number];
type Level = Application['levels'][number];

/**
 * The rule of a request: its application and access level in the rules, matched as Jira's
 * options are written (case-insensitive). The rules activity and the webhook starter both ask this.
 */
export function findRule(
  rules: RulesDocument,
  application: string | null | undefined,
  accessType: string | null | undefined,
): { app?: Application; level?: Level } {
  const same = (a: string, b: string | null | undefined): boolean => a.toLowerCase() === (b ?? '').toLowerCase();
  const app = application ? rules.applications.find((a) => same(a.name, application)) : undefined;
  const level = app && accessType ? app.levels.find((l) => same(l.name, accessType)) : undefined;
  return { app, level };
}
