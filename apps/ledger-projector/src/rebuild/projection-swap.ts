import { type Kysely, type Transaction, sql } from 'kysely';
import { type Database } from '@loyalty/db';
import { LEDGER_PROJECTION_TABLES, LIVE_SCHEMA } from './projection-schemas';

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
