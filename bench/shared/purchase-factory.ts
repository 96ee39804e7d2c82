// The one place that knows what a purchase request looks like, so the benchmark follows the API
// when it changes.
//
// This builds the TARGET shape of the issue: a `channel`, and lines with sku, quantity, unit price
// and discount. The harness was first tested end to end with the shape the service took before
// (lines of {lineId, category, amountMinor}, no channel); by then the service had moved to this
// one and answered 400 naming the missing fields, which the harness reported as failed phases.

/** Recorded with each run's results, so figures from different payloads are never compared. */
export const PAYLOAD_SHAPE = 'target: channel + lines {sku, quantity, unitPriceMinor, discountMinor}';

/** Purchases spread over this many members: keys (tenant|member) then spread over partitions. */
export const BENCH_MEMBERS = 10_000;

export interface BenchPurchaseLine {
  readonly lineId: string;
  readonly sku: string;
  readonly category: string;
  readonly quantity: number;
  readonly unitPriceMinor: number;
  readonly discountMinor: number;
}

export interface BenchPurchase {
  readonly tenantId: string;
  readonly transactionId: string;
  readonly memberId: string;
  readonly occurredAt: string;
  readonly channel: string;
  readonly currency: string;
  readonly lines: readonly BenchPurchaseLine[];
}

const LINES: readonly BenchPurchaseLine[] = [
  { lineId: '1', sku: 'SKI-001', category: 'ski-equipment', quantity: 1, unitPriceMinor: 19_999, discountMinor: 0 },
  { lineId: '2', sku: 'TEE-01', category: 'apparel', quantity: 2, unitPriceMinor: 2_500, discountMinor: 500 },
];

// Coprime with BENCH_MEMBERS, so consecutive purchases visit every member before repeating,
// without a random generator in the hot path.
const MEMBER_STRIDE = 7_919;

/** The member of the n-th purchase (also used for the raw Kafka phase's keys). */
export function benchMemberId(n: number): string {
  return `bench-m-${(n * MEMBER_STRIDE) % BENCH_MEMBERS}`;
}

/**
 * Returns a function producing a new purchase on each call. Transaction ids are unique per run
 * (`runId`) and per call: a repeated id would be deduplicated by ingestion and measure nothing.
 */
export function purchaseFactory(tenantId: string, runId: string): () => BenchPurchase {
  let sequence = 0;
  return () => {
    sequence += 1;
    return {
      tenantId,
      transactionId: `bench-${runId}-${sequence}`,
      memberId: benchMemberId(sequence),
      occurredAt: new Date().toISOString(),
      channel: 'web',
      currency: 'EUR',
      lines: LINES,
    };
  };
}
