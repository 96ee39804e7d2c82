import { type LedgerEvent, SCHEMA_VERSION } from '@loyalty/domain';
import { seededRandom } from './fixtures/ledger-stream.fixtures';

export interface ConnectorWorkload {
  /** Ledger events, members interleaved, each member's in order. */
  readonly events: readonly LedgerEvent[];
  /** Per member, the ids of the events the connector forwards (points_earned, points_spent, tier_changed), in order. */
  readonly forwarded: ReadonlyMap<string, readonly string[]>;
  readonly emails: ReadonlyMap<string, string>;
  readonly forwardedCount: number;
}

/**
 * A ledger workload for the connector: `members` enrolled members (with an e-mail) who earn, spend
 * and change tier, `forwarded` public events in all (earned, spent, tier changes), interleaved
 * across members as a live log is. Deterministic for a seed.
 */
export function connectorWorkload(options: { tenantId: string; members: number; forwarded: number; seed?: number; runId: string }): ConnectorWorkload {
  const random = seededRandom(options.seed ?? 7);
  const { tenantId, runId } = options;
  const events: LedgerEvent[] = [];
  const forwarded = new Map<string, string[]>();
  const emails = new Map<string, string>();
  const members: { id: string; n: number; balance: number; buckets: { id: string; left: number }[]; tier: string; forwarded: string[] }[] = [];
  const base = Date.parse('2026-11-01T00:00:00Z');
  let seq = 0;
  const metadata = (memberId: string, eventId: string) => {
    const at = new Date(base + seq++ * 1000).toISOString();
    return { eventId, tenantId, memberId, occurredAt: at, recordedAt: at, correlationId: eventId, causationId: null, schemaVersion: SCHEMA_VERSION, programVersion: null };
  };
  const memberIds = Array.from({ length: options.members }, (_, i) => `${runId}-m${i}`);
  for (const memberId of memberIds) {
    const email = `${memberId}@example.com`;
    emails.set(memberId, email);
    const own: string[] = [];
    forwarded.set(memberId, own);
    members.push({ id: memberId, n: 0, balance: 0, buckets: [], tier: 'bronze', forwarded: own });
    events.push({ type: 'MemberEnrolled', data: { enrolledAt: new Date(base).toISOString(), email, phone: null, loyaltyCardNumber: null }, metadata: metadata(memberId, `${runId}-${memberId}-enrol`) });
  }
  let count = 0;
  while (count < options.forwarded) {
    const s = members[Math.floor(random() * members.length)];
    if (s === undefined) break;
    const memberId = s.id;
    const eventId = `${runId}-${memberId}-e${s.n++}`;
    const roll = random();
    const bucket = s.buckets.find((b) => b.left >= 100);
    let event: LedgerEvent;
    if (roll < 0.2 && bucket !== undefined) {
      bucket.left -= 100;
      s.balance -= 100;
      event = { type: 'PointsSpent', data: { redemptionId: eventId, points: 100, reward: null, buckets: [{ bucketId: bucket.id, points: 100 }] }, metadata: metadata(memberId, eventId) };
    } else if (roll < 0.3) {
      const to = s.tier === 'gold' ? 'silver' : 'gold';
      event = {
        type: 'TierChanged',
        data: { from: s.tier, to, direction: to === 'gold' ? 'UP' : 'DOWN', reason: to === 'gold' ? 'EARNED' : 'EXPIRED', qualifyingPoints: s.balance, customTiers: [], changedAt: new Date(base).toISOString() },
        metadata: metadata(memberId, eventId),
      };
      s.tier = to;
    } else {
      const points = 100 + Math.floor(random() * 400);
      const bucketId = `${eventId}-b`;
      s.buckets.push({ id: bucketId, left: points });
      s.balance += points;
      const at = new Date(base).toISOString();
      event = {
        type: 'PointsEarned',
        data: {
          bucketId,
          currency: 'permanent',
          points,
          basePoints: points,
          multiplierHundredths: 100,
          debtRecovered: 0,
          earnedAt: at,
          activeFrom: at,
          pending: false,
          expiresAt: null,
          source: { kind: 'PURCHASE', sourceId: eventId, lines: [] },
        },
        metadata: metadata(memberId, eventId),
      };
    }
    events.push(event);
    s.forwarded.push(eventId);
    count += 1;
  }
  return { events, forwarded, emails, forwardedCount: count };
}
