import { type Kysely, sql } from 'kysely';

// Shipped migrations never change; a new change is a new file.
//
// A bucket expired by a PointsExpired (decided on the rules service's command) is closed for good:
// points a cancelled redemption gives back to it are not spendable again, and a second expiry
// command for it decides nothing.
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`alter table ingestion_buckets add column expired boolean not null default false`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`alter table ingestion_buckets drop column expired`.execute(db);
}
