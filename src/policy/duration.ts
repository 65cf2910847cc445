/**
 * Access durations as people write them in Jira options and rules: `30 seconds`, `5 minutes`,
 * `8 hours`, `1 day`, `7 days`, `2 weeks`, or compact `30s`, `5m`, `8h`, `7d`, `2w`.
 * Pure and deterministic: used by workflows, the webhook starter and rule validation alike.
 */

const UNIT_MS: Record<string, number> = {
  s: 1_000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 604_800_000,
};

const UNIT_ALIASES: Record<string, keyof typeof UNIT_MS> = {
  s: 's',
  sec: 's',
  secs: 's',
  second: 's',
  seconds: 's',
  m: 'm',
  min: 'm',
  mins: 'm',
  minute: 'm',
  minutes: 'm',
  h: 'h',
  hr: 'h',
  hrs: 'h',
  hour: 'h',
  hours: 'h',
  d: 'd',
  day: 'd',
  days: 'd',
  w: 'w',
  wk: 'w',
  wks: 'w',
  week: 'w',
  weeks: 'w',
};

const PATTERN = /^\s*(\d+(?:\.\d+)?)\s*([a-zA-Z]+)\s*$/;

/** Milliseconds for a duration text, or undefined when it is not one. */
export function parseDuration(text: string): number | undefined {
  const match = PATTERN.exec(text);
  if (!match) return undefined;
  const unit = UNIT_ALIASES[match[2]!.toLowerCase()];
  if (!unit) return undefined;
  const ms = Math.round(Number(match[1]) * UNIT_MS[unit]!);
  return ms > 0 ? ms : undefined;
}

/** A short human form in the largest whole unit: `30s`, `90s`, `5m`, `26h`, `7d` (`1500ms` below a second). */
export function formatDuration(ms: number): string {
  if (ms % UNIT_MS.d! === 0) return `${ms / UNIT_MS.d!}d`;
  if (ms % UNIT_MS.h! === 0) return `${ms / UNIT_MS.h!}h`;
  if (ms % UNIT_MS.m! === 0) return `${ms / UNIT_MS.m!}m`;
  if (ms % UNIT_MS.s! === 0) return `${ms / UNIT_MS.s!}s`;
  return `${ms}ms`;
}
