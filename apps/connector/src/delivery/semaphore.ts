/**
 * At most `size` holders at once; the others wait in arrival order. A destination's requests in
 * flight are bounded by one of these, whatever partitions and members they come from.
 */
export class Semaphore {
  private held = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(private readonly size: number) {}

  async use<T>(work: () => Promise<T>): Promise<T> {
    if (this.held >= this.size) await new Promise<void>((resolve) => this.waiting.push(resolve));
    else this.held += 1;
    try {
      return await work();
    } finally {
      const next = this.waiting.shift();
      if (next === undefined) this.held -= 1;
      else next(); // the slot passes straight to the next in line
    }
  }
}
