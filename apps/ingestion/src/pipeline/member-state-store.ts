import { type Transaction, sql } from 'kysely';
import { type Database } from '@loyalty/db';
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
  readonly version: number;
}

const compare = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
const tuples = (members: readonly MemberRef[]) => sql.join(members.map((m) => sql`(${m.tenantId}, ${m.memberId})`));

/**
 * Locks the members' rows (creating missing ones) in one sorted order, so batches sharing members
 * never deadlock and a member's decisions serialise across instances; then reads the slices of
 * their state the batch's commands need.
 */
export async function loadMembers(trx: Transaction<Database>, requests: ReadonlyMap<string, MemberRef & { needs: StateNeeds }>): Promise<Map<string, LoadedMember>> {
  // Sorted, because an upsert locks its rows in the order of its VALUES.
  const members = [...requests.values()].sort((a, b) => compare(a.tenantId, b.tenantId) || compare(a.memberId, b.memberId));
  // One statement creates missing members and locks and returns all of them (DO UPDATE locks the row).
  const cores = await trx
    .insertInto('ingestion_members')
    .values(members.map((m) => ({ tenant_id: m.tenantId, member_id: m.memberId, enrolled: false, debt: 0, version: 0 })))
    .onConflict((oc) => oc.columns(['tenant_id', 'member_id']).doUpdateSet({ version: sql`ingestion_members.version` }))
    .returningAll()
    .execute();

  const transactionKeys = members.flatMap((m) => m.needs.transactionIds.map((t) => sql`(${m.tenantId}, ${m.memberId}, ${t})`));
  const transactions =
    transactionKeys.length === 0
      ? []
      : await trx.selectFrom('ingestion_transactions').selectAll().where(sql<boolean>`(tenant_id, member_id, transaction_id) in (${sql.join(transactionKeys)})`).execute();
  const redemptionKeys = members.flatMap((m) => m.needs.redemptionIds.map((r) => sql`(${m.tenantId}, ${m.memberId}, ${r})`));
  const redemptions =
    redemptionKeys.length === 0
      ? []
      : await trx.selectFrom('ingestion_redemptions').selectAll().where(sql<boolean>`(tenant_id, member_id, redemption_id) in (${sql.join(redemptionKeys)})`).execute();

  // Buckets: the spendable ones where asked, plus every bucket a loaded transaction or redemption names.
  const spendableOf = members.filter((m) => m.needs.spendableBuckets);
  const namedBuckets = [
    ...transactions.flatMap((t) => (t.bucket_id === null ? [] : [sql`(${t.tenant_id}, ${t.bucket_id})`])),
    ...redemptions.flatMap((r) => (r.buckets as BucketAmount[]).map((b) => sql`(${r.tenant_id}, ${b.bucketId})`)),
  ];
  const bucketFilters = [
    ...(spendableOf.length > 0 ? [sql`((tenant_id, member_id) in (${tuples(spendableOf)}) and remaining > 0)`] : []),
    ...(namedBuckets.length > 0 ? [sql`((tenant_id, bucket_id) in (${sql.join(namedBuckets)}))`] : []),
  ];
  const buckets = bucketFilters.length === 0 ? [] : await trx.selectFrom('ingestion_buckets').selectAll().where(sql<boolean>`${sql.join(bucketFilters, sql` or `)}`).execute();

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
          { bucketId: b.bucket_id, currency: b.currency, amount: b.amount, remaining: b.remaining, pending: b.pending, earnedAt: b.earned_at, activeFrom: b.active_from, expiresAt: b.expires_at, owed: b.owed },
        ]),
      ),
      transactions: Object.fromEntries(
        mine(transactions).map((t): [string, TransactionState] => [t.transaction_id, { transactionId: t.transaction_id, bucketId: t.bucket_id, lines: t.lines as Record<string, TransactionLineState> }]),
      ),
      redemptions: Object.fromEntries(
        mine(redemptions).map((r): [string, RedemptionState] => [r.redemption_id, { points: r.points, buckets: r.buckets as BucketAmount[], cancelled: r.cancelled }]),
      ),
    };
    loaded.set(memberKeyOf(ref), { ...ref, state, version: core.version });
  }
  return loaded;
}

/**
 * Writes what the batch changed. The evolve functions replace exactly the objects they change, so
 * an entry that is not the very object that was loaded is new or changed and must be written.
 */
export async function saveMembers(trx: Transaction<Database>, before: ReadonlyMap<string, LoadedMember>, after: ReadonlyMap<string, LoadedMember>): Promise<void> {
  const changed = [...after.entries()].filter(([key, m]) => before.get(key)?.state !== m.state).map(([, m]) => m);
  if (changed.length === 0) return;
  const prior = (m: LoadedMember) => before.get(memberKeyOf(m))?.state ?? INITIAL_MEMBER_STATE;

  await trx
    .insertInto('ingestion_members')
    .values(
      changed.map((m) => ({
        tenant_id: m.tenantId,
        member_id: m.memberId,
        enrolled: m.state.enrolled,
        custom_tiers: JSON.stringify(m.state.customTiers),
        debt: m.state.debt,
        activity_counts: JSON.stringify(m.state.activityCounts),
        offers: JSON.stringify(m.state.offers),
        version: m.version,
      })),
    )
    .onConflict((oc) =>
      oc.columns(['tenant_id', 'member_id']).doUpdateSet({
        enrolled: sql`excluded.enrolled`,
        custom_tiers: sql`excluded.custom_tiers`,
        debt: sql`excluded.debt`,
        activity_counts: sql`excluded.activity_counts`,
        offers: sql`excluded.offers`,
        version: sql`excluded.version`,
      }),
    )
    .execute();

  const buckets = changed.flatMap((m) => Object.values(m.state.buckets).filter((b) => prior(m).buckets[b.bucketId] !== b).map((b) => ({ m, b })));
  if (buckets.length > 0) {
    await trx
      .insertInto('ingestion_buckets')
      .values(
        buckets.map(({ m, b }) => ({
          tenant_id: m.tenantId,
          bucket_id: b.bucketId,
          member_id: m.memberId,
          currency: b.currency,
          amount: b.amount,
          remaining: b.remaining,
          pending: b.pending,
          earned_at: b.earnedAt,
          active_from: b.activeFrom,
          expires_at: b.expiresAt,
          owed: b.owed,
        })),
      )
      .onConflict((oc) => oc.columns(['tenant_id', 'bucket_id']).doUpdateSet({ remaining: sql`excluded.remaining`, pending: sql`excluded.pending`, owed: sql`excluded.owed` }))
      .execute();
  }

  const transactions = changed.flatMap((m) => Object.values(m.state.transactions).filter((t) => prior(m).transactions[t.transactionId] !== t).map((t) => ({ m, t })));
  if (transactions.length > 0) {
    await trx
      .insertInto('ingestion_transactions')
      .values(transactions.map(({ m, t }) => ({ tenant_id: m.tenantId, member_id: m.memberId, transaction_id: t.transactionId, bucket_id: t.bucketId, lines: JSON.stringify(t.lines) })))
      .onConflict((oc) => oc.columns(['tenant_id', 'member_id', 'transaction_id']).doUpdateSet({ bucket_id: sql`excluded.bucket_id`, lines: sql`excluded.lines` }))
      .execute();
  }

  const redemptions = changed.flatMap((m) =>
    Object.entries(m.state.redemptions)
      .filter(([id, r]) => prior(m).redemptions[id] !== r)
      .map(([id, r]) => ({ m, id, r })),
  );
  if (redemptions.length > 0) {
    await trx
      .insertInto('ingestion_redemptions')
      .values(redemptions.map(({ m, id, r }) => ({ tenant_id: m.tenantId, member_id: m.memberId, redemption_id: id, points: r.points, buckets: JSON.stringify(r.buckets), cancelled: r.cancelled })))
      .onConflict((oc) => oc.columns(['tenant_id', 'member_id', 'redemption_id']).doUpdateSet({ cancelled: sql`excluded.cancelled` }))
      .execute();
  }
}
