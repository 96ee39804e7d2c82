import { type Kysely, type Transaction, sql } from 'kysely';
import { type Database } from '@loyalty/db';
import { type LedgerBatch } from '@loyalty/kafka';
import { type LedgerRowChanges, projectLedgerEvent } from './ledger.projection';

type BalanceDelta = { tenant_id: string; member_id: string; currency: string; active: number; pending: number };

/**
 * Applies one batch of one partition exactly once: the rows and the consumer's next offset are
 * written in one transaction. The offset row is locked first, so two instances racing through a
 * rebalance serialise, and events below the stored offset (redeliveries) are skipped. The event id
 * primary key is a second guard: a duplicate event at a new offset (a resend) adds nothing.
 */
export function applyLedgerBatch(db: Kysely<Database>, consumer: string, batch: LedgerBatch): Promise<{ applied: number }> {
  return applyLedgerBatches(db, consumer, [batch]);
}

/**
 * The same for batches of several partitions in one transaction (one commit for a whole fetch):
 * offset rows are locked in partition order, so concurrent instances never deadlock.
 */
export async function applyLedgerBatches(db: Kysely<Database>, consumer: string, batches: readonly LedgerBatch[]): Promise<{ applied: number }> {
  const ordered = [...batches].sort((a, b) => (a.topic < b.topic ? -1 : a.topic > b.topic ? 1 : a.partition - b.partition));
  return db.transaction().execute(async (trx) => {
    const changes: LedgerRowChanges[] = [];
    const advanced: { topic: string; partition: number; next: number }[] = [];
    for (const batch of ordered) {
      const stored = await lockOffset(trx, consumer, batch.topic, batch.partition);
      for (const e of batch.events) {
        if (BigInt(e.offset) < BigInt(stored)) continue;
        const change = projectLedgerEvent(e.event, { partition: batch.partition, offset: Number(e.offset) });
        if (change !== null) changes.push(change);
      }
      if (BigInt(batch.nextOffset) > BigInt(stored)) advanced.push({ topic: batch.topic, partition: batch.partition, next: Number(batch.nextOffset) });
    }

    const applied = await insertNewEntries(trx, changes);
    const deltas = [...(await insertBuckets(trx, applied)), ...(await moveBuckets(trx, applied))];
    // Rows carry the time of the events that changed them, never the wall clock: a rebuild matches.
    const lastRecordedAt = applied.at(-1)?.entry.recorded_at ?? '';
    await addToBalances(trx, deltas, lastRecordedAt);
    await addToDebts(trx, applied);

    if (advanced.length > 0) {
      await sql`
        update consumer_offsets as o set next_offset = v.next, updated_at = now()
        from unnest(${advanced.map((a) => a.topic)}::text[], ${advanced.map((a) => a.partition)}::int[], ${advanced.map((a) => a.next)}::bigint[]) as v(topic, partition, next)
        where o.consumer = ${consumer} and o.topic = v.topic and o.partition = v.partition`.execute(trx);
    }
    return { applied: applied.length };
  });
}

async function lockOffset(trx: Transaction<Database>, consumer: string, topic: string, partition: number): Promise<number> {
  await trx
    .insertInto('consumer_offsets')
    .values({ consumer, topic, partition, next_offset: 0 })
    .onConflict((oc) => oc.doNothing())
    .execute();
  const row = await trx
    .selectFrom('consumer_offsets')
    .select('next_offset')
    .where('consumer', '=', consumer)
    .where('topic', '=', topic)
    .where('partition', '=', partition)
    .forUpdate()
    .executeTakeFirstOrThrow();
  return row.next_offset;
}

/** Inserts the ledger entries; returns the changes whose event was not applied before. */
async function insertNewEntries(trx: Transaction<Database>, changes: readonly LedgerRowChanges[]): Promise<LedgerRowChanges[]> {
  if (changes.length === 0) return [];
  const inserted = await trx
    .insertInto('ledger_entries')
    .values(changes.map((c) => c.entry))
    .onConflict((oc) => oc.columns(['tenant_id', 'event_id']).doNothing())
    .returning(['tenant_id', 'event_id'])
    .execute();
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

async function insertBuckets(trx: Transaction<Database>, changes: readonly LedgerRowChanges[]): Promise<BalanceDelta[]> {
  const buckets = changes.flatMap((c) => (c.newBucket === null ? [] : [c.newBucket]));
  if (buckets.length === 0) return [];
  const inserted = await trx
    .insertInto('point_buckets')
    .values(buckets)
    .onConflict((oc) => oc.columns(['tenant_id', 'bucket_id']).doNothing())
    .returning(['tenant_id', 'member_id', 'currency', 'pending', 'remaining'])
    .execute();
  return inserted.map((b) => ({ tenant_id: b.tenant_id, member_id: b.member_id, currency: b.currency, active: b.pending ? 0 : b.remaining, pending: b.pending ? b.remaining : 0 }));
}

/** Moves points in existing buckets (summed per bucket first); the balance follows each bucket's state. */
async function moveBuckets(trx: Transaction<Database>, changes: readonly LedgerRowChanges[]): Promise<BalanceDelta[]> {
  const perBucket = new Map<string, { tenant: string; bucketId: string; delta: number }>();
  for (const c of changes) {
    for (const m of c.bucketMovements) {
      const key = `${c.entry.tenant_id}\u0000${m.bucketId}`;
      const row = perBucket.get(key) ?? { tenant: c.entry.tenant_id, bucketId: m.bucketId, delta: 0 };
      row.delta += m.delta;
      perBucket.set(key, row);
    }
  }
  const moves = [...perBucket.values()].filter((m) => m.delta !== 0);
  if (moves.length === 0) return [];
  const { rows } = await sql<{ tenant_id: string; member_id: string; currency: string; pending: boolean; delta: number }>`
    update point_buckets as b set remaining = b.remaining + v.delta
    from (values ${sql.join(moves.map((m) => sql`(${m.tenant}, ${m.bucketId}, ${m.delta}::bigint)`))}) as v(tenant_id, bucket_id, delta)
    where b.tenant_id = v.tenant_id and b.bucket_id = v.bucket_id
    returning b.tenant_id, b.member_id, b.currency, b.pending, v.delta`.execute(trx);
  return rows.map((r) => ({ tenant_id: r.tenant_id, member_id: r.member_id, currency: r.currency, active: r.pending ? 0 : Number(r.delta), pending: r.pending ? Number(r.delta) : 0 }));
}

/** One upsert per member and currency for the whole batch, summing the batch's deltas first. */
async function addToBalances(trx: Transaction<Database>, deltas: readonly BalanceDelta[], recordedAt: string): Promise<void> {
  const totals = new Map<string, BalanceDelta>();
  for (const d of deltas) {
    const key = JSON.stringify([d.tenant_id, d.member_id, d.currency]);
    const row = totals.get(key) ?? { ...d, active: 0, pending: 0 };
    row.active += d.active;
    row.pending += d.pending;
    totals.set(key, row);
  }
  if (totals.size === 0) return;
  await trx
    .insertInto('member_balances')
    .values([...totals.values()].map((t) => ({ ...t, updated_at: recordedAt })))
    .onConflict((oc) =>
      oc.columns(['tenant_id', 'member_id', 'currency']).doUpdateSet({
        active: sql`member_balances.active + excluded.active`,
        pending: sql`member_balances.pending + excluded.pending`,
        updated_at: sql`excluded.updated_at`,
      }),
    )
    .execute();
}

async function addToDebts(trx: Transaction<Database>, changes: readonly LedgerRowChanges[]): Promise<void> {
  const totals = new Map<string, { tenant_id: string; member_id: string; debt: number }>();
  for (const c of changes) {
    if (c.debtDelta === 0) continue;
    const key = JSON.stringify([c.entry.tenant_id, c.entry.member_id]);
    const row = totals.get(key) ?? { tenant_id: c.entry.tenant_id, member_id: c.entry.member_id, debt: 0 };
    row.debt += c.debtDelta;
    totals.set(key, row);
  }
  if (totals.size === 0) return;
  await trx
    .insertInto('member_debts')
    .values([...totals.values()])
    .onConflict((oc) => oc.columns(['tenant_id', 'member_id']).doUpdateSet({ debt: sql`member_debts.debt + excluded.debt` }))
    .execute();
}
