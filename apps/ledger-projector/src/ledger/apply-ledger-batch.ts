import { type Kysely, type Transaction, sql } from 'kysely';
import { type Database } from '@loyalty/db';
import { type LedgerBatch } from '@loyalty/kafka';
import { type LedgerRowChanges, projectLedgerEvent } from './ledger.projection';

/**
 * Applies one batch of one partition exactly once: the rows and the consumer's next offset are
 * written in one transaction. The offset row is locked first, so two instances racing through a
 * rebalance serialise, and events below the stored offset (redeliveries) are skipped. The event id
 * primary key is a second guard: a duplicate event at a new offset (a resent purchase) adds nothing.
 */
export async function applyLedgerBatch(db: Kysely<Database>, consumer: string, batch: LedgerBatch): Promise<{ applied: number }> {
  return db.transaction().execute(async (trx) => {
    const stored = await lockOffset(trx, consumer, batch.topic, batch.partition);
    const fresh = batch.events.filter((e) => BigInt(e.offset) >= BigInt(stored));
    const changes = fresh
      .map((e) => projectLedgerEvent(e.event, { partition: batch.partition, offset: Number(e.offset) }))
      .filter((c): c is LedgerRowChanges => c !== null);

    const applied = await insertNewEntries(trx, changes);
    await insertBuckets(trx, applied);
    await addToBalances(trx, applied);

    if (BigInt(batch.nextOffset) > BigInt(stored)) {
      await trx
        .updateTable('consumer_offsets')
        .set({ next_offset: Number(batch.nextOffset), updated_at: sql`now()` })
        .where('consumer', '=', consumer)
        .where('topic', '=', batch.topic)
        .where('partition', '=', batch.partition)
        .execute();
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

async function insertBuckets(trx: Transaction<Database>, changes: readonly LedgerRowChanges[]): Promise<void> {
  const buckets = changes.flatMap((c) => (c.bucket === null ? [] : [c.bucket]));
  if (buckets.length === 0) return;
  await trx.insertInto('point_buckets').values(buckets).onConflict((oc) => oc.columns(['tenant_id', 'bucket_id']).doNothing()).execute();
}

/** One upsert per member and currency for the whole batch, summing the batch's deltas first. */
async function addToBalances(trx: Transaction<Database>, changes: readonly LedgerRowChanges[]): Promise<void> {
  const totals = new Map<string, { tenant_id: string; member_id: string; currency: string; active: number; pending: number; updated_at: string }>();
  for (const c of changes) {
    if (c.balanceDelta === null) continue;
    const key = JSON.stringify([c.entry.tenant_id, c.entry.member_id, c.balanceDelta.currency]);
    const row = totals.get(key) ?? { tenant_id: c.entry.tenant_id, member_id: c.entry.member_id, currency: c.balanceDelta.currency, active: 0, pending: 0, updated_at: c.entry.recorded_at };
    row.active += c.balanceDelta.active;
    row.pending += c.balanceDelta.pending;
    row.updated_at = c.entry.recorded_at;
    totals.set(key, row);
  }
  if (totals.size === 0) return;
  await trx
    .insertInto('member_balances')
    .values([...totals.values()])
    .onConflict((oc) =>
      oc.columns(['tenant_id', 'member_id', 'currency']).doUpdateSet({
        active: sql`member_balances.active + excluded.active`,
        pending: sql`member_balances.pending + excluded.pending`,
        updated_at: sql`excluded.updated_at`,
      }),
    )
    .execute();
}
