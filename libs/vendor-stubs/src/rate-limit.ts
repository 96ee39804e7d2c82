export interface RateLimitState {
  readonly allowed: boolean;
  readonly limit: number;
  readonly remaining: number;
  /** When the current window ends (epoch ms): the vendors' reset/retry headers derive from it. */
  readonly resetAtMs: number;
}

interface Window {
  startMs: number;
  count: number;
}

// Expired windows of departed clients are dropped once this many keys are held.
const PRUNE_ABOVE_KEYS = 1024;

/**
 * A fixed-window request counter per key (client IP, workspace, project). A window opens at the
 * first request after the previous one ended, so a burst in a test never straddles a wall-clock
 * boundary and halves.
 */
export class FixedWindowLimiter {
  private readonly windows = new Map<string, Window>();

  constructor(
    private readonly limit: number,
    private readonly windowMs: number,
  ) {}

  /** Counts one request against the key's window and says whether it is within the limit. */
  take(key: string, nowMs: number): RateLimitState {
    const window = this.current(key, nowMs);
    window.count += 1;
    return this.state(window, window.count <= this.limit);
  }

  /** The key's state without counting a request: for headers on answers that consumed nothing. */
  peek(key: string, nowMs: number): RateLimitState {
    const window = this.windows.get(key);
    if (window === undefined || nowMs >= window.startMs + this.windowMs) {
      return { allowed: true, limit: this.limit, remaining: this.limit, resetAtMs: nowMs + this.windowMs };
    }
    return this.state(window, window.count < this.limit);
  }

  clear(): void {
    this.windows.clear();
  }

  private current(key: string, nowMs: number): Window {
    const existing = this.windows.get(key);
    if (existing !== undefined && nowMs < existing.startMs + this.windowMs) return existing;
    if (existing === undefined && this.windows.size >= PRUNE_ABOVE_KEYS) this.prune(nowMs);
    const fresh = { startMs: nowMs, count: 0 };
    this.windows.set(key, fresh);
    return fresh;
  }

  private state(window: Window, allowed: boolean): RateLimitState {
    return { allowed, limit: this.limit, remaining: Math.max(0, this.limit - window.count), resetAtMs: window.startMs + this.windowMs };
  }

  private prune(nowMs: number): void {
    for (const [key, window] of this.windows) if (nowMs >= window.startMs + this.windowMs) this.windows.delete(key);
  }
}
