import { type Database } from '@loyalty/db';
import { type BucketBalance, type LedgerBalances, type MemberCurrencyBalance, type MemberDebt } from '@loyalty/domain';
import { type Kysely } from 'kysely';
import { NO_ROW_DIFFERENCE, type RowDifference, rowDifference } from './row-difference';

type PointEvent = LedgerBalances['pointEvents'][number];

/** The projector's tables, shaped like the pure fold (`foldLedgerBalances`) of the events. */
export interface ProjectedLedger {
  readonly balances: readonly MemberCurrencyBalance[];
  readonly buckets: readonly BucketBalance[];
  /** Debts other than zero, as the fold lists them. */
  readonly debts: readonly MemberDebt[];
  /** One per row of ledger_entries. */
  readonly entries: readonly PointEvent[];
}

export async function readProjectedLedger(db: Kysely<Database>): Promise<ProjectedLedger> {
  const [balances, buckets, debts, entries] = await Promise.all([
    db.selectFrom('member_balances').select(['tenant_id', 'member_id', 'currency', 'active', 'pending']).execute(),
    db.selectFrom('point_buckets').select(['tenant_id', 'bucket_id', 'member_id', 'currency', 'pending', 'amount', 'remaining']).execute(),
    db.selectFrom('member_debts').select(['tenant_id', 'member_id', 'debt']).where('debt', '<>', 0).execute(),
    db.selectFrom('ledger_entries').select(['tenant_id', 'event_id']).execute(),
  ]);
  return {
    balances: balances.map((b) => ({ tenantId: b.tenant_id, memberId: b.member_id, currency: b.currency, active: b.active, pending: b.pending })),
    buckets: buckets.map((b) => ({ tenantId: b.tenant_id, bucketId: b.bucket_id, memberId: b.member_id, currency: b.currency, pending: b.pending, amount: b.amount, remaining: b.remaining })),
    debts: debts.map((d) => ({ tenantId: d.tenant_id, memberId: d.member_id, debt: d.debt })),
    entries: entries.map((e) => ({ tenantId: e.tenant_id, eventId: e.event_id })),
  };
}

export interface ProjectionDifferences {
  readonly balances: RowDifference<MemberCurrencyBalance>;
  readonly buckets: RowDifference<BucketBalance>;
  readonly debts: RowDifference<MemberDebt>;
  /** Against the distinct events that move points: exactly one history row each, nothing else. */
  readonly entries: RowDifference<PointEvent>;
}

/** What a spec expects when the projection equals the fold exactly. */
export const PROJECTION_EQUALS_FOLD: ProjectionDifferences = { balances: NO_ROW_DIFFERENCE, buckets: NO_ROW_DIFFERENCE, debts: NO_ROW_DIFFERENCE, entries: NO_ROW_DIFFERENCE };

/** How the projector's tables differ from the fold of the events; compare with `PROJECTION_EQUALS_FOLD`. */
export async function projectionDifferences(db: Kysely<Database>, expected: LedgerBalances): Promise<ProjectionDifferences> {
  const actual = await readProjectedLedger(db);
  return {
    balances: rowDifference(actual.balances, expected.balances, (b) => `${b.tenantId}|${b.memberId}|${b.currency}`),
    buckets: rowDifference(actual.buckets, expected.buckets, (b) => `${b.tenantId}|${b.bucketId}`),
    debts: rowDifference(actual.debts, expected.debts, (d) => `${d.tenantId}|${d.memberId}`),
    entries: rowDifference(actual.entries, expected.pointEvents, (e) => `${e.tenantId}|${e.eventId}`),
  };
}
