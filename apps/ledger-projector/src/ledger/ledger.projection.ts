import { type BucketAmount, type LedgerEvent } from '@loyalty/domain';
import { type NewLedgerEntry, type NewMemberTierHistory, type NewPointBucket } from '@loyalty/db';

/**
 * What one event changes in the ledger projection: pure data. What depends on the state of the
 * buckets at the time (is the bucket pending? which currency is it?) is resolved by
 * `ledgerBatchEffects`, in log order, from these.
 */
export interface LedgerRowChanges {
  readonly tenantId: string;
  readonly memberId: string;
  readonly eventId: string;
  readonly recordedAt: string;
  /** The history row of a point movement; its (tenant, event id) key also guards against applying an event twice. */
  readonly entry: NewLedgerEntry | null;
  /** The tier-history row of a tier event; the same guard. */
  readonly tierEntry: NewMemberTierHistory | null;
  readonly newBucket: NewPointBucket | null;
  /** `remaining += delta` on existing buckets, with what the points went to (or came back from). */
  readonly bucketMovements: readonly BucketMovement[];
  /** A pending bucket whose points become active. */
  readonly activation: { readonly bucketId: string; readonly points: number; readonly activatedAt: string } | null;
  /** A bucket whose rest expires (its points are in `bucketMovements`). */
  readonly expiry: { readonly bucketId: string; readonly points: number; readonly expiredAt: string } | null;
  /** Change of the member's debt: positive when owed, negative when repaid. */
  readonly debtDelta: number;
  /** Points taken back from the member's qualifying points by a reversal or a debit. */
  readonly qualifyingTaken: QualifyingTaken | null;
  readonly tierChange: { readonly tierId: string; readonly changedAt: string; readonly reason: string; readonly programVersion: string | null } | null;
  readonly customTier: { readonly tier: string; readonly held: boolean } | null;
}

/**
 * `points` leave the qualifying points, less what came out of buckets pending at the time when
 * `exceptPending` (a return cancels pending points, which never counted). Per currency, the
 * buckets' moves count in their currency and the rest (written off, owed) in the currency of the
 * purchase's bucket (`transactionId`).
 */
export interface QualifyingTaken {
  readonly points: number;
  readonly exceptPending: boolean;
  readonly transactionId: string | null;
}

/** What moved points were used for: the balance column they are counted in. */
export type MovementKind = 'spent' | 'reversed' | 'debited' | 'expired';

export interface BucketMovement {
  readonly bucketId: string;
  readonly delta: number;
  readonly kind: MovementKind;
}

const sum = (buckets: readonly BucketAmount[]) => buckets.reduce((s, b) => s + b.points, 0);
const moved = (buckets: readonly BucketAmount[], sign: 1 | -1, kind: MovementKind): BucketMovement[] => buckets.map((b) => ({ bucketId: b.bucketId, delta: sign * b.points, kind }));
const touched = (movements: readonly BucketMovement[]) => movements.map((m) => ({ bucketId: m.bucketId, points: m.delta }));

/**
 * The projection of one event, as a pure function of the event and its log position, so that a
 * rebuild from the log produces the same rows. Events that move neither points nor tiers project
 * to nothing.
 */
export function projectLedgerEvent(event: LedgerEvent, position: { partition: number; offset: number }): LedgerRowChanges | null {
  const { metadata } = event;
  const none = {
    tenantId: metadata.tenantId,
    memberId: metadata.memberId,
    eventId: metadata.eventId,
    recordedAt: metadata.recordedAt,
    entry: null,
    tierEntry: null,
    newBucket: null,
    bucketMovements: [],
    activation: null,
    expiry: null,
    debtDelta: 0,
    qualifyingTaken: null,
    tierChange: null,
    customTier: null,
  } satisfies LedgerRowChanges;
  const entry = (fields: {
    currency: string | null;
    points: number;
    bucketId?: string | null;
    transactionId?: string | null;
    causeId: string;
    reason?: string | null;
    buckets: readonly { bucketId: string; points: number }[];
    debtDelta?: number;
  }): NewLedgerEntry => ({
    tenant_id: metadata.tenantId,
    event_id: metadata.eventId,
    member_id: metadata.memberId,
    event_type: event.type,
    currency: fields.currency,
    points: fields.points,
    bucket_id: fields.bucketId ?? null,
    transaction_id: fields.transactionId ?? null,
    occurred_at: metadata.occurredAt,
    recorded_at: metadata.recordedAt,
    program_version: metadata.programVersion,
    log_partition: position.partition,
    log_offset: position.offset,
    cause_id: fields.causeId,
    reason: fields.reason ?? null,
    buckets: JSON.stringify(fields.buckets),
    debt_delta: fields.debtDelta ?? 0,
  });
  const tierEntry = (fields: { tier: string; effectiveAt: string; from?: string | null; direction?: string; reason?: string; qualifyingPoints?: number; customTiers?: readonly string[] }): NewMemberTierHistory => ({
    tenant_id: metadata.tenantId,
    event_id: metadata.eventId,
    member_id: metadata.memberId,
    event_type: event.type,
    tier: fields.tier,
    from_tier: fields.from ?? null,
    direction: fields.direction ?? null,
    reason: fields.reason ?? null,
    qualifying_points: fields.qualifyingPoints ?? null,
    custom_tiers: fields.customTiers === undefined ? null : JSON.stringify(fields.customTiers),
    effective_at: fields.effectiveAt,
    recorded_at: metadata.recordedAt,
    program_version: metadata.programVersion,
    log_partition: position.partition,
    log_offset: position.offset,
  });
  switch (event.type) {
    case 'PointsEarned': {
      const { data } = event;
      return {
        ...none,
        entry: entry({
          currency: data.currency,
          points: data.points,
          bucketId: data.bucketId,
          transactionId: data.source.kind === 'PURCHASE' ? data.source.sourceId : null,
          causeId: data.source.sourceId,
          // What landed in the bucket: the rest repaid debt.
          buckets: [{ bucketId: data.bucketId, points: data.points - data.debtRecovered }],
          debtDelta: 0 - data.debtRecovered,
        }),
        newBucket: {
          tenant_id: metadata.tenantId,
          bucket_id: data.bucketId,
          member_id: metadata.memberId,
          currency: data.currency,
          amount: data.points,
          remaining: data.points - data.debtRecovered,
          pending: data.pending,
          earned_at: data.earnedAt,
          active_from: data.activeFrom,
          expires_at: data.expiresAt,
          source_transaction_id: data.source.kind === 'PURCHASE' ? data.source.sourceId : null,
        },
        debtDelta: 0 - data.debtRecovered, // not -x: -0 would differ from 0 in comparisons
      };
    }
    case 'PointsActivated': {
      const { data } = event;
      // No points leave or enter a bucket: they move from pending to active. The entry names the bucket.
      return {
        ...none,
        entry: entry({ currency: data.currency, points: data.points, bucketId: data.bucketId, causeId: data.bucketId, buckets: [] }),
        activation: { bucketId: data.bucketId, points: data.points, activatedAt: data.activatedAt },
      };
    }
    case 'PointsExpired': {
      const { data } = event;
      const movements = moved([{ bucketId: data.bucketId, points: data.points }], -1, 'expired');
      return {
        ...none,
        entry: entry({ currency: data.currency, points: -data.points, bucketId: data.bucketId, causeId: data.bucketId, buckets: touched(movements) }),
        bucketMovements: movements,
        expiry: { bucketId: data.bucketId, points: data.points, expiredAt: data.expiredAt },
      };
    }
    case 'PointsSpent': {
      const movements = moved(event.data.buckets, -1, 'spent');
      return { ...none, entry: entry({ currency: null, points: -event.data.points, causeId: event.data.redemptionId, buckets: touched(movements) }), bucketMovements: movements };
    }
    case 'RedemptionCancelled': {
      // Points come back from what they were spent on: `spent` goes down by as much.
      const movements = moved(event.data.buckets, 1, 'spent');
      return { ...none, entry: entry({ currency: null, points: event.data.points, causeId: event.data.redemptionId, buckets: touched(movements) }), bucketMovements: movements };
    }
    case 'PointsReversed': {
      const { data } = event;
      const movements = moved(data.buckets, -1, 'reversed');
      return {
        ...none,
        entry: entry({ currency: null, points: -data.points, transactionId: data.transactionId, causeId: data.returnId, buckets: touched(movements), debtDelta: data.debt }),
        bucketMovements: movements,
        debtDelta: data.debt,
        qualifyingTaken: { points: data.points, exceptPending: true, transactionId: data.transactionId },
      };
    }
    case 'PointsAdjusted': {
      const { data } = event;
      const movements = moved(data.buckets, -1, 'debited');
      return {
        ...none,
        entry: entry({ currency: null, points: -sum(data.buckets), causeId: data.adjustmentId, reason: data.reason, buckets: touched(movements) }),
        bucketMovements: movements,
        qualifyingTaken: { points: data.points, exceptPending: false, transactionId: null },
      };
    }
    case 'TierChanged': {
      const { data } = event;
      return {
        ...none,
        tierEntry: tierEntry({ tier: data.to, effectiveAt: data.changedAt, from: data.from, direction: data.direction, reason: data.reason, qualifyingPoints: data.qualifyingPoints, customTiers: data.customTiers }),
        tierChange: { tierId: data.to, changedAt: data.changedAt, reason: data.reason, programVersion: metadata.programVersion },
      };
    }
    case 'CustomTierAssigned':
    case 'CustomTierRevoked': {
      const held = event.type === 'CustomTierAssigned';
      return { ...none, tierEntry: tierEntry({ tier: event.data.tier, effectiveAt: metadata.occurredAt }), customTier: { tier: event.data.tier, held } };
    }
    case 'MemberEnrolled':
    case 'MemberProfileUpdated':
    case 'PurchaseRecorded':
    case 'ReturnRecorded':
    case 'ActivityRecorded':
    case 'ReengagementOfferGranted':
    case 'PointsExpiringSoon':
    case 'TierDowngradeRisk':
      // Neither points nor tiers change: warnings and offers are for the connector, not the ledger.
      return null;
    default: {
      const unreachable: never = event;
      throw new Error(`unhandled event ${JSON.stringify(unreachable)}`);
    }
  }
}
