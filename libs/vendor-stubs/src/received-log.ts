import { type StubVendor } from './stub-vendor';

/** One item a stub accepted, as the connector's tests see it. */
export interface ReceivedItem {
  vendor: StubVendor;
  kind: 'event' | 'customer' | 'attributes' | 'purchase' | 'webhook';
  /** the customer identifier used: Bloomreach customer_ids (first hard id value, e.g. registered), Braze external_id/email/..., Voucherify customer source_id, webhook: body.memberId */
  customerId: string;
  /** the loyalty event id carried by the item: Bloomreach properties.event_id, Braze properties.event_id (events) or the attribute `last_event_id` if present, Voucherify metadata.event_id, webhook `Loyalty-Event-Id` header; null when absent */
  eventId: string | null;
  /** event type/name (Bloomreach event_type, Braze name, Voucherify event, webhook body.type); null for customer/attribute updates */
  name: string | null;
  /** the object as received */
  payload: unknown;
  /** ISO-8601 UTC */
  receivedAt: string;
  /** global arrival order in this stub */
  sequence: number;
}

export type NewReceivedItem = Omit<ReceivedItem, 'sequence'>;

export interface ReceivedFilter {
  customerId?: string;
  name?: string;
}

interface VendorLog {
  readonly items: ReceivedItem[];
  readonly byCustomer: Map<string, ReceivedItem[]>;
  readonly acceptedEventIds: Set<string>;
}

// Only deliveries of events count as duplicates: a customer update may repeat an event id legitimately.
const DEDUPED_KINDS: ReadonlySet<ReceivedItem['kind']> = new Set(['event', 'webhook']);

/**
 * Everything the stubs accepted, per vendor, in arrival order. A benchmark may store hundreds of
 * thousands of items, so appends are O(1) and a customer's items are indexed.
 */
export class ReceivedLog {
  // Never reset, not even by clear(): the arrival order stays comparable across a test's resets.
  private sequence = 0;
  private readonly logs = new Map<StubVendor, VendorLog>();

  /** Appends an item; `duplicate` says whether an event of this vendor already carried its event id. */
  record(item: NewReceivedItem): { item: ReceivedItem; duplicate: boolean } {
    const log = this.logOf(item.vendor);
    this.sequence += 1;
    const stored: ReceivedItem = { ...item, sequence: this.sequence };
    log.items.push(stored);
    const forCustomer = log.byCustomer.get(stored.customerId);
    if (forCustomer === undefined) log.byCustomer.set(stored.customerId, [stored]);
    else forCustomer.push(stored);
    let duplicate = false;
    if (stored.eventId !== null && DEDUPED_KINDS.has(stored.kind)) {
      duplicate = log.acceptedEventIds.has(stored.eventId);
      log.acceptedEventIds.add(stored.eventId);
    }
    return { item: stored, duplicate };
  }

  list(vendor: StubVendor, filter: ReceivedFilter = {}): ReceivedItem[] {
    const log = this.logOf(vendor);
    const candidates = filter.customerId === undefined ? log.items : (log.byCustomer.get(filter.customerId) ?? []);
    return filter.name === undefined ? [...candidates] : candidates.filter((item) => item.name === filter.name);
  }

  clear(vendor: StubVendor): void {
    this.logs.delete(vendor);
  }

  private logOf(vendor: StubVendor): VendorLog {
    let log = this.logs.get(vendor);
    if (log === undefined) {
      log = { items: [], byCustomer: new Map(), acceptedEventIds: new Set() };
      this.logs.set(vendor, log);
    }
    return log;
  }
}
