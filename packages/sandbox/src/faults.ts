import { z } from 'zod';

/**
 * The fault switch every sandbox carries, for tests, benchmarks and demos of resilience.
 * Settable at start (options or `LEASEHOLD_SANDBOX_<NAME>_FAULTS` as JSON) and at run time with
 * `PUT /__sandbox/faults` (same JSON; fields omitted keep their value).
 */
const faultFields = {
  /** Added to every answer, in milliseconds. */
  latencyMs: z.number().int().min(0).max(60_000),
  /** Share of requests (0..1) answered with a 5xx server error. */
  errorRate: z.number().min(0).max(1),
  /** Share of requests (0..1) answered with 429 Too Many Requests. */
  rateLimitRate: z.number().min(0).max(1),
  /** The next N requests are answered with a 5xx server error (deterministic, for tests). */
  failNext: z.number().int().min(0),
  /** The next N requests are answered with 429 (deterministic, for tests). */
  throttleNext: z.number().int().min(0),
  /** What 429 answers ask the client to wait (Retry-After / X-Rate-Limit-Reset), in seconds. */
  retryAfterSeconds: z.number().int().min(0).max(3600),
};

const DEFAULTS = {
  latencyMs: 0,
  errorRate: 0,
  rateLimitRate: 0,
  failNext: 0,
  throttleNext: 0,
  retryAfterSeconds: 1,
} as const;

/** A partial update: only the fields given change (no defaults here, so omitted fields keep their value). */
export const faultPatchSchema = z.object(faultFields).partial().strict();

export const faultSettingsSchema = faultPatchSchema.transform((patch) => ({ ...DEFAULTS, ...patch }));

export type FaultSettings = z.infer<typeof faultSettingsSchema>;
export type FaultSettingsInput = z.input<typeof faultSettingsSchema>;

export type Fault = { kind: 'server-error' } | { kind: 'rate-limit'; retryAfterSeconds: number };

export class FaultSwitch {
  private settings: FaultSettings;

  constructor(
    initial: FaultSettingsInput = {},
    private readonly random: () => number = Math.random,
  ) {
    this.settings = faultSettingsSchema.parse(initial);
  }

  /** Reads `LEASEHOLD_SANDBOX_<NAME>_FAULTS` (JSON) merged over `base`. */
  static fromEnv(name: string, base: FaultSettingsInput = {}): FaultSwitch {
    const raw = process.env[`LEASEHOLD_SANDBOX_${name.toUpperCase()}_FAULTS`];
    const fromEnv: unknown = raw ? JSON.parse(raw) : {};
    return new FaultSwitch({ ...base, ...faultPatchSchema.parse(fromEnv) });
  }

  get current(): FaultSettings {
    return { ...this.settings };
  }

  /** Merges a partial update (validated); returns the new settings. */
  update(patch: unknown): FaultSettings {
    this.settings = { ...this.settings, ...faultPatchSchema.parse(patch) };
    return this.current;
  }

  reset(): FaultSettings {
    this.settings = faultSettingsSchema.parse({});
    return this.current;
  }

  /** Waits the configured latency, then decides whether this request fails and how. */
  async next(): Promise<Fault | undefined> {
    const s = this.settings;
    if (s.latencyMs > 0) await new Promise((r) => setTimeout(r, s.latencyMs));
    if (s.throttleNext > 0) {
      s.throttleNext -= 1;
      return { kind: 'rate-limit', retryAfterSeconds: s.retryAfterSeconds };
    }
    if (s.failNext > 0) {
      s.failNext -= 1;
      return { kind: 'server-error' };
    }
    if (s.rateLimitRate > 0 && this.random() < s.rateLimitRate) {
      return { kind: 'rate-limit', retryAfterSeconds: s.retryAfterSeconds };
    }
    if (s.errorRate > 0 && this.random() < s.errorRate) return { kind: 'server-error' };
    return undefined;
  }
}
