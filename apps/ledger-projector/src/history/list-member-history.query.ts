import { type Kysely } from 'kysely';
import { type Database } from '@loyalty/db';
import { consistencyTokenOf } from '@loyalty/kafka';
import { encodeHistoryCursor } from './history-cursor';

export interface HistoryEntryView {
  readonly eventId: string;
  readonly type: string;
  /** Signed: credits positive, spends, reversals and debits negative. */
  readonly points: number;
  /** The currency of a credit; null for movements that may span currencies (see `buckets`). */
  readonly currency: string | null;
  /** The redemption, return, adjustment or purchase it belongs to. */
  readonly causeId: string | null;
  readonly transactionId: string | null;
  readonly reason: string | null;
  readonly buckets: readonly { readonly bucketId: string; readonly points: number }[];
  readonly occurredAt: string;
  readonly recordedAt: string;
  readonly programVersion: string | null;
  /** Its position in the log (`v1.<partition>.<offset>`). */
  readonly position: string;
}

export interface HistoryPage {
  readonly items: readonly HistoryEntryView[];
  /** Pass as `cursor` for the next (older) page; null on the last page. */
  readonly nextCursor: string | null;
}

/** One page of a member's movements, newest first, below the cursor's offset. */
export async function listMemberHistory(db: Kysely<Database>, tenantId: string, memberId: string, before: number | null, limit: number): Promise<HistoryPage> {
  let query = db
    .selectFrom('ledger_entries')
    .select(['event_id', 'event_type', 'points', 'currency', 'cause_id', 'transaction_id', 'reason', 'buckets', 'occurred_at', 'recorded_at', 'program_version', 'log_partition', 'log_offset'])
    .where('tenant_id', '=', tenantId)
    .where('member_id', '=', memberId);
  if (before !== null) query = query.where('log_offset', '<', before);
  // One more than asked tells whether an older page exists, without a count.
  const rows = await query.orderBy('log_offset', 'desc').limit(limit + 1).execute();
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  return {
    items: page.map((r) => ({
      eventId: r.event_id,
      type: r.event_type,
      points: r.points,
      currency: r.currency,
      causeId: r.cause_id,
      transactionId: r.transaction_id,
      reason: r.reason,
      buckets: r.buckets as HistoryEntryView['buckets'],
      occurredAt: r.occurred_at,
      recordedAt: r.recorded_at,
      programVersion: r.program_version,
      position: consistencyTokenOf({ partition: r.log_partition, offset: r.log_offset }),
    })),
    nextCursor: rows.length > limit && last !== undefined ? encodeHistoryCursor(last.log_offset) : null,
  };
}
