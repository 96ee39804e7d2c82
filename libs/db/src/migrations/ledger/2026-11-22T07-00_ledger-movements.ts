import { type Kysely, sql } from 'kysely';

// Shipped migrations never change; a new change is a new file.
//
// Where every point went: balances split by what happened to the points, history rows that name
// their cause and the buckets they touched, and an index for upcoming expirations.
export async function up(db: Kysely<unknown>): Promise<void> {
  // Per member and currency, beside active and pending: points spent on redemptions (net of
  // cancellations), reversed by returns, debited by operators, expired; and qualifying points
  // (active points earned, less those reversed, debited or expired; spending does not lower them).
  await sql`
    alter table member_balances
      add column spent bigint not null default 0,
      add column reversed bigint not null default 0,
      add column debited bigint not null default 0,
      add column expired bigint not null default 0,
      add column qualifying bigint not null default 0`.execute(db);

  // The cause of a movement beyond its type: the redemption, return, adjustment or purchase id;
  // the operator's reason; the buckets it touched, with signed points; and what it changed in the
  // member's debt. With these the history alone explains a balance at any moment (`asOf`).
  await sql`
    alter table ledger_entries
      add column cause_id text,
      add column reason text,
      add column buckets jsonb not null default '[]'::jsonb,
      add column debt_delta bigint not null default 0`.execute(db);

  await sql`create index point_buckets_expiring_idx on point_buckets (tenant_id, member_id, expires_at) where remaining > 0 and expires_at is not null`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop index point_buckets_expiring_idx`.execute(db);
  await sql`alter table ledger_entries drop column cause_id, drop column reason, drop column buckets, drop column debt_delta`.execute(db);
  await sql`alter table member_balances drop column spent, drop column reversed, drop column debited, drop column expired, drop column qualifying`.execute(db);
}
