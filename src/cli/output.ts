/** CLI output: results to stdout, problems to stderr. (Logs are pino's, on stderr too.) */
export function out(text = ''): void {
  process.stdout.write(`${text}\n`);
}

export function err(text: string): void {
  process.stderr.write(`${text}\n`);
}

/** A plain text table with aligned columns. */
export function table(headers: string[], rows: string[][]): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (c ?? '').padEnd(widths[i]!))
      .join('  ')
      .trimEnd();
  return [line(headers), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}

/** Exit code for a failed command; commander actions set it instead of calling process.exit mid-flight. */
export function fail(message: string, code = 1): void {
  err(message);
  process.exitCode = code;
}

export const OUTPUT_FORMATS = ['table', 'json', 'yaml'] as const;
export type OutputFormat = (typeof OUTPUT_FORMATS)[number];

/**
 * A read command's result: `human()` for people (the default, `-o table`), the data itself as JSON or
 * YAML for machines. YAML is loaded only when asked for.
 */
export async function printResult(format: OutputFormat, data: unknown, human: () => string): Promise<void> {
  if (format === 'json') return out(JSON.stringify(data, null, 2));
  if (format === 'yaml') {
    const { stringify } = await import('yaml');
    return out(stringify(data ?? null).trimEnd());
  }
  out(human());
}
