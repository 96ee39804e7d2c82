import { type RawBuilder, type Transaction, sql } from 'kysely';
import { type Database, type IngestionBucketsTable, type IngestionMembersTable, type IngestionRedemptionsTable, type IngestionTransactionsTable } from '@loyalty/db';
import {
  type BucketAmount,
  type BucketState,
  type CustomTier,
  INITIAL_MEMBER_STATE,
  type MemberState,
  type OfferState,
  type RedemptionState,
  type TransactionLineState,
  type TransactionState,
} from '@loyalty/domain';
import { type MemberRef, memberKeyOf } from './command-store';
import { type StateNeeds } from './state-needs';

export interface LoadedMember extends MemberRef {
  readonly state: MemberState;
}

export interface MemberRequest extends MemberRef {
  readonly needs: StateNeeds;
  /** False when every command of the batch for this member is about a member that must exist. */
  readonly create: boolean;
}

type IngestionMemberRow = IngestionMembersTable;
type IngestionTransactionRow = IngestionTransactionsTable;
type IngestionRedemptionRow = IngestionRedemptionsTable;
type IngestionBucketRow = IngestionBucketsTable;

const compare = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/**
 * Locks the members' rows (creating missing ones, where asked) in one sorted order, so batches
 * sharing members never deadlock and a member's decisions serialise across instances; then reads
 * the slices of their state the batch's commands need. A member neither found nor created is
 * absent from the answer.
 */
export async function loadMembers(trx: Transaction<Database>, requests: ReadonlyMap<string, MemberRequest>): Promise<Map<string, LoadedMember>> {
  // Sorted, so concurrent batches create and lock shared members in one order and never deadlock.
  const members = [...requests.values()].sort((a, b) => compare(a.tenantId, b.tenantId) || compare(a.memberId, b.memberId));
  // Keys travel as arrays (unnest), not as one parameter per value: a batch of 500 commands
  // stays a few parameters, cheap to plan, joined through the primary keys.
  // One statement creates the missing members (those a command may create) and locks the others,
  // in that sorted order. FOR NO KEY UPDATE only marks a row: locking by a no-op update would
  // write a row version per member.
  const tenants = members.map((m) => m.tenantId);
  const ids = members.map((m) => m.memberId);
  const creatable = members.filter((m) => m.create);
  const { rows: cores } = await sql<IngestionMemberRow>`
    with created as (
      insert into ingestion_members (tenant_id, member_id)
      select * from unnest(${creatable.map((m) => m.tenantId)}::text[], ${creatable.map((m) => m.memberId)}::text[])
      on conflict (tenant_id, member_id) do nothing
      returning *),
    locked as (
      select m.* from ingestion_members m
      join unnest(${tenants}::text[], ${ids}::text[]) as k(tenant_id, member_id) using (tenant_id, member_id)
      order by m.tenant_id, m.member_id
      for no key update of m)
    select * from created union all select * from locked`.execute(trx);
  // A member another instance created after this statement's snapshot was neither created nor seen
  // (the insert waited for it, then did nothing): lock it now that it is committed. A member that
  // was not to be created and is still not found stays absent.
  const seen = new Set(cores.map((c) => memberKeyOf({ tenantId: c.tenant_id, memberId: c.member_id })));
  const late = members.filter((m) => !seen.has(memberKeyOf(m)));
  if (late.length > 0) {
    const { rows } = await sql<IngestionMemberRow>`
      select m.* from ingestion_members m
      join unnest(${late.map((m) => m.tenantId)}::text[], ${late.map((m) => m.memberId)}::text[]) as k(tenant_id, member_id) using (tenant_id, member_id)
      order by m.tenant_id, m.member_id
      for no key update of m`.execute(trx);
    cores.push(...rows);
  }

  const wantedTransactions = members.flatMap((m) => m.needs.transactionIds.map((t) => ({ ...m, t })));
  const { rows: transactions } =
    wantedTransactions.length === 0
      ? { rows: [] as IngestionTransactionRow[] }
      : await sql<IngestionTransactionRow>`
          select t.* from ingestion_transactions t
          join unnest(${wantedTransactions.map((w) => w.tenantId)}::text[], ${wantedTransactions.map((w) => w.memberId)}::text[], ${wantedTransactions.map((w) => w.t)}::text[])
            as k(tenant_id, member_id, transaction_id) using (tenant_id, member_id, transaction_id)`.execute(trx);
  const wantedRedemptions = members.flatMap((m) => m.needs.redemptionIds.map((r) => ({ ...m, r })));
  const { rows: redemptions } =
    wantedRedemptions.length === 0
      ? { rows: [] as IngestionRedemptionRow[] }
      : await sql<IngestionRedemptionRow>`
          select r.* from ingestion_redemptions r
          join unnest(${wantedRedemptions.map((w) => w.tenantId)}::text[], ${wantedRedemptions.map((w) => w.memberId)}::text[], ${wantedRedemptions.map((w) => w.r)}::text[])
            as k(tenant_id, member_id, redemption_id) using (tenant_id, member_id, redemption_id)`.execute(trx);

  // Buckets: the spendable ones where asked, plus every bucket a command, a loaded transaction or a
  // loaded redemption names (a bucket of another member is read, then left out below).
  const spendableOf = members.filter((m) => m.needs.spendableBuckets);
  const named = [
    ...members.flatMap((m) => m.needs.bucketIds.map((bucketId) => ({ tenantId: m.tenantId, bucketId }))),
    ...transactions.flatMap((t) => (t.bucket_id === null ? [] : [{ tenantId: t.tenant_id, bucketId: t.bucket_id }])),
    ...redemptions.flatMap((r) => (r.buckets as BucketAmount[]).map((b) => ({ tenantId: r.tenant_id, bucketId: b.bucketId }))),
  ];
  const { rows: bucketRows } =
    spendableOf.length === 0 && named.length === 0
      ? { rows: [] as IngestionBucketRow[] }
      : await sql<IngestionBucketRow>`
          select b.* from ingestion_buckets b
          join unnest(${spendableOf.map((m) => m.tenantId)}::text[], ${spendableOf.map((m) => m.memberId)}::text[]) as m(tenant_id, member_id)
            using (tenant_id, member_id)
          where b.remaining > 0
          union all
          select b.* from ingestion_buckets b
          join unnest(${named.map((n) => n.tenantId)}::text[], ${named.map((n) => n.bucketId)}::text[]) as n(tenant_id, bucket_id)
            using (tenant_id, bucket_id)`.execute(trx);
  const buckets = bucketRows;

  const loaded = new Map<string, LoadedMember>();
  for (const core of cores) {
    const ref = { tenantId: core.tenant_id, memberId: core.member_id };
    const mine = <T extends { tenant_id: string; member_id: string }>(rows: readonly T[]) => rows.filter((r) => r.tenant_id === ref.tenantId && r.member_id === ref.memberId);
    const state: MemberState = {
      ...INITIAL_MEMBER_STATE,
      enrolled: core.enrolled,
      customTiers: core.custom_tiers as CustomTier[],
      debt: core.debt,
      activityCounts: core.activity_counts as Record<string, number>,
      offers: core.offers as Record<string, OfferState>,
      buckets: Object.fromEntries(
        mine(buckets).map((b): [string, BucketState] => [
          b.bucket_id,
          {
            bucketId: b.bucket_id,
            currency: b.currency,
            amount: b.amount,
            remaining: b.remaining,
            pending: b.pending,
            earnedAt: b.earned_at,
            activeFrom: b.active_from,
            expiresAt: b.expires_at,
            owed: b.owed,
            expired: b.expired,
          },
        ]),
      ),
      transactions: Object.fromEntries(
        mine(transactions).map((t): [string, TransactionState] => [t.transaction_id, { transactionId: t.transaction_id, bucketId: t.bucket_id, lines: t.lines as Record<string, TransactionLineState> }]),
      ),
      redemptions: Object.fromEntries(
        mine(redemptions).map((r): [string, RedemptionState] => [r.redemption_id, { points: r.points, buckets: r.buckets as BucketAmount[], cancelled: r.cancelled }]),
      ),
    };
    loaded.set(memberKeyOf(ref), { ...ref, state });
  }
  return loaded;
}

/**
 * The statements writing what the batch changed (run by the caller in one SQL statement with the
 * command records). The evolve functions replace exactly the objects they change, so an entry that
 * is not the very object that was loaded is new or changed and must be written.
 */
export function memberWrites(before: ReadonlyMap<string, LoadedMember>, after: ReadonlyMap<string, LoadedMember>): RawBuilder<unknown>[] {
  const changed = [...after.entries()].filter(([key, m]) => before.get(key)?.state !== m.state).map(([, m]) => m);
  if (changed.length === 0) return [];
  const prior = (m: LoadedMember) => before.get(memberKeyOf(m))?.state ?? INITIAL_MEMBER_STATE;
  const writes: RawBuilder<unknown>[] = [];
  const col = <R, T>(rows: readonly R[], f: (r: R) => T) => rows.map(f);

  // The member row is rewritten only when its own fields changed: a purchase adds a bucket and a
  // transaction, and rewriting the member row as well would cost a row version per purchase.
  const cores = changed.filter((m) => {
    const p = prior(m);
    const n = m.state;
    return p.enrolled !== n.enrolled || p.customTiers !== n.customTiers || p.debt !== n.debt || p.activityCounts !== n.activityCounts || p.offers !== n.offers;
  });
  if (cores.length > 0) {
    writes.push(sql`
      insert into ingestion_members (tenant_id, member_id, enrolled, custom_tiers, debt, activity_counts, offers)
      select * from unnest(
        ${col(cores, (m) => m.tenantId)}::text[], ${col(cores, (m) => m.memberId)}::text[], ${col(cores, (m) => m.state.enrolled)}::boolean[],
        ${col(cores, (m) => JSON.stringify(m.state.customTiers))}::jsonb[], ${col(cores, (m) => m.state.debt)}::bigint[],
        ${col(cores, (m) => JSON.stringify(m.state.activityCounts))}::jsonb[], ${col(cores, (m) => JSON.stringify(m.state.offers))}::jsonb[])
      on conflict (tenant_id, member_id) do update set
        enrolled = excluded.enrolled, custom_tiers = excluded.custom_tiers, debt = excluded.debt,
        activity_counts = excluded.activity_counts, offers = excluded.offers`);
  }

  const buckets = changed.flatMap((m) => Object.values(m.state.buckets).filter((b) => prior(m).buckets[b.bucketId] !== b).map((b) => ({ m, b })));
  if (buckets.length > 0) {
    writes.push(sql`
      insert into ingestion_buckets (tenant_id, bucket_id, member_id, currency, amount, remaining, pending, earned_at, active_from, expires_at, owed, expired)
      select * from unnest(
        ${col(buckets, ({ m }) => m.tenantId)}::text[], ${col(buckets, ({ b }) => b.bucketId)}::text[], ${col(buckets, ({ m }) => m.memberId)}::text[],
        ${col(buckets, ({ b }) => b.currency)}::text[], ${col(buckets, ({ b }) => b.amount)}::bigint[], ${col(buckets, ({ b }) => b.remaining)}::bigint[],
        ${col(buckets, ({ b }) => b.pending)}::boolean[], ${col(buckets, ({ b }) => b.earnedAt)}::text[], ${col(buckets, ({ b }) => b.activeFrom)}::text[],
        ${col(buckets, ({ b }) => b.expiresAt)}::text[], ${col(buckets, ({ b }) => b.owed)}::bigint[], ${col(buckets, ({ b }) => b.expired)}::boolean[])
      on conflict (tenant_id, bucket_id) do update set remaining = excluded.remaining, pending = excluded.pending, owed = excluded.owed, expired = excluded.expired`);
  }

  const transactions = changed.flatMap((m) => Object.values(m.state.transactions).filter((t) => prior(m).transactions[t.transactionId] !== t).map((t) => ({ m, t })));
  if (transactions.length > 0) {
    writes.push(sql`
      insert into ingestion_transactions (tenant_id, member_id, transaction_id, bucket_id, lines)
      select * from unnest(
        ${col(transactions, ({ m }) => m.tenantId)}::text[], ${col(transactions, ({ m }) => m.memberId)}::text[], ${col(transactions, ({ t }) => t.transactionId)}::text[],
        ${col(transactions, ({ t }) => t.bucketId)}::text[], ${col(transactions, ({ t }) => JSON.stringify(t.lines))}::jsonb[])
      on conflict (tenant_id, member_id, transaction_id) do update set bucket_id = excluded.bucket_id, lines = excluded.lines`);
  }

  const redemptions = changed.flatMap((m) =>
    Object.entries(m.state.redemptions)
      .filter(([id, r]) => prior(m).redemptions[id] !== r)
      .map(([id, r]) => ({ m, id, r })),
  );
  if (redemptions.length > 0) {
    writes.push(sql`
      insert into ingestion_redemptions (tenant_id, member_id, redemption_id, points, buckets, cancelled)
      select * from unnest(
        ${col(redemptions, ({ m }) => m.tenantId)}::text[], ${col(redemptions, ({ m }) => m.memberId)}::text[], ${col(redemptions, ({ id }) => id)}::text[],
        ${col(redemptions, ({ r }) => r.points)}::bigint[], ${col(redemptions, ({ r }) => JSON.stringify(r.buckets))}::jsonb[], ${col(redemptions, ({ r }) => r.cancelled)}::boolean[])
      on conflict (tenant_id, member_id, redemption_id) do update set cancelled = excluded.cancelled`);
  }
  return writes;
}
