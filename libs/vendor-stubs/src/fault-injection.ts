import { seededRandom } from './seeded-random';
import { type StubFaults } from './stub-faults';

export type InjectedServerStatus = 500 | 502 | 503 | 504;

export type RequestFaultOutcome =
  | { readonly kind: 'pass' }
  | { readonly kind: 'rate-limited'; readonly retryAfterSeconds: number | null }
  | { readonly kind: 'server-error'; readonly status: InjectedServerStatus };

export interface RequestFault {
  readonly delayMs: number;
  readonly outcome: RequestFaultOutcome;
}

const DEFAULT_SEED = 1;
const SERVER_STATUSES: readonly InjectedServerStatus[] = [500, 502, 503, 504];
const NO_FAULT: RequestFault = { delayMs: 0, outcome: { kind: 'pass' } };

/**
 * Decides the faults of one vendor's requests. Every decision draws from one seeded sequence in
 * arrival order, so the same seed and the same requests give the same faults.
 */
export class FaultInjector {
  private faults: StubFaults = {};
  private random = seededRandom(DEFAULT_SEED);
  private requestCount = 0;

  /** Replaces the faults and restarts the sequence, so a test's pattern does not depend on earlier traffic. */
  set(faults: StubFaults): void {
    this.faults = faults;
    this.random = seededRandom(faults.seed ?? DEFAULT_SEED);
    this.requestCount = 0;
  }

  /** The request-level decision: latency first, then 429, then 5xx (the latter two persist nothing). */
  decide(): RequestFault {
    const { latencyMs = 0, latencyRate = 1, rateLimit, errorRate = 0 } = this.faults;
    this.requestCount += 1;
    if (latencyMs === 0 && rateLimit === undefined && errorRate === 0) return NO_FAULT;
    const delayMs = latencyMs > 0 && (latencyRate >= 1 || this.random() < latencyRate) ? latencyMs : 0;
    if (rateLimit !== undefined && this.rateLimited(rateLimit)) {
      return { delayMs, outcome: { kind: 'rate-limited', retryAfterSeconds: rateLimit.retryAfterSeconds ?? null } };
    }
    if (errorRate > 0 && this.random() < errorRate) {
      const status = SERVER_STATUSES[Math.floor(this.random() * SERVER_STATUSES.length)] ?? 500;
      return { delayMs, outcome: { kind: 'server-error', status } };
    }
    return { delayMs, outcome: { kind: 'pass' } };
  }

  /** Whether one item of an otherwise accepted request fails; drawn per item, in request order. */
  itemFails(): boolean {
    const rate = this.faults.itemFailureRate ?? 0;
    return rate > 0 && this.random() < rate;
  }

  private rateLimited(rateLimit: NonNullable<StubFaults['rateLimit']>): boolean {
    const { burstEvery, burstLength = 1, rate = 0 } = rateLimit;
    // A burst cycle is `burstEvery` answered requests followed by `burstLength` refused ones, so
    // traffic always makes progress whatever the two numbers are.
    if (burstEvery !== undefined && (this.requestCount - 1) % (burstEvery + burstLength) >= burstEvery) return true;
    return rate > 0 && this.random() < rate;
  }
}
