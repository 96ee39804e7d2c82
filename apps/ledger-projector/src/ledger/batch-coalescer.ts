/**
 * Gathers items that arrive together (the batches of several partitions fetched at once) and
 * hands them to `apply` as one group, so one Postgres transaction commits a whole fetch. Each
 * `add` resolves when its group is applied, or rejects with the group's error.
 */
export class BatchCoalescer<T> {
  private waiting: { item: T; resolve: () => void; reject: (error: unknown) => void }[] = [];
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly apply: (items: readonly T[]) => Promise<void>,
    private readonly lingerMs: number,
  ) {}

  add(item: T): Promise<void> {
    return new Promise((resolve, reject) => {
      this.waiting.push({ item, resolve, reject });
      this.timer ??= setTimeout(() => void this.flush(), this.lingerMs);
    });
  }

  private async flush(): Promise<void> {
    this.timer = undefined;
    const group = this.waiting;
    this.waiting = [];
    try {
      await this.apply(group.map((w) => w.item));
      for (const w of group) w.resolve();
    } catch (error) {
      for (const w of group) w.reject(error);
    }
  }
}
