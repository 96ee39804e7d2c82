// The ledger backlog the tier evaluation drains: what ingestion appends for a member's life, over
// BENCH_RULES_EVENT_MEMBERS members picked at random (a seeded generator, so two runs produce the
// same mix). A member's first event is MemberEnrolled; after it, purchases (PurchaseRecorded +
// PointsEarned, permanent points, a third of them pending for the return window), activities
// (ActivityRecorded + PointsEarned, temporary points expiring after 90 days), redemptions
// (PointsSpent, soonest-expiring buckets first, then oldest), activations of pending buckets
// (PointsActivated), returns (ReturnRecorded + PointsReversed, of pending or active purchase
// points, partly written off once spent), expiries (PointsExpired), profile updates and VIP
// assignments. The generator keeps its own books of what the rules state must hold afterwards
// (qualifying points, the buckets the rules track and what is left in them), written from the
// product rules rather than with the rules service's code, so the check after the drain is
// independent of it.
import { randomUUID } from 'node:crypto';
import { type EventMetadata, type LedgerEvent, SCHEMA_VERSION, supportedTier } from '@loyalty/domain';
import { BENCH_PROGRAM } from './bench-program';

export interface RulesBacklogSpec {
  readonly tenantId: string;
  readonly runId: string;
  readonly events: number;
  readonly members: number;
}

/** What the rules state must hold once every event of the backlog is folded. */
export interface RulesExpectation {
  readonly members: number;
  readonly qualifying: number;
  /** Buckets the rules track: pending ones, and temporary ones not expired. */
  readonly trackedBuckets: number;
  readonly trackedRemaining: number;
  /** Members per tier the qualifying points support (no grace period: the tier held). */
  readonly tiers: Readonly<Record<string, number>>;
}

interface Bucket {
  readonly bucketId: string;
  readonly currency: 'permanent' | 'temporary';
  readonly points: number;
  remaining: number;
  pending: boolean;
  readonly expiresAt: string | null;
  expired: boolean;
  reversed: boolean;
  /** The purchase it came from (returns reverse purchase points only). */
  readonly transactionId: string | null;
}

interface Member {
  readonly memberId: string;
  readonly buckets: Bucket[];
  qualifying: number;
  vip: boolean;
}

const DAY_MS = 86_400_000;
// Event times advance from here, 10 s per event: ordered, in the program's validity, in the past.
const EPOCH_MS = Date.parse('2026-08-01T00:00:00.000Z');
const MAX_BUCKETS_PER_SPEND = 3;

type Op = 'purchase' | 'activity' | 'spend' | 'activate' | 'return' | 'expire' | 'profile' | 'vip';
/** Cumulative shares (percent) of what a visit to an enrolled member does. */
const MIX: readonly [Op, number][] = [
  ['purchase', 40],
  ['activity', 62],
  ['spend', 74],
  ['activate', 82],
  ['return', 88],
  ['expire', 94],
  ['profile', 98],
  ['vip', 100],
];

/** mulberry32: small, fast, seeded. */
function generator(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

export class RulesBacklog {
  /** Events produced so far, by type. */
  readonly counts = new Map<LedgerEvent['type'], number>();
  private readonly members = new Map<number, Member>();
  private readonly random = generator(0x5eed);
  private produced = 0;

  constructor(private readonly spec: RulesBacklogSpec) {}

  get remaining(): number {
    return this.spec.events - this.produced;
  }

  /** The next events, at most `size` (fewer at the end; a purchase's two events are never split). */
  nextChunk(size: number): LedgerEvent[] {
    const chunk: LedgerEvent[] = [];
    const recordedAt = new Date().toISOString();
    while (chunk.length < size && this.produced < this.spec.events) {
      const room = Math.min(size - chunk.length, this.spec.events - this.produced);
      for (const event of this.visit(room, recordedAt)) {
        chunk.push(event);
        this.produced += 1;
        this.counts.set(event.type, (this.counts.get(event.type) ?? 0) + 1);
      }
    }
    return chunk;
  }

  expectation(): RulesExpectation {
    const tiers: Record<string, number> = {};
    let qualifying = 0;
    let trackedBuckets = 0;
    let trackedRemaining = 0;
    for (const member of this.members.values()) {
      qualifying += member.qualifying;
      const tier = supportedTier(BENCH_PROGRAM.tiers, member.qualifying).id;
      tiers[tier] = (tiers[tier] ?? 0) + 1;
      for (const b of member.buckets) {
        if (b.pending || (b.expiresAt !== null && !b.expired)) {
          trackedBuckets += 1;
          trackedRemaining += b.remaining;
        }
      }
    }
    return { members: this.members.size, qualifying, trackedBuckets, trackedRemaining, tiers };
  }

  /** One member's next step: one or two events, never more than `room`. */
  private visit(room: number, recordedAt: string): LedgerEvent[] {
    const index = Math.floor(this.random() * this.spec.members);
    const n = this.produced + 1;
    const at = new Date(EPOCH_MS + n * 10_000).toISOString();
    const existing = this.members.get(index);
    if (existing === undefined) {
      const member: Member = { memberId: `bench-rm-${index}`, buckets: [], qualifying: 0, vip: false };
      this.members.set(index, member);
      return [this.event(member, at, recordedAt, 'MemberEnrolled', { enrolledAt: at, email: null, phone: null, loyaltyCardNumber: null })];
    }
    const roll = this.random() * 100;
    let op = MIX.find(([, upTo]) => roll < upTo)?.[0] ?? 'profile';
    // Steps with nothing to act on earn instead; two-event steps need room for both.
    if (op === 'spend' && !existing.buckets.some((b) => spendable(b))) op = 'purchase';
    if (op === 'activate' && !existing.buckets.some((b) => b.pending)) op = 'purchase';
    if (op === 'return' && !existing.buckets.some((b) => b.transactionId !== null && !b.reversed)) op = 'purchase';
    if (op === 'expire' && !existing.buckets.some((b) => b.expiresAt !== null && !b.expired && !b.pending)) op = 'activity';
    if (op === 'vip' && existing.vip) op = 'profile';
    if (room < 2 && (op === 'purchase' || op === 'activity' || op === 'return')) op = 'profile';
    return this.step(op, existing, n, at, recordedAt);
  }

  private step(op: Op, member: Member, n: number, at: string, recordedAt: string): LedgerEvent[] {
    switch (op) {
      case 'purchase':
        return this.purchase(member, n, at, recordedAt);
      case 'activity':
        return this.activity(member, n, at, recordedAt);
      case 'spend':
        return [this.spend(member, n, at, recordedAt)];
      case 'activate':
        return [this.activate(member, at, recordedAt)];
      case 'return':
        return this.return(member, n, at, recordedAt);
      case 'expire':
        return [this.expire(member, at, recordedAt)];
      case 'vip':
        member.vip = true;
        return [this.event(member, at, recordedAt, 'CustomTierAssigned', { tier: 'vip' })];
      case 'profile':
        return [this.event(member, at, recordedAt, 'MemberProfileUpdated', { changed: ['email'], email: `${member.memberId}@example.com`, phone: null, loyaltyCardNumber: null })];
      default: {
        const unreachable: never = op;
        throw new Error(`unknown step ${String(unreachable)}`);
      }
    }
  }

  private purchase(member: Member, n: number, at: string, recordedAt: string): LedgerEvent[] {
    const transactionId = `bench-${this.spec.runId}-t${n}`;
    const ski = 20 + Math.floor(this.random() * 900);
    const apparel = 5 + Math.floor(this.random() * 150);
    const skiMinor = ski * 34;
    const apparelMinor = apparel * 50;
    const lines = [
      { lineId: '1', sku: 'SKI-001', category: 'ski-equipment', quantity: 1, unitPriceMinor: skiMinor, discountMinor: 0, amountMinor: skiMinor },
      { lineId: '2', sku: 'TEE-01', category: 'apparel', quantity: 1, unitPriceMinor: apparelMinor, discountMinor: 0, amountMinor: apparelMinor },
    ];
    const pending = this.random() < 1 / 3;
    const points = ski + apparel;
    const bucket: Bucket = { bucketId: randomUUID(), currency: 'permanent', points, remaining: points, pending, expiresAt: null, expired: false, reversed: false, transactionId };
    member.buckets.push(bucket);
    if (!pending) member.qualifying += points;
    const activeFrom = pending ? new Date(Date.parse(at) + 14 * DAY_MS).toISOString() : at;
    return [
      this.event(member, at, recordedAt, 'PurchaseRecorded', { transactionId, channel: 'web', moneyCurrency: 'EUR', totalMinor: skiMinor + apparelMinor, lines }),
      this.event(member, at, recordedAt, 'PointsEarned', {
        bucketId: bucket.bucketId,
        currency: 'permanent',
        points,
        basePoints: points,
        multiplierHundredths: 100,
        debtRecovered: 0,
        earnedAt: at,
        activeFrom,
        pending,
        expiresAt: null,
        source: {
          kind: 'PURCHASE',
          sourceId: transactionId,
          lines: [
            { lineId: '1', category: 'ski-equipment', amountMinor: skiMinor, points: ski },
            { lineId: '2', category: 'apparel', amountMinor: apparelMinor, points: apparel },
          ],
        },
      }),
    ];
  }

  private activity(member: Member, n: number, at: string, recordedAt: string): LedgerEvent[] {
    const activityId = `bench-${this.spec.runId}-a${n}`;
    const review = this.random() < 0.3;
    const points = review ? 50 : 20;
    const expiresAt = new Date(Date.parse(at) + 90 * DAY_MS).toISOString();
    const bucket: Bucket = { bucketId: randomUUID(), currency: 'temporary', points, remaining: points, pending: false, expiresAt, expired: false, reversed: false, transactionId: null };
    member.buckets.push(bucket);
    member.qualifying += points;
    const activityType = review ? 'review-written' : 'product-usage';
    return [
      this.event(member, at, recordedAt, 'ActivityRecorded', { activityId, activityType, periodKey: at.slice(0, 10), limited: false }),
      this.event(member, at, recordedAt, 'PointsEarned', {
        bucketId: bucket.bucketId,
        currency: 'temporary',
        points,
        basePoints: points,
        multiplierHundredths: 100,
        debtRecovered: 0,
        earnedAt: at,
        activeFrom: at,
        pending: false,
        expiresAt,
        source: { kind: 'ACTIVITY', sourceId: activityId, lines: [] },
      }),
    ];
  }

  /** Soonest-expiring first, then oldest, as ingestion's spending decider takes them. */
  private spend(member: Member, n: number, at: string, recordedAt: string): LedgerEvent {
    const open = member.buckets
      .filter(spendable)
      .map((b, i) => ({ b, i }))
      .sort((x, y) => (x.b.expiresAt === null ? 1 : 0) - (y.b.expiresAt === null ? 1 : 0) || (x.b.expiresAt ?? '').localeCompare(y.b.expiresAt ?? '') || x.i - y.i)
      .map(({ b }) => b);
    let wanted = 50 + Math.floor(this.random() * 500);
    const taken: { bucketId: string; points: number }[] = [];
    for (const bucket of open) {
      if (wanted === 0 || taken.length === MAX_BUCKETS_PER_SPEND) break;
      const points = Math.min(wanted, bucket.remaining);
      bucket.remaining -= points;
      wanted -= points;
      taken.push({ bucketId: bucket.bucketId, points });
    }
    const points = taken.reduce((sum, t) => sum + t.points, 0);
    return this.event(member, at, recordedAt, 'PointsSpent', { redemptionId: `bench-${this.spec.runId}-r${n}`, points, reward: 'voucher-10', buckets: taken });
  }

  private activate(member: Member, at: string, recordedAt: string): LedgerEvent {
    const bucket = member.buckets.find((b) => b.pending) as Bucket;
    bucket.pending = false;
    member.qualifying += bucket.remaining;
    return this.event(member, at, recordedAt, 'PointsActivated', { bucketId: bucket.bucketId, currency: bucket.currency, points: bucket.remaining, activatedAt: at });
  }

  /**
   * Part of a purchase comes back: its points are taken from the bucket, and what was already
   * spent is written off (deduct-available). Pending points never counted, so only active ones
   * lower the qualifying points.
   */
  private return(member: Member, n: number, at: string, recordedAt: string): LedgerEvent[] {
    const candidates = member.buckets.filter((b) => b.transactionId !== null && !b.reversed);
    const bucket = candidates[Math.floor(this.random() * candidates.length)] as Bucket;
    bucket.reversed = true;
    const points = Math.max(1, Math.floor(bucket.points * (0.3 + this.random() * 0.4)));
    const taken = Math.min(points, bucket.remaining);
    bucket.remaining -= taken;
    member.qualifying -= bucket.pending ? points - taken : points;
    const returnId = `bench-${this.spec.runId}-x${n}`;
    const transactionId = bucket.transactionId ?? '';
    return [
      this.event(member, at, recordedAt, 'ReturnRecorded', { returnId, transactionId, lines: [{ lineId: '1', quantity: 1, amountMinor: points * 34 }] }),
      this.event(member, at, recordedAt, 'PointsReversed', {
        returnId,
        transactionId,
        points,
        buckets: taken > 0 ? [{ bucketId: bucket.bucketId, points: taken }] : [],
        writtenOff: points - taken,
        debt: 0,
        lines: [{ lineId: '1', category: 'ski-equipment', amountMinor: points * 34, points }],
      }),
    ];
  }

  private expire(member: Member, at: string, recordedAt: string): LedgerEvent {
    const bucket = member.buckets.find((b) => b.expiresAt !== null && !b.expired && !b.pending) as Bucket;
    const points = bucket.remaining;
    bucket.expired = true;
    bucket.remaining = 0;
    member.qualifying -= points;
    return this.event(member, at, recordedAt, 'PointsExpired', { bucketId: bucket.bucketId, currency: bucket.currency, points, expiresAt: bucket.expiresAt ?? at, expiredAt: at });
  }

  private event<T extends LedgerEvent['type']>(member: Member, at: string, recordedAt: string, type: T, data: Extract<LedgerEvent, { type: T }>['data']): LedgerEvent {
    const eventId = randomUUID();
    const metadata: EventMetadata = {
      eventId,
      tenantId: this.spec.tenantId,
      memberId: member.memberId,
      occurredAt: at,
      recordedAt,
      correlationId: eventId,
      causationId: null,
      schemaVersion: SCHEMA_VERSION,
      programVersion: BENCH_PROGRAM.version,
    };
    return { type, data, metadata } as LedgerEvent;
  }
}

function spendable(b: Bucket): boolean {
  return !b.pending && !b.expired && b.remaining > 0;
}
