import { type LedgerEvent } from '@loyalty/domain';
import { type NewLedgerEntry, type NewPointBucket } from '@loyalty/db';

/** What one event changes in the ledger projection: pure data, written by the batch applier. */
export interface LedgerRowChanges {
  readonly entry: NewLedgerEntry;
  readonly bucket: NewPointBucket | null;
  readonly balanceDelta: { readonly currency: string; readonly active: number; readonly pending: number } | null;
}

/**
 * The projection of one event, as a pure function of the event and its log position, so that a
 * rebuild from the log produces the same rows.
 */
export function projectLedgerEvent(event: LedgerEvent, position: { partition: number; offset: number }): LedgerRowChanges | null {
  switch (event.type) {
    case 'PointsEarned': {
      const { data, metadata } = event;
      return {
        entry: {
          tenant_id: metadata.tenantId,
          event_id: metadata.eventId,
          member_id: metadata.memberId,
          event_type: event.type,
          currency: data.currency,
          points: data.points,
          bucket_id: data.bucketId,
          transaction_id: data.transactionId,
          occurred_at: metadata.occurredAt,
          recorded_at: metadata.recordedAt,
          program_version: metadata.programVersion,
          log_partition: position.partition,
          log_offset: position.offset,
        },
        bucket: {
          tenant_id: metadata.tenantId,
          bucket_id: data.bucketId,
          member_id: metadata.memberId,
          currency: data.currency,
          amount: data.points,
          remaining: data.points,
          pending: data.pending,
          earned_at: data.earnedAt,
          active_from: data.activeFrom,
          expires_at: data.expiresAt,
          source_transaction_id: data.transactionId,
        },
        balanceDelta: {
          currency: data.currency,
          active: data.pending ? 0 : data.points,
          pending: data.pending ? data.points : 0,
        },
      };
    }
    case 'MemberEnrolled':
      // Membership has no balance effect; the member projection arrives with the projector issue.
      return null;
    default: {
      const unreachable: never = event;
      throw new Error(`unhandled event ${JSON.stringify(unreachable)}`);
    }
  }
}
