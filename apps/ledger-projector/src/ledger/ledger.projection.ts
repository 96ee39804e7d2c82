import { type BucketAmount, type LedgerEvent } from '@loyalty/domain';
import { type NewLedgerEntry, type NewPointBucket } from '@loyalty/db';

/** What one event changes in the ledger projection: pure data, written by the batch applier. */
export interface LedgerRowChanges {
  /** The history row; its (tenant, event id) key also guards against applying an event twice. */
  readonly entry: NewLedgerEntry;
  readonly newBucket: NewPointBucket | null;
  /** `remaining += delta` on existing buckets, with what the points went to (or came back from). */
  readonly bucketMovements: readonly BucketMovement[];
  /** Change of the member's debt: positive when owed, negative when repaid. */
  readonly debtDelta: number;
}

/** What moved points were used for: the balance column they are counted in. */
export type MovementKind = 'spent' | 'reversed' | 'debited';

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
 * rebuild from the log produces the same rows. Events that move no points project to nothing.
 */
export function projectLedgerEvent(event: LedgerEvent, position: { partition: number; offset: number }): LedgerRowChanges | null {
  const { metadata } = event;
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
  switch (event.type) {
    case 'PointsEarned': {
      const { data } = event;
      return {
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
        bucketMovements: [],
        debtDelta: 0 - data.debtRecovered, // not -x: -0 would differ from 0 in comparisons
      };
    }
    case 'PointsSpent': {
      const movements = moved(event.data.buckets, -1, 'spent');
      return { entry: entry({ currency: null, points: -event.data.points, causeId: event.data.redemptionId, buckets: touched(movements) }), newBucket: null, bucketMovements: movements, debtDelta: 0 };
    }
    case 'RedemptionCancelled': {
      // Points come back from what they were spent on: `spent` goes down by as much.
      const movements = moved(event.data.buckets, 1, 'spent');
      return { entry: entry({ currency: null, points: event.data.points, causeId: event.data.redemptionId, buckets: touched(movements) }), newBucket: null, bucketMovements: movements, debtDelta: 0 };
    }
    case 'PointsReversed': {
      const movements = moved(event.data.buckets, -1, 'reversed');
      return {
        entry: entry({ currency: null, points: -event.data.points, transactionId: event.data.transactionId, causeId: event.data.returnId, buckets: touched(movements), debtDelta: event.data.debt }),
        newBucket: null,
        bucketMovements: movements,
        debtDelta: event.data.debt,
      };
    }
    case 'PointsAdjusted': {
      const movements = moved(event.data.buckets, -1, 'debited');
      return {
        entry: entry({ currency: null, points: -sum(event.data.buckets), causeId: event.data.adjustmentId, reason: event.data.reason, buckets: touched(movements) }),
        newBucket: null,
        bucketMovements: movements,
        debtDelta: 0,
      };
    }
    case 'MemberEnrolled':
    case 'MemberProfileUpdated':
    case 'CustomTierAssigned':
    case 'CustomTierRevoked':
    case 'PurchaseRecorded':
    case 'ReturnRecorded':
    case 'ActivityRecorded':
    case 'ReengagementOfferGranted':
    case 'PointsActivated':
    case 'PointsExpired':
    case 'TierChanged':
    case 'PointsExpiringSoon':
    case 'TierDowngradeRisk':
      // No points move; members, tiers and history of these arrive with the projector issue.
      return null;
    default: {
      const unreachable: never = event;
      throw new Error(`unhandled event ${JSON.stringify(unreachable)}`);
    }
  }
}
