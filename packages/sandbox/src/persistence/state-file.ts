import fs from 'node:fs';
import path from 'node:path';
import { logger } from '../logging';
import { savedSandboxesSchema, type SavedSandboxes } from './schemas';

const log = logger.child({ sandbox: 'state' });

/**
 * The sandboxes' state on disk (`leasehold start` keeps it in `.leasehold/sandbox-state.json`), so that
 * after a restart they agree with the Temporal history that outlived the process.
 */

/**
 * The saved state, or undefined when there is none. A file that cannot be read, parsed or validated is
 * moved aside (`<file>.unreadable-<time>`) with a warning, and the sandboxes start fresh.
 */
export function loadSandboxState(file: string): SavedSandboxes | undefined {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    log.warn({ file, err }, 'cannot read the saved sandbox state; starting the sandboxes fresh');
    return undefined;
  }
  let problem: string;
  try {
    const parsed = savedSandboxesSchema.safeParse(JSON.parse(text));
    if (parsed.success) return parsed.data;
    problem = parsed.error.issues
      .slice(0, 5)
      .map((i) => `${i.path.join('.') || '(file)'}: ${i.message}`)
      .join('; ');
  } catch (err) {
    problem = err instanceof Error ? err.message : String(err);
  }
  const aside = `${file}.unreadable-${new Date().toISOString().replace(/[:.]/g, '-')}`;
  try {
    fs.renameSync(file, aside);
  } catch {
    // Left where it is: the next save replaces it.
  }
  log.warn({ file, movedTo: aside, problem }, 'the saved sandbox state is unreadable; starting the sandboxes fresh');
  return undefined;
}

/** Writes `text` to `file` atomically: a temporary file beside it, then a rename over it. */
export function writeFileAtomic(file: string, text: string): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const temp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(temp, text);
  fs.renameSync(temp, file);
}

/** Saves the state a while after it changes (changes in a burst make one write), and on demand. */
export class StateFileWriter {
  private timer: NodeJS.Timeout | undefined;
  private closed = false;

  constructor(
    private readonly file: string,
    private readonly render: () => string,
    private readonly delayMs = 200,
  ) {}

  /** A change happened: write within `delayMs`. */
  schedule(): void {
    if (this.closed || this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.writeNow();
    }, this.delayMs);
    this.timer.unref();
  }

  /** Writes now (a pending write included); with `close`, later changes are no longer saved. */
  flush({ close = false }: { close?: boolean } = {}): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    if (!this.closed) this.writeNow();
    if (close) this.closed = true;
  }

  private writeNow(): void {
    try {
      writeFileAtomic(this.file, this.render());
    } catch (err) {
      log.warn({ file: this.file, err }, 'cannot save the sandbox state');
    }
  }
}

/** The file's text: dates as ISO 8601 (their toJSON), attachment content as base64. */
export function renderSandboxState(state: Omit<SavedSandboxes, 'version' | 'savedAt'>): string {
  const jira = {
    ...state.jira,
    issues: state.jira.issues.map((issue) => ({
      ...issue,
      attachments: issue.attachments.map((a) => ({ ...a, content: a.content.toString('base64') })),
    })),
  };
  return JSON.stringify({ version: 1, savedAt: new Date().toISOString(), ...state, jira }, null, 1) + '\n';
}
