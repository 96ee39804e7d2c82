import { type Kysely, type Transaction, sql } from 'kysely';
import { type Database } from '@loyalty/db';
import { LEDGER_PROJECTION_TABLES, LIVE_SCHEMA, listProjectionSchemas, previousSchema } from './projection-schemas';

/**
 * The advisory lock between the live projector and a swap: every live apply transaction holds it
 * shared; a swap holds it exclusively, so it waits for the applies in flight and no new one starts
 * until the tables have moved (a blocked apply then resolves table names in the new version).
 */
export const PROJECTION_APPLY_LOCK = 7_310_042_201;

/** Taken first in a live apply transaction, before any table is named. */
export async function holdApplyLockShared(trx: Transaction<Database>): Promise<void> {
  await sql`select pg_advisory_xact_lock_shared(${PROJECTION_APPLY_LOCK}::bigint)`.execute(trx);
}

/** Stops live applies for the rest of this transaction (waiting for those in flight). */
export async function holdApplyLockExclusive(trx: Transaction<Database>): Promise<void> {
  await sql`select pg_advisory_xact_lock(${PROJECTION_APPLY_LOCK}::bigint)`.execute(trx);
}

/** The live projector's stored next offsets, per partition. */
export async function storedOffsets(db: Kysely<Database>, schema: string, consumer: string, topic: string): Promise<Map<number, number>> {
  const { rows } = await sql<{ partition: number; next_offset: number }>`
    select partition, next_offset from ${sql.table(`${schema}.consumer_offsets`)} where consumer = ${consumer} and topic = ${topic}`.execute(db);
  return new Map(rows.map((r) => [r.partition, r.next_offset]));
}

/**
 * Inside a transaction holding the apply lock: the live tables move to `keepAs`, the new version's
 * into the live schema, and the new version's offsets are handed to the live consumer group, which
 * goes on from exactly where the new version stands. All or nothing: DDL is transactional here.
 */
export async function swapProjection(trx: Transaction<Database>, options: { incoming: string; keepAs: string; incomingConsumer: string; liveConsumer: string }): Promise<void> {
  // A partition the outgoing version applied but the incoming one never did gets a row at 0 in the
  // incoming one, so the live projector seeks back to its start instead of going on from its fetch.
  await sql`
    insert into ${sql.table(`${options.incoming}.consumer_offsets`)} (consumer, topic, partition, next_offset)
    select ${options.incomingConsumer}, topic, partition, 0 from ${sql.table(`${LIVE_SCHEMA}.consumer_offsets`)}
    where consumer = ${options.liveConsumer}
    on conflict do nothing`.execute(trx);
  await sql`create schema ${sql.id(options.keepAs)}`.execute(trx);
  for (const table of LEDGER_PROJECTION_TABLES) {
    await sql`alter table ${sql.table(`${LIVE_SCHEMA}.${table}`)} set schema ${sql.id(options.keepAs)}`.execute(trx);
    await sql`alter table ${sql.table(`${options.incoming}.${table}`)} set schema ${sql.id(LIVE_SCHEMA)}`.execute(trx);
  }
  if (options.incomingConsumer !== options.liveConsumer) {
    await sql`delete from ${sql.table(`${LIVE_SCHEMA}.consumer_offsets`)} where consumer = ${options.liveConsumer}`.execute(trx);
    await sql`update ${sql.table(`${LIVE_SCHEMA}.consumer_offsets`)} set consumer = ${options.liveConsumer} where consumer = ${options.incomingConsumer}`.execute(trx);
  }
  await sql`drop schema ${sql.id(options.incoming)}`.execute(trx);
}

/**
 * Makes the newest kept version live again; the version it replaces is kept in turn. The live
 * projector then finds its stored offsets behind its fetches and seeks back, so the restored
 * version catches up with everything appended since it was swapped out. Returns the schema names.
 */
export async function rollbackProjection(db: Kysely<Database>, liveConsumer: string): Promise<{ restored: string; keptAs: string }> {
  const { previous, builds } = await listProjectionSchemas(db);
  const newest = previous.at(-1);
  if (newest === undefined) throw new Error('no kept version to roll back to');
  const restored = previousSchema(newest);
  const keptAs = previousSchema(Math.max(...previous, ...builds) + 1);
  await db.transaction().execute(async (trx) => {
    await holdApplyLockExclusive(trx);
    await swapProjection(trx, { incoming: restored, keepAs: keptAs, incomingConsumer: liveConsumer, liveConsumer });
  });
  return { restored, keptAs };
}
