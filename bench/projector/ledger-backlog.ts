// The backlog the projector phases drain: realistic ledger events, built in chunks so a large
// backlog is never held in memory. Mostly PointsEarned (a purchase's credit, as ingestion decides
// it) over BENCH_MEMBERS members; BENCH_SPEND_PERCENT of the events are PointsSpent taking points
// from buckets that member earned earlier (oldest first, never more than is left, never a
// pending bucket), so the projector moves existing buckets as it does in production. A member's
// events share its key, hence its partition, so every spend comes after the credits it names.
import { randomUUID } from 'node:crypto';
import { type EventMetadata, type LedgerEvent, type LedgerEventOf, SCHEMA_VERSION } from '@loyalty/domain';
import { benchMemberId } from '../shared/purchase-factory';

export interface BacklogSpec {
  readonly tenantId: string;
  readonly runId: string;
  readonly events: number;
  readonly spendPercent: number;
}

/** What the projection must hold once every event of the backlog is applied. */
export interface BacklogTotals {
  events: number;
  earned: number;
  spent: number;
  /** Sum of the signed points of all ledger entries (credits minus spends). */
  netPoints: number;
}

interface OpenBucket {
  readonly bucketId: string;
  remaining: number;
}

const PROGRAM_VERSION = 'demo-2026-11-01';
const MAX_BUCKETS_PER_SPEND = 3;
// Members' event times advance from here, 10 ms per event: ordered, and not the wall clock.
const EPOCH_MS = Date.parse('2026-11-01T00:00:00.000Z');

export class LedgerBacklog {
  readonly totals: BacklogTotals = { events: 0, earned: 0, spent: 0, netPoints: 0 };
  private readonly spendable = new Map<string, OpenBucket[]>();
  private produced = 0;

  constructor(private readonly spec: BacklogSpec) {}

  get remaining(): number {
    return this.spec.events - this.produced;
  }

  /** The next `size` events (fewer at the end; empty once the backlog is complete or `size` is 0). */
  nextChunk(size: number): LedgerEvent[] {
    const chunk: LedgerEvent[] = [];
    while (chunk.length < size && this.produced < this.spec.events) {
      this.produced += 1;
      chunk.push(this.next(this.produced));
    }
    return chunk;
  }

  private next(n: number): LedgerEvent {
    const memberId = benchMemberId(n);
    const at = new Date(EPOCH_MS + n * 10).toISOString();
    const metadata: EventMetadata = {
      eventId: randomUUID(),
      tenantId: this.spec.tenantId,
      memberId,
      occurredAt: at,
      recordedAt: at,
      correlationId: randomUUID(),
      causationId: null,
      schemaVersion: SCHEMA_VERSION,
      programVersion: PROGRAM_VERSION,
    };
    const buckets = this.spendable.get(memberId) ?? [];
    const event = n % 100 < this.spec.spendPercent && buckets.length > 0 ? this.spend(n, metadata, buckets) : this.earn(n, metadata);
    this.totals.events += 1;
    return event;
  }

  private earn(n: number, metadata: EventMetadata): LedgerEventOf<'PointsEarned'> {
    const transactionId = `bench-${this.spec.runId}-${n}`;
    const ski = 50 + ((n * 37) % 900);
    const apparel = 10 + ((n * 13) % 90);
    const points = ski + apparel;
    // A quarter of the credits wait for the return window, as a program with pending days has it.
    const pending = n % 4 === 0;
    const bucketId = randomUUID();
    if (!pending) {
      const open = this.spendable.get(metadata.memberId) ?? [];
      open.push({ bucketId, remaining: points });
      this.spendable.set(metadata.memberId, open);
    }
    this.totals.earned += 1;
    this.totals.netPoints += points;
    return {
      type: 'PointsEarned',
      metadata,
      data: {
        bucketId,
        currency: 'permanent',
        points,
        basePoints: points,
        multiplierHundredths: 100,
        debtRecovered: 0,
        earnedAt: metadata.occurredAt,
        activeFrom: pending ? new Date(Date.parse(metadata.occurredAt) + 14 * 86_400_000).toISOString() : metadata.occurredAt,
        pending,
        expiresAt: null,
        source: {
          kind: 'PURCHASE',
          sourceId: transactionId,
          lines: [
            { lineId: '1', category: 'ski-equipment', amountMinor: ski * 33, points: ski },
            { lineId: '2', category: 'apparel', amountMinor: apparel * 50, points: apparel },
          ],
        },
      },
    };
  }

  private spend(n: number, metadata: EventMetadata, open: OpenBucket[]): LedgerEventOf<'PointsSpent'> {
    let wanted = 100 + ((n * 53) % 700);
    const taken: { bucketId: string; points: number }[] = [];
    while (wanted > 0 && open.length > 0 && taken.length < MAX_BUCKETS_PER_SPEND) {
      const bucket = open[0];
      if (bucket === undefined) break;
      const points = Math.min(wanted, bucket.remaining);
      taken.push({ bucketId: bucket.bucketId, points });
      bucket.remaining -= points;
      wanted -= points;
      if (bucket.remaining === 0) open.shift();
    }
    const points = taken.reduce((sum, b) => sum + b.points, 0);
    this.totals.spent += 1;
    this.totals.netPoints -= points;
    return { type: 'PointsSpent', metadata, data: { redemptionId: `bench-${this.spec.runId}-r${n}`, points, reward: 'voucher-10', buckets: taken } };
  }
}
