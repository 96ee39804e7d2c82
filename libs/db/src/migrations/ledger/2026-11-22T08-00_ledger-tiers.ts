import { type Kysely, sql } from 'kysely';

// Shipped migrations never change; a new change is a new file.
//
// What the rules service's events change: when a bucket became active or expired, each member's
// qualifying points and tiers, and the history of their tiers (so a balance `asOf` can say which
// tier the member held then).
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`alter table point_buckets add column activated_at text, add column expired_at text`.execute(db);

  // One row per member with a point movement or a tier event. Qualifying points count all
  // currencies together (the figure tiers are measured on, as the rules service counts it). The
  // threshold tier is null until the member's first TierChanged (they hold the ladder's first
  // level); custom tiers are the assigned ones (vip, employee), sorted.
  await db.schema
    .createTable('member_tiers')
    .addColumn('tenant_id', 'text', (c) => c.notNull())
    .addColumn('member_id', 'text', (c) => c.notNull())
    .addColumn('qualifying_points', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('tier_id', 'text')
    .addColumn('tier_changed_at', 'text')
    .addColumn('tier_reason', 'text')
    .addColumn('tier_program_version', 'text')
    .addColumn('custom_tiers', 'jsonb', (c) => c.notNull().defaultTo(sql`'[]'::jsonb`))
    .addPrimaryKeyConstraint('member_tiers_pk', ['tenant_id', 'member_id'])
    .execute();

  // Every TierChanged, CustomTierAssigned and CustomTierRevoked: the key guards against applying
  // one twice, as ledger_entries' does for point movements.
  await db.schema
    .createTable('member_tier_history')
    .addColumn('tenant_id', 'text', (c) => c.notNull())
    .addColumn('event_id', 'text', (c) => c.notNull())
    .addColumn('member_id', 'text', (c) => c.notNull())
    .addColumn('event_type', 'text', (c) => c.notNull())
    // The tier reached (TierChanged), or the custom tier assigned or revoked.
    .addColumn('tier', 'text', (c) => c.notNull())
    .addColumn('from_tier', 'text')
    .addColumn('direction', 'text')
    .addColumn('reason', 'text')
    .addColumn('qualifying_points', 'bigint')
    .addColumn('custom_tiers', 'jsonb')
    .addColumn('effective_at', 'text', (c) => c.notNull())
    .addColumn('recorded_at', 'text', (c) => c.notNull())
    .addColumn('program_version', 'text')
    .addColumn('log_partition', 'integer', (c) => c.notNull())
    .addColumn('log_offset', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('member_tier_history_pk', ['tenant_id', 'event_id'])
    .execute();
  await db.schema.createIndex('member_tier_history_member_idx').on('member_tier_history').columns(['tenant_id', 'member_id', 'log_offset']).execute();

  // A return's reversal finds the currency of the purchase's bucket by its transaction.
  await sql`create index point_buckets_transaction_idx on point_buckets (tenant_id, member_id, source_transaction_id) where source_transaction_id is not null`.execute(db);

  // Members projected before this migration keep the qualifying points they had (the sum of the
  // per-currency column), so their answers stay as they were until a rebuild recounts them.
  await sql`
    insert into member_tiers (tenant_id, member_id, qualifying_points)
    select e.tenant_id, e.member_id, coalesce(sum(b.qualifying), 0)
    from (select distinct tenant_id, member_id from ledger_entries) e
    left join member_balances b on b.tenant_id = e.tenant_id and b.member_id = e.member_id
    group by e.tenant_id, e.member_id`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop index point_buckets_transaction_idx`.execute(db);
  await db.schema.dropTable('member_tier_history').execute();
  await db.schema.dropTable('member_tiers').execute();
  await sql`alter table point_buckets drop column activated_at, drop column expired_at`.execute(db);
}
