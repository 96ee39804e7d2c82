/**
 * Gathers the calls made in the same turn of the event loop into one: many member chains of one
 * destination report their outcomes at once, and one statement for all of them costs the database
 * one round trip instead of dozens. Each caller's promise settles with the shared flush.
 */
export class Coalescer<T> {
  private queue: T[] = [];
  private flushing: Promise<void> | undefined;

  constructor(private readonly flush: (items: readonly T[]) => Promise<void>) {}

  add(items: readonly T[]): Promise<void> {
    if (items.length === 0) return Promise.resolve();
    this.queue.push(...items);
    this.flushing ??= new Promise<void>((resolve) => setImmediate(resolve)).then(() => {
      const batch = this.queue;
      this.queue = [];
      this.flushing = undefined;
      return this.flush(batch);
    });
    return this.flushing;
  }
}
