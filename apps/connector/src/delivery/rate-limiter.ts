/**
 * A token bucket: at most `perSecond` requests per second on average, with bursts of up to a tenth
 * of a second's worth. Shared by every partition a destination delivers, since the vendor counts
 * requests per account (or per IP), not per partition. `take` answers how long it waited, for
 * the rate-limit-wait metric.
 */
export class RateLimiter {
  private tokens: number;
  private last: number;
  private readonly capacity: number;
  private queue: Promise<void> = Promise.resolve();
  private interrupted = false;

  constructor(
    private readonly perSecond: number,
    private readonly now: () => number = () => performance.now(),
  ) {
    this.capacity = Math.max(1, perSecond / 10);
    this.tokens = this.capacity;
    this.last = this.now();
  }

  take(): Promise<number> {
    // Callers queue, so tokens go out in the order they were asked for.
    const started = this.now();
    const turn = this.queue.then(async () => {
      this.refill();
      if (this.tokens < 1 && !this.interrupted) {
        await sleep(((1 - this.tokens) / this.perSecond) * 1000);
        this.refill();
      }
      this.tokens -= 1;
    });
    this.queue = turn;
    return turn.then(() => this.now() - started);
  }

  /**
   * Lets every queued caller through at once, without tokens: they are about to see that the
   * service stops and send nothing. `resume` ends it (a destination started again).
   */
  interrupt(): void {
    this.interrupted = true;
  }

  resume(): void {
    this.interrupted = false;
  }

  private refill(): void {
    const now = this.now();
    this.tokens = Math.min(this.capacity, this.tokens + ((now - this.last) / 1000) * this.perSecond);
    this.last = now;
  }
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
