import { type Kysely, type Transaction, sql } from 'kysely';
import { type Database } from '@loyalty/db';
import { type LedgerBatch } from '@loyalty/kafka';
import { holdApplyLockShared } from '../rebuild/projection-swap';
import { type LedgerRowChanges, type MovementKind, projectLedgerEvent } from './ledger.projection';

/** A partition whose fetch starts past the stored offset: nothing applied, resume from `from`. */
export interface PartitionGap {
  readonly topic: string;
  readonly partition: number;
  readonly from: string;
}

/** What a new bucket adds to its member's balance. */
type BalanceDelta = { tenant_id: string; member_id: string; currency: string; active: number; pending: number; qualifying: number; recorded_at: string };

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

    const applied = await insertNewEntries(trx, changes);
    const created = await insertBuckets(trx, applied);
    await moveAndSettle(trx, consumer, applied, created, advanced);
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

/** Inserts the ledger entries; returns the changes whose event was not applied before. */
async function insertNewEntries(trx: Transaction<Database>, changes: readonly LedgerRowChanges[]): Promise<LedgerRowChanges[]> {
  if (changes.length === 0) return [];
  const col = <T>(f: (e: LedgerRowChanges['entry']) => T) => changes.map((c) => f(c.entry));
  const { rows: inserted } = await sql<{ tenant_id: string; event_id: string }>`
    insert into ledger_entries (tenant_id, event_id, member_id, event_type, currency, points, bucket_id, transaction_id, occurred_at, recorded_at, program_version, log_partition, log_offset, cause_id, reason, buckets, debt_delta)
    select * from unnest(
      ${col((e) => e.tenant_id)}::text[], ${col((e) => e.event_id)}::text[], ${col((e) => e.member_id)}::text[], ${col((e) => e.event_type)}::text[],
      ${col((e) => e.currency ?? null)}::text[], ${col((e) => e.points)}::bigint[], ${col((e) => e.bucket_id ?? null)}::text[], ${col((e) => e.transaction_id ?? null)}::text[],
      ${col((e) => e.occurred_at)}::text[], ${col((e) => e.recorded_at)}::text[], ${col((e) => e.program_version ?? null)}::text[],
      ${col((e) => e.log_partition)}::int[], ${col((e) => e.log_offset)}::bigint[],
      ${col((e) => e.cause_id ?? null)}::text[], ${col((e) => e.reason ?? null)}::text[], ${col((e) => (typeof e.buckets === 'string' ? e.buckets : '[]'))}::jsonb[], ${col((e) => e.debt_delta ?? 0)}::bigint[])
    on conflict (tenant_id, event_id) do nothing
    returning tenant_id, event_id`.execute(trx);
  const fresh = new Set(inserted.map((r) => `${r.tenant_id}\u0000${r.event_id}`));
  // A batch may carry the same event twice (a resend landing close to the original): first one wins.
  const seen = new Set<string>();
  return changes.filter((c) => {
    const id = `${c.entry.tenant_id}\u0000${c.entry.event_id}`;
    if (!fresh.has(id) || seen.has(id)) return false;
    seen.add(id);
    return true;
  });
}

/** Inserts the new buckets; returns what each adds to its member's balance. */
async function insertBuckets(trx: Transaction<Database>, changes: readonly LedgerRowChanges[]): Promise<BalanceDelta[]> {
  const buckets = changes.flatMap((c) => (c.newBucket === null ? [] : [c.newBucket]));
  if (buckets.length === 0) return [];
  const col = <T>(f: (b: (typeof buckets)[number]) => T) => buckets.map(f);
  const recordedAt = new Map(changes.flatMap((c) => (c.newBucket === null ? [] : [[`${c.newBucket.tenant_id}\u0000${c.newBucket.bucket_id}`, c.entry.recorded_at] as const])));
  const { rows } = await sql<{ tenant_id: string; bucket_id: string; member_id: string; currency: string; pending: boolean; remaining: number; amount: number }>`
    insert into point_buckets (tenant_id, bucket_id, member_id, currency, amount, remaining, pending, earned_at, active_from, expires_at, source_transaction_id)
    select * from unnest(
      ${col((b) => b.tenant_id)}::text[], ${col((b) => b.bucket_id)}::text[], ${col((b) => b.member_id)}::text[], ${col((b) => b.currency)}::text[],
      ${col((b) => b.amount)}::bigint[], ${col((b) => b.remaining)}::bigint[], ${col((b) => b.pending)}::boolean[], ${col((b) => b.earned_at)}::text[],
      ${col((b) => b.active_from)}::text[], ${col((b) => b.expires_at ?? null)}::text[], ${col((b) => b.source_transaction_id ?? null)}::text[])
    on conflict (tenant_id, bucket_id) do nothing
    returning tenant_id, bucket_id, member_id, currency, pending, remaining, amount`.execute(trx);
  // Points earned active qualify at once; pending ones when they are activated.
  return rows.map((b) => ({
    tenant_id: b.tenant_id,
    member_id: b.member_id,
    currency: b.currency,
    active: b.pending ? 0 : b.remaining,
    pending: b.pending ? b.remaining : 0,
    qualifying: b.pending ? 0 : b.amount,
    recorded_at: recordedAt.get(`${b.tenant_id}\u0000${b.bucket_id}`) ?? '',
  }));
}

/**
 * In one statement: moves points in existing buckets (summed per bucket), adds the moves and the
 * new buckets to the balances (a move counts where its points went: spent, reversed or debited;
 * it lowers active or pending as the bucket is, and qualifying unless it is a spend), adds the
 * debts, and advances the offsets. The buckets of this batch were inserted by an earlier
 * statement, so a spend of one of them finds it.
 */
async function moveAndSettle(
  trx: Transaction<Database>,
  consumer: string,
  changes: readonly LedgerRowChanges[],
  created: readonly BalanceDelta[],
  advanced: readonly { topic: string; partition: number; next: number }[],
): Promise<void> {
  const perKind = new Map<string, { tenant: string; bucketId: string; kind: MovementKind; delta: number; recordedAt: string }>();
  const debts = new Map<string, { tenant: string; member: string; debt: number }>();
  for (const c of changes) {
    for (const m of c.bucketMovements) {
      const key = JSON.stringify([c.entry.tenant_id, m.bucketId, m.kind]);
      const row = perKind.get(key) ?? { tenant: c.entry.tenant_id, bucketId: m.bucketId, kind: m.kind, delta: 0, recordedAt: '' };
      row.delta += m.delta;
      if (c.entry.recorded_at > row.recordedAt) row.recordedAt = c.entry.recorded_at;
      perKind.set(key, row);
    }
    if (c.debtDelta !== 0) {
      const key = JSON.stringify([c.entry.tenant_id, c.entry.member_id]);
      const row = debts.get(key) ?? { tenant: c.entry.tenant_id, member: c.entry.member_id, debt: 0 };
      row.debt += c.debtDelta;
      debts.set(key, row);
    }
  }
  const moves = [...perKind.values()].filter((m) => m.delta !== 0);
  const owed = [...debts.values()].filter((d) => d.debt !== 0);
  if (moves.length === 0 && created.length === 0 && owed.length === 0 && advanced.length === 0) return;
  await sql`
    with movement as (
      select * from unnest(${moves.map((m) => m.tenant)}::text[], ${moves.map((m) => m.bucketId)}::text[], ${moves.map((m) => m.kind)}::text[], ${moves.map((m) => m.delta)}::bigint[],
        ${moves.map((m) => m.recordedAt)}::text[])
        as m(tenant_id, bucket_id, kind, delta, recorded_at)),
    moved as (
      update point_buckets as b set remaining = b.remaining + t.delta
      from (select tenant_id, bucket_id, sum(delta)::bigint as delta from movement group by tenant_id, bucket_id) as t
      where b.tenant_id = t.tenant_id and b.bucket_id = t.bucket_id
      returning b.tenant_id, b.bucket_id, b.member_id, b.currency, b.pending),
    deltas as (
      select b.tenant_id, b.member_id, b.currency,
        case when b.pending then 0 else m.delta end as active,
        case when b.pending then m.delta else 0 end as pending,
        case when m.kind = 'spent' then -m.delta else 0 end as spent,
        case when m.kind = 'reversed' then -m.delta else 0 end as reversed,
        case when m.kind = 'debited' then -m.delta else 0 end as debited,
        case when m.kind <> 'spent' and not b.pending then m.delta else 0 end as qualifying,
        m.recorded_at
      from moved b join movement m using (tenant_id, bucket_id)
      union all
      select tenant_id, member_id, currency, active, pending, 0, 0, 0, qualifying, recorded_at
      from unnest(${created.map((d) => d.tenant_id)}::text[], ${created.map((d) => d.member_id)}::text[], ${created.map((d) => d.currency)}::text[],
        ${created.map((d) => d.active)}::bigint[], ${created.map((d) => d.pending)}::bigint[], ${created.map((d) => d.qualifying)}::bigint[],
        ${created.map((d) => d.recorded_at)}::text[])
        as c(tenant_id, member_id, currency, active, pending, qualifying, recorded_at)),
    balances as (
      insert into member_balances (tenant_id, member_id, currency, active, pending, spent, reversed, debited, qualifying, updated_at)
      select tenant_id, member_id, currency, sum(active)::bigint, sum(pending)::bigint, sum(spent)::bigint, sum(reversed)::bigint, sum(debited)::bigint, sum(qualifying)::bigint, max(recorded_at)
      from deltas group by tenant_id, member_id, currency
      on conflict (tenant_id, member_id, currency) do update set
        active = member_balances.active + excluded.active, pending = member_balances.pending + excluded.pending,
        spent = member_balances.spent + excluded.spent, reversed = member_balances.reversed + excluded.reversed,
        debited = member_balances.debited + excluded.debited, qualifying = member_balances.qualifying + excluded.qualifying,
        -- The recording time of the latest event that changed the row, however events were batched.
        updated_at = greatest(member_balances.updated_at, excluded.updated_at)),
    -- Existing debts change in place; an upsert would check the constraint (debt >= 0) on the
    -- proposed row, the bare delta, and refuse a repayment of a debt recorded in an earlier batch.
    debts_changed as (
      update member_debts as d set debt = d.debt + o.debt
      from unnest(${owed.map((d) => d.tenant)}::text[], ${owed.map((d) => d.member)}::text[], ${owed.map((d) => d.debt)}::bigint[]) as o(tenant_id, member_id, debt)
      where d.tenant_id = o.tenant_id and d.member_id = o.member_id
      returning d.tenant_id, d.member_id),
    debts_new as (
      insert into member_debts (tenant_id, member_id, debt)
      select o.tenant_id, o.member_id, o.debt
      from unnest(${owed.map((d) => d.tenant)}::text[], ${owed.map((d) => d.member)}::text[], ${owed.map((d) => d.debt)}::bigint[]) as o(tenant_id, member_id, debt)
      where not exists (select 1 from debts_changed c where c.tenant_id = o.tenant_id and c.member_id = o.member_id)),
    offsets as (
      update consumer_offsets as o set next_offset = v.next, updated_at = now()
      from unnest(${advanced.map((a) => a.topic)}::text[], ${advanced.map((a) => a.partition)}::int[], ${advanced.map((a) => a.next)}::bigint[]) as v(topic, partition, next)
      where o.consumer = ${consumer} and o.topic = v.topic and o.partition = v.partition)
    select 1`.execute(trx);
}
