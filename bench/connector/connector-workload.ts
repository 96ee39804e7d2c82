// Ledger events for the connector, built in chunks: first one MemberEnrolled (with an e-mail) per
// member, then `events` forwarded events spread over the members at random (seeded), as a live log
// interleaves them: 70 % PointsEarned (a purchase's credit), 20 % PointsSpent from that member's
// earlier buckets, 10 % TierChanged (up and down between silver and gold). The same idea as
// libs/testing/src/connector-workload.ts, which the bench may not import, written small and
// streaming. Every forwarded event becomes one public event the destinations subscribe to.
import { randomUUID } from 'node:crypto';
import { type EventMetadata, type LedgerEvent, SCHEMA_VERSION } from '@loyalty/domain';

export interface WorkloadSpec {
  readonly tenantId: string;
  readonly runId: string;
  readonly members: number;
  readonly events: number;
  readonly seed?: number;
}

interface MemberBook {
  readonly id: string;
  tier: string;
  readonly buckets: { readonly id: string; left: number }[];
}

/** A small, fast, seeded generator (mulberry32): the same seed gives the same workload. */
export function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

export const memberEmail = (memberId: string): string => `${memberId}@bench.example.com`;

export function metadataOf(tenantId: string, memberId: string, at: string): EventMetadata {
  const eventId = randomUUID();
  return { eventId, tenantId, memberId, occurredAt: at, recordedAt: at, correlationId: eventId, causationId: null, schemaVersion: SCHEMA_VERSION, programVersion: null };
}

export function enrolment(tenantId: string, memberId: string, at: string): LedgerEvent {
  return { type: 'MemberEnrolled', data: { enrolledAt: at, email: memberEmail(memberId), phone: null, loyaltyCardNumber: null }, metadata: metadataOf(tenantId, memberId, at) };
}

export function pointsEarned(tenantId: string, memberId: string, points: number, at: string): LedgerEvent {
  const metadata = metadataOf(tenantId, memberId, at);
  return {
    type: 'PointsEarned',
    data: {
      bucketId: `${metadata.eventId}-b`,
      currency: 'permanent',
      points,
      basePoints: points,
      multiplierHundredths: 100,
      debtRecovered: 0,
      earnedAt: at,
      activeFrom: at,
      pending: false,
      expiresAt: null,
      source: { kind: 'PURCHASE', sourceId: metadata.eventId, lines: [] },
    },
    metadata,
  };
}

export interface WorkloadCounts {
  enrolled: number;
  earned: number;
  spent: number;
  tierChanged: number;
}

export class ConnectorWorkload {
  readonly counts: WorkloadCounts = { enrolled: 0, earned: 0, spent: 0, tierChanged: 0 };
  private readonly random: () => number;
  private readonly books: MemberBook[] = [];
  private produced = 0;
  // Event times advance 1 ms per event from here: ordered, and not the wall clock.
  private readonly epochMs = Date.parse('2026-11-01T00:00:00.000Z');

  constructor(private readonly spec: WorkloadSpec) {
    this.random = seeded(spec.seed ?? 7);
  }

  /** Events in all: the enrolments, then the forwarded ones. */
  get total(): number {
    return this.spec.members + this.spec.events;
  }

  get remaining(): number {
    return this.total - this.produced;
  }

  nextChunk(size: number): LedgerEvent[] {
    const chunk: LedgerEvent[] = [];
    while (chunk.length < size && this.produced < this.total) {
      chunk.push(this.next());
      this.produced += 1;
    }
    return chunk;
  }

  private next(): LedgerEvent {
    const { tenantId, runId } = this.spec;
    const at = new Date(this.epochMs + this.produced).toISOString();
    if (this.produced < this.spec.members) {
      const id = `bc-${runId}-m${this.produced}`;
      this.books.push({ id, tier: 'bronze', buckets: [] });
      this.counts.enrolled += 1;
      return enrolment(tenantId, id, at);
    }
    const book = this.books[Math.floor(this.random() * this.books.length)];
    if (book === undefined) throw new Error('no members');
    const roll = this.random();
    const bucket = book.buckets.find((b) => b.left >= 100);
    if (roll < 0.2 && bucket !== undefined) {
      bucket.left -= 100;
      this.counts.spent += 1;
      const metadata = metadataOf(tenantId, book.id, at);
      return { type: 'PointsSpent', data: { redemptionId: metadata.eventId, points: 100, reward: null, buckets: [{ bucketId: bucket.id, points: 100 }] }, metadata };
    }
    if (roll < 0.3) {
      const to = book.tier === 'gold' ? 'silver' : 'gold';
      const from = book.tier;
      book.tier = to;
      this.counts.tierChanged += 1;
      return {
        type: 'TierChanged',
        data: { from, to, direction: to === 'gold' ? 'UP' : 'DOWN', reason: to === 'gold' ? 'EARNED' : 'EXPIRED', qualifyingPoints: 0, customTiers: [], changedAt: at },
        metadata: metadataOf(tenantId, book.id, at),
      };
    }
    const points = 100 + Math.floor(this.random() * 400);
    const event = pointsEarned(tenantId, book.id, points, at);
    if (event.type === 'PointsEarned') book.buckets.push({ id: event.data.bucketId, left: points });
    this.counts.earned += 1;
    return event;
  }
}
