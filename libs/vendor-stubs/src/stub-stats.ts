/** Counters of one vendor stub since start or the last reset. */
export interface StubStats {
  requests: number;
  byStatus: Record<string, number>;
  itemsAccepted: number;
  /** items validated and refused (alone or inside a 2xx), including injected item failures */
  itemsRejected: number;
  /** accepted items of kind event/webhook whose eventId was already accepted before (same vendor) */
  duplicateEventIds: number;
  injected: { errors: number; rateLimited: number; slow: number; itemFailures: number };
}

export type InjectedFault = keyof StubStats['injected'];

export class StatsCounter {
  private requests = 0;
  private readonly byStatus = new Map<number, number>();
  private itemsAccepted = 0;
  private itemsRejected = 0;
  private duplicateEventIds = 0;
  private readonly injected = { errors: 0, rateLimited: 0, slow: 0, itemFailures: 0 };

  request(): void {
    this.requests += 1;
  }

  answered(status: number): void {
    this.byStatus.set(status, (this.byStatus.get(status) ?? 0) + 1);
  }

  accepted(duplicate: boolean): void {
    this.itemsAccepted += 1;
    if (duplicate) this.duplicateEventIds += 1;
  }

  rejected(count = 1): void {
    this.itemsRejected += count;
  }

  injectedFault(fault: InjectedFault): void {
    this.injected[fault] += 1;
  }

  snapshot(): StubStats {
    return {
      requests: this.requests,
      byStatus: Object.fromEntries([...this.byStatus].map(([status, count]) => [String(status), count])),
      itemsAccepted: this.itemsAccepted,
      itemsRejected: this.itemsRejected,
      duplicateEventIds: this.duplicateEventIds,
      injected: { ...this.injected },
    };
  }
}
