import { type Kysely, type Transaction, sql } from 'kysely';
import { type Database } from '@loyalty/db';
import { type LedgerBatch } from '@loyalty/kafka';
import { holdApplyLockShared } from '../rebuild/projection-swap';
import { type LedgerBatchEffects, type StoredBucket, type StoredState, ledgerBatchEffects, stateKey } from './ledger-batch-effects';
import { type LedgerRowChanges, projectLedgerEvent } from './ledger.projection';

/** A partition whose fetch starts past the stored offset: nothing applied, resume from `from`. */
export interface PartitionGap {
  readonly topic: string;
  readonly partition: number;
  readonly from: string;
}

/**
 * Applies one batch of one partition exactly once: the rows and the consumer's next offset are
 * written in one transaction. The offset row is locked first, so two instances racing through a
 * rebalance serialise, and events below the stored offset (redeliveries) are skipped. The event id
 * primary key is a second guard: a duplicate event at a new offset (a resend) adds nothing.
 */
export function applyLedgerBatch(db: Kysely<Database>, consumer: string, batch: LedgerBatch): Promise<{ applied: number; gaps: readonly PartitionGap[] }> {
  return applyLedgerBatches(db, consumer, [batch]);
}

/**
 * The same for batches of several partitions in one transaction (one commit for a whole fetch):
 * offset rows are locked in partition order, so concurrent instances never deadlock.
 */
export async function applyLedgerBatches(
  db: Kysely<Database>,
  consumer: string,
  batches: readonly LedgerBatch[],
  options: { liveSwapLock?: boolean } = {},
): Promise<{ applied: number; gaps: readonly PartitionGap[] }> {
  const ordered = [...batches].sort((a, b) => (a.topic < b.topic ? -1 : a.topic > b.topic ? 1 : a.partition - b.partition));
  return db.transaction().execute(async (trx) => {
    // The live projection's applies hold the swap lock shared (first, before naming a table), so a
    // rebuild's swap can move the tables between two applies. A version being built does not.
    if (options.liveSwapLock ?? true) await holdApplyLockShared(trx);
    const stored = await lockOffsets(trx, consumer, ordered);
    const changes: LedgerRowChanges[] = [];
    const advanced: { topic: string; partition: number; next: number }[] = [];
    const gaps: PartitionGap[] = [];
    for (const batch of ordered) {
      const from = BigInt(stored.get(partitionKey(batch))?.next ?? 0);
      // A partition this version never applied starts wherever the log does; one it has applied
      // must continue exactly where it stopped.
      if (stored.get(partitionKey(batch))?.fresh !== true && BigInt(batch.firstOffset) > from) {
        // Events between the stored offset and this fetch were never applied here (the stored
        // offsets went back: a rollback to a kept version). Apply nothing; the consumer seeks back.
        gaps.push({ topic: batch.topic, partition: batch.partition, from: from.toString() });
        continue;
      }
      for (const e of batch.events) {
        if (BigInt(e.offset) < from) continue;
        const change = projectLedgerEvent(e.event, { partition: batch.partition, offset: Number(e.offset) });
        if (change !== null) changes.push(change);
      }
      if (BigInt(batch.nextOffset) > from) advanced.push({ topic: batch.topic, partition: batch.partition, next: Number(batch.nextOffset) });
    }

    const applied = await insertNewHistory(trx, changes);
    const before = await insertBucketsAndRead(trx, applied);
    await settle(trx, consumer, ledgerBatchEffects(applied, before), advanced);
    return { applied: applied.length, gaps };
  });
}

const partitionKey = (p: { topic: string; partition: number }) => `${p.topic}\u0000${p.partition}`;

/**
 * Creates missing offset rows and locks all of them in (topic, partition) order, in one statement;
 * returns each partition's stored next offset. Every statement of the batch takes its values as
 * arrays (`unnest`), so a large backlog never outgrows the protocol's 65,535 parameters.
 */
async function lockOffsets(trx: Transaction<Database>, consumer: string, partitions: readonly { topic: string; partition: number }[]): Promise<Map<string, { next: number; fresh: boolean }>> {
  const topics = partitions.map((p) => p.topic);
  const numbers = partitions.map((p) => p.partition);
  const { rows } = await sql<{ topic: string; partition: number; next_offset: number; fresh: boolean }>`
    with created as (
      insert into consumer_offsets (consumer, topic, partition, next_offset)
      select ${consumer}, topic, partition, 0 from unnest(${topics}::text[], ${numbers}::int[]) as k(topic, partition)
      on conflict do nothing
      returning topic, partition, next_offset, true as fresh),
    locked as (
      select o.topic, o.partition, o.next_offset, false as fresh from consumer_offsets o
      join unnest(${topics}::text[], ${numbers}::int[]) as k(topic, partition) using (topic, partition)
      where o.consumer = ${consumer}
      order by o.topic, o.partition
      for update of o)
    select * from created union all select * from locked`.execute(trx);
  const stored = new Map(rows.map((r) => [partitionKey(r), { next: r.next_offset, fresh: r.fresh }]));
  // A row another instance created after this statement's snapshot: lock it now it is committed.
  const late = partitions.filter((p) => !stored.has(partitionKey(p)));
  if (late.length > 0) {
    const { rows: more } = await sql<{ topic: string; partition: number; next_offset: number }>`
      select o.topic, o.partition, o.next_offset from consumer_offsets o
      join unnest(${late.map((p) => p.topic)}::text[], ${late.map((p) => p.partition)}::int[]) as k(topic, partition) using (topic, partition)
      where o.consumer = ${consumer}
      order by o.topic, o.partition
      for update of o`.execute(trx);
    for (const r of more) stored.set(partitionKey(r), { next: r.next_offset, fresh: false });
  }
  return stored;
}

/** Inserts the history rows of point movements and tier events; returns the changes whose event was not applied before. */
async function insertNewHistory(trx: Transaction<Database>, changes: readonly LedgerRowChanges[]): Promise<LedgerRowChanges[]> {
  if (changes.length === 0) return [];
  const entries = changes.flatMap((c) => (c.entry === null ? [] : [c.entry]));
  const tiers = changes.flatMap((c) => (c.tierEntry === null ? [] : [c.tierEntry]));
  const e = <T>(f: (row: (typeof entries)[number]) => T) => entries.map(f);
  const t = <T>(f: (row: (typeof tiers)[number]) => T) => tiers.map(f);
  const { rows: inserted } = await sql<{ tenant_id: string; event_id: string }>`
    with entries as (
      insert into ledger_entries (tenant_id, event_id, member_id, event_type, currency, points, bucket_id, transaction_id, occurred_at, recorded_at, program_version, log_partition, log_offset, cause_id, reason, buckets, debt_delta)
      select * from unnest(
        ${e((r) => r.tenant_id)}::text[], ${e((r) => r.event_id)}::text[], ${e((r) => r.member_id)}::text[], ${e((r) => r.event_type)}::text[],
        ${e((r) => r.currency ?? null)}::text[], ${e((r) => r.points)}::bigint[], ${e((r) => r.bucket_id ?? null)}::text[], ${e((r) => r.transaction_id ?? null)}::text[],
        ${e((r) => r.occurred_at)}::text[], ${e((r) => r.recorded_at)}::text[], ${e((r) => r.program_version ?? null)}::text[],
        ${e((r) => r.log_partition)}::int[], ${e((r) => r.log_offset)}::bigint[],
        ${e((r) => r.cause_id ?? null)}::text[], ${e((r) => r.reason ?? null)}::text[], ${e((r) => (typeof r.buckets === 'string' ? r.buckets : '[]'))}::jsonb[], ${e((r) => r.debt_delta ?? 0)}::bigint[])
      on conflict (tenant_id, event_id) do nothing
      returning tenant_id, event_id),
    tiers as (
      insert into member_tier_history (tenant_id, event_id, member_id, event_type, tier, from_tier, direction, reason, qualifying_points, custom_tiers, effective_at, recorded_at, program_version, log_partition, log_offset)
      select * from unnest(
        ${t((r) => r.tenant_id)}::text[], ${t((r) => r.event_id)}::text[], ${t((r) => r.member_id)}::text[], ${t((r) => r.event_type)}::text[], ${t((r) => r.tier)}::text[],
        ${t((r) => r.from_tier ?? null)}::text[], ${t((r) => r.direction ?? null)}::text[], ${t((r) => r.reason ?? null)}::text[], ${t((r) => r.qualifying_points ?? null)}::bigint[],
        ${t((r) => (typeof r.custom_tiers === 'string' ? r.custom_tiers : null))}::jsonb[], ${t((r) => r.effective_at)}::text[], ${t((r) => r.recorded_at)}::text[],
        ${t((r) => r.program_version ?? null)}::text[], ${t((r) => r.log_partition)}::int[], ${t((r) => r.log_offset)}::bigint[])
      on conflict (tenant_id, event_id) do nothing
      returning tenant_id, event_id)
    select tenant_id, event_id from entries union all select tenant_id, event_id from tiers`.execute(trx);
  const fresh = new Set(inserted.map((r) => stateKey(r.tenant_id, r.event_id)));
  // A batch may carry the same event twice (a resend landing close to the original): first one wins.
  const seen = new Set<string>();
  return changes.filter((c) => {
    const id = stateKey(c.tenantId, c.eventId);
    if (!fresh.has(id) || seen.has(id)) return false;
    seen.add(id);
    return true;
  });
}

const unique = <T>(items: readonly T[], key: (item: T) => string): T[] => [...new Map(items.map((i) => [key(i), i])).values()];

/**
 * In one statement: inserts the new buckets, and reads what the batch's effects depend on: the
 * stored buckets it names, the buckets of the purchases it reverses, and the custom tiers it
 * changes. The reads see the projection before this statement, so a bucket inserted here is known
 * from its earning instead.
 */
async function insertBucketsAndRead(trx: Transaction<Database>, changes: readonly LedgerRowChanges[]): Promise<StoredState> {
  const newBuckets = changes.flatMap((c) => (c.newBucket === null ? [] : [c.newBucket]));
  const named = unique(
    changes.flatMap((c) => [
      ...(c.newBucket === null ? [] : [c.newBucket.bucket_id]),
      ...c.bucketMovements.map((m) => m.bucketId),
      ...(c.activation === null ? [] : [c.activation.bucketId]),
      ...(c.expiry === null ? [] : [c.expiry.bucketId]),
    ].map((bucketId) => ({ tenant: c.tenantId, bucketId }))),
    (b) => stateKey(b.tenant, b.bucketId),
  );
  const purchases = unique(
    changes.flatMap((c) => (c.qualifyingTaken?.transactionId ? [{ tenant: c.tenantId, member: c.memberId, transactionId: c.qualifyingTaken.transactionId }] : [])),
    (p) => stateKey(p.tenant, p.member, p.transactionId),
  );
  const tiered = unique(
    changes.flatMap((c) => (c.customTier === null ? [] : [{ tenant: c.tenantId, member: c.memberId }])),
    (m) => stateKey(m.tenant, m.member),
  );
  if (newBuckets.length === 0 && named.length === 0 && purchases.length === 0 && tiered.length === 0) return { buckets: [], created: new Set(), customTiers: new Map() };
  const col = <T>(f: (b: (typeof newBuckets)[number]) => T) => newBuckets.map(f);
  const { rows } = await sql<{
    kind: 'created' | 'bucket' | 'tiers';
    tenant_id: string;
    bucket_id: string | null;
    member_id: string | null;
    currency: string | null;
    pending: boolean | null;
    remaining: number | null;
    expired: boolean | null;
    source_transaction_id: string | null;
    custom_tiers: string[] | null;
  }>`
    with inserted as (
      insert into point_buckets (tenant_id, bucket_id, member_id, currency, amount, remaining, pending, earned_at, active_from, expires_at, source_transaction_id)
      select * from unnest(
        ${col((b) => b.tenant_id)}::text[], ${col((b) => b.bucket_id)}::text[], ${col((b) => b.member_id)}::text[], ${col((b) => b.currency)}::text[],
        ${col((b) => b.amount)}::bigint[], ${col((b) => b.remaining)}::bigint[], ${col((b) => b.pending)}::boolean[], ${col((b) => b.earned_at)}::text[],
        ${col((b) => b.active_from)}::text[], ${col((b) => b.expires_at ?? null)}::text[], ${col((b) => b.source_transaction_id ?? null)}::text[])
      on conflict (tenant_id, bucket_id) do nothing
      returning tenant_id, bucket_id),
    stored as (
      select * from point_buckets
      where (tenant_id, bucket_id) in (select * from unnest(${named.map((b) => b.tenant)}::text[], ${named.map((b) => b.bucketId)}::text[]))
      union
      select * from point_buckets
      where (tenant_id, member_id, source_transaction_id) in (
        select * from unnest(${purchases.map((p) => p.tenant)}::text[], ${purchases.map((p) => p.member)}::text[], ${purchases.map((p) => p.transactionId)}::text[])))
    select 'created' as kind, tenant_id, bucket_id, null as member_id, null as currency, null::boolean as pending, null::bigint as remaining, null::boolean as expired,
      null as source_transaction_id, null::jsonb as custom_tiers
    from inserted
    union all
    select 'bucket', tenant_id, bucket_id, member_id, currency, pending, remaining, expired_at is not null, source_transaction_id, null from stored
    union all
    select 'tiers', tenant_id, null, member_id, null, null, null, null, null, custom_tiers from member_tiers
    where (tenant_id, member_id) in (select * from unnest(${tiered.map((m) => m.tenant)}::text[], ${tiered.map((m) => m.member)}::text[]))`.execute(trx);
  const buckets: StoredBucket[] = [];
  const created = new Set<string>();
  const customTiers = new Map<string, readonly string[]>();
  for (const r of rows) {
    if (r.kind === 'created') created.add(stateKey(r.tenant_id, r.bucket_id ?? ''));
    else if (r.kind === 'tiers') customTiers.set(stateKey(r.tenant_id, r.member_id ?? ''), r.custom_tiers ?? []);
    else {
      buckets.push({
        tenantId: r.tenant_id,
        bucketId: r.bucket_id ?? '',
        memberId: r.member_id ?? '',
        currency: r.currency ?? '',
        pending: r.pending === true,
        remaining: r.remaining ?? 0,
        expired: r.expired === true,
        sourceTransactionId: r.source_transaction_id,
      });
    }
  }
  return { buckets, created, customTiers };
}

/**
 * In one statement: moves points in existing buckets and marks their activation or expiry, adds
 * the deltas to the balances (per member and currency) and to the members' qualifying points and
 * tiers, adds the debts, and advances the offsets.
 */
async function settle(trx: Transaction<Database>, consumer: string, effects: LedgerBatchEffects, advanced: readonly { topic: string; partition: number; next: number }[]): Promise<void> {
  const { buckets, balances, members, debts } = effects;
  if (buckets.length === 0 && balances.length === 0 && members.length === 0 && debts.length === 0 && advanced.length === 0) return;
  const b = <T>(f: (row: (typeof balances)[number]) => T) => balances.map(f);
  const m = <T>(f: (row: (typeof members)[number]) => T) => members.map(f);
  await sql`
    with moved as (
      update point_buckets as b set
        remaining = b.remaining + v.delta,
        pending = b.pending and v.activated_at is null,
        activated_at = coalesce(b.activated_at, v.activated_at),
        expired_at = coalesce(b.expired_at, v.expired_at)
      from unnest(${buckets.map((u) => u.tenantId)}::text[], ${buckets.map((u) => u.bucketId)}::text[], ${buckets.map((u) => u.delta)}::bigint[],
        ${buckets.map((u) => u.activatedAt)}::text[], ${buckets.map((u) => u.expiredAt)}::text[]) as v(tenant_id, bucket_id, delta, activated_at, expired_at)
      where b.tenant_id = v.tenant_id and b.bucket_id = v.bucket_id),
    balances as (
      insert into member_balances (tenant_id, member_id, currency, active, pending, spent, reversed, debited, expired, qualifying, updated_at)
      select * from unnest(
        ${b((r) => r.tenantId)}::text[], ${b((r) => r.memberId)}::text[], ${b((r) => r.currency)}::text[], ${b((r) => r.active)}::bigint[], ${b((r) => r.pending)}::bigint[],
        ${b((r) => r.spent)}::bigint[], ${b((r) => r.reversed)}::bigint[], ${b((r) => r.debited)}::bigint[], ${b((r) => r.expired)}::bigint[], ${b((r) => r.qualifying)}::bigint[],
        ${b((r) => r.recordedAt)}::text[])
      on conflict (tenant_id, member_id, currency) do update set
        active = member_balances.active + excluded.active, pending = member_balances.pending + excluded.pending,
        spent = member_balances.spent + excluded.spent, reversed = member_balances.reversed + excluded.reversed,
        debited = member_balances.debited + excluded.debited, expired = member_balances.expired + excluded.expired,
        qualifying = member_balances.qualifying + excluded.qualifying,
        -- The recording time of the latest event that changed the row, however events were batched.
        updated_at = greatest(member_balances.updated_at, excluded.updated_at)),
    member_changes as (
      select * from unnest(
        ${m((r) => r.tenantId)}::text[], ${m((r) => r.memberId)}::text[], ${m((r) => r.qualifyingPoints)}::bigint[],
        ${m((r) => r.tier?.tierId ?? null)}::text[], ${m((r) => r.tier?.changedAt ?? null)}::text[], ${m((r) => r.tier?.reason ?? null)}::text[],
        ${m((r) => r.tier?.programVersion ?? null)}::text[], ${m((r) => (r.customTiers === null ? null : JSON.stringify(r.customTiers)))}::jsonb[])
        as v(tenant_id, member_id, qualifying_points, tier_id, tier_changed_at, tier_reason, tier_program_version, custom_tiers)),
    -- Updated in place, then inserted where missing (as debts): the tier fields change only with a
    -- TierChanged in the batch, which an upsert's excluded row could not tell from "no change".
    members_changed as (
      update member_tiers as t set
        qualifying_points = t.qualifying_points + v.qualifying_points,
        tier_id = case when v.tier_id is null then t.tier_id else v.tier_id end,
        tier_changed_at = case when v.tier_id is null then t.tier_changed_at else v.tier_changed_at end,
        tier_reason = case when v.tier_id is null then t.tier_reason else v.tier_reason end,
        tier_program_version = case when v.tier_id is null then t.tier_program_version else v.tier_program_version end,
        custom_tiers = coalesce(v.custom_tiers, t.custom_tiers)
      from member_changes v
      where t.tenant_id = v.tenant_id and t.member_id = v.member_id
      returning t.tenant_id, t.member_id),
    members_new as (
      insert into member_tiers (tenant_id, member_id, qualifying_points, tier_id, tier_changed_at, tier_reason, tier_program_version, custom_tiers)
      select v.tenant_id, v.member_id, v.qualifying_points, v.tier_id, v.tier_changed_at, v.tier_reason, v.tier_program_version, coalesce(v.custom_tiers, '[]'::jsonb)
      from member_changes v
      where not exists (select 1 from members_changed c where c.tenant_id = v.tenant_id and c.member_id = v.member_id)),
    -- Existing debts change in place; an upsert would check the constraint (debt >= 0) on the
    -- proposed row, the bare delta, and refuse a repayment of a debt recorded in an earlier batch.
    debts_changed as (
      update member_debts as d set debt = d.debt + o.debt
      from unnest(${debts.map((d) => d.tenantId)}::text[], ${debts.map((d) => d.memberId)}::text[], ${debts.map((d) => d.debt)}::bigint[]) as o(tenant_id, member_id, debt)
      where d.tenant_id = o.tenant_id and d.member_id = o.member_id
      returning d.tenant_id, d.member_id),
    debts_new as (
      insert into member_debts (tenant_id, member_id, debt)
      select o.tenant_id, o.member_id, o.debt
      from unnest(${debts.map((d) => d.tenantId)}::text[], ${debts.map((d) => d.memberId)}::text[], ${debts.map((d) => d.debt)}::bigint[]) as o(tenant_id, member_id, debt)
      where not exists (select 1 from debts_changed c where c.tenant_id = o.tenant_id and c.member_id = o.member_id)),
    offsets as (
      update consumer_offsets as o set next_offset = v.next, updated_at = now()
      from unnest(${advanced.map((a) => a.topic)}::text[], ${advanced.map((a) => a.partition)}::int[], ${advanced.map((a) => a.next)}::bigint[]) as v(topic, partition, next)
      where o.consumer = ${consumer} and o.topic = v.topic and o.partition = v.partition)
    select 1`.execute(trx);
}
