/** GitHub's rate-limit resources the sandbox counts (`x-ratelimit-resource`). */
export type RateLimitResource = 'core' | 'search';

/** What GitHub reports on every answer in `x-ratelimit-*` headers. */
export interface RateLimitState {
  limit: number;
  remaining: number;
  used: number;
  /** When the window resets, epoch seconds. */
  reset: number;
  resource: RateLimitResource;
}

/** GitHub's primary limits: 5,000 requests per hour for a token (core), 30 searches per minute. */
export const DEFAULT_GITHUB_RATE_LIMITS: Record<RateLimitResource, { limit: number; windowMs: number }> = {
  core: { limit: 5_000, windowMs: 3_600_000 },
  search: { limit: 30, windowMs: 60_000 },
};

interface Window {
  startedAt: number;
  used: number;
}

/**
 * GitHub's primary rate limit: per caller (token, installation, App) and resource, `limit` requests
 * per window; the window opens with its first request.
 */
export class GitHubRateLimiter {
  private readonly windows = new Map<string, Window>();
  private limits = structuredClone(DEFAULT_GITHUB_RATE_LIMITS);

  constructor(private readonly now: () => number = Date.now) {}

  /** Changes a resource's limit (and window length) and starts every window afresh. */
  setLimit(resource: RateLimitResource, limit: number, windowMs?: number): void {
    if (!Number.isInteger(limit) || limit < 1) throw new Error(`rate limit must be a positive integer, got ${limit}`);
    this.limits[resource] = { limit, windowMs: windowMs ?? this.limits[resource].windowMs };
    this.windows.clear();
  }

  reset(): void {
    this.limits = structuredClone(DEFAULT_GITHUB_RATE_LIMITS);
    this.windows.clear();
  }

  get settings(): Record<RateLimitResource, { limit: number; windowMs: number }> {
    return structuredClone(this.limits);
  }

  /** Counts one request; `allowed` is false once the window is used up. */
  take(caller: string, resource: RateLimitResource): RateLimitState & { allowed: boolean } {
    const window = this.current(caller, resource, true);
    const allowed = window.used < this.limits[resource].limit;
    if (allowed) window.used += 1;
    return { allowed, ...this.state(window, resource) };
  }

  /** The window's state without counting a request. */
  peek(caller: string, resource: RateLimitResource): RateLimitState {
    return this.state(this.current(caller, resource, false), resource);
  }

  private current(caller: string, resource: RateLimitResource, open: boolean): Window {
    const key = `${caller}\u0000${resource}`;
    const now = this.now();
    const existing = this.windows.get(key);
    if (existing && now < existing.startedAt + this.limits[resource].windowMs) return existing;
    const fresh = { startedAt: now, used: 0 };
    if (open) this.windows.set(key, fresh);
    else this.windows.delete(key);
    return fresh;
  }

  private state(window: Window, resource: RateLimitResource): RateLimitState {
    const { limit, windowMs } = this.limits[resource];
    return {
      limit,
      remaining: Math.max(0, limit - window.used),
      used: window.used,
      reset: Math.ceil((window.startedAt + windowMs) / 1000),
      resource,
    };
  }
}

/** The `x-ratelimit-*` headers. */
export function rateLimitHeaders(state: RateLimitState): Record<string, string> {
  return {
    'x-ratelimit-limit': String(state.limit),
    'x-ratelimit-remaining': String(state.remaining),
    'x-ratelimit-reset': String(state.reset),
    'x-ratelimit-used': String(state.used),
    'x-ratelimit-resource': state.resource,
  };
}
