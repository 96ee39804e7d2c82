import { type Kysely, sql } from 'kysely';

// Shipped migrations never change; a new change is a new file.
export async function up(db: Kysely<unknown>): Promise<void> {
  // Where the rules consumer stands, written in the same transaction as the state it produced.
  await db.schema
    .createTable('rules_offsets')
    .addColumn('consumer', 'text', (c) => c.notNull())
    .addColumn('topic', 'text', (c) => c.notNull())
    .addColumn('partition', 'integer', (c) => c.notNull())
    .addColumn('next_offset', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('rules_offsets_pk', ['consumer', 'topic', 'partition'])
    .execute();

  await db.schema
    .createTable('rules_members')
    .addColumn('tenant_id', 'text', (c) => c.notNull())
    .addColumn('member_id', 'text', (c) => c.notNull())
    .addColumn('tier', 'text')
    .addColumn('tier_changed_at', 'text')
    .addColumn('qualifying', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('custom_tiers', sql`text[]`, (c) => c.notNull().defaultTo(sql`'{}'`))
    .addColumn('last_drop', 'text')
    .addColumn('grace_tier', 'text')
    .addColumn('grace_threshold', 'bigint')
    .addColumn('grace_until', 'timestamptz')
    .addColumn('grace_cause', 'text')
    .addColumn('risk_announced', 'text')
    .addColumn('offer_due_for', 'text')
    .addColumn('awaiting_tier_changes', sql`text[]`, (c) => c.notNull().defaultTo(sql`'{}'`))
    .addPrimaryKeyConstraint('rules_members_pk', ['tenant_id', 'member_id'])
    .execute();
  // The day's second half visits only members whose grace ends or who are owed an offer.
  await sql`create index rules_members_grace_idx on rules_members (tenant_id, grace_until) where grace_until is not null`.execute(db);
  await sql`create index rules_members_offer_idx on rules_members (tenant_id) where offer_due_for is not null`.execute(db);

  // Only buckets that will still change by time: pending ones and ones that expire.
  await db.schema
    .createTable('rules_buckets')
    .addColumn('tenant_id', 'text', (c) => c.notNull())
    .addColumn('bucket_id', 'text', (c) => c.notNull())
    .addColumn('member_id', 'text', (c) => c.notNull())
    .addColumn('currency', 'text', (c) => c.notNull())
    .addColumn('remaining', 'bigint', (c) => c.notNull())
    .addColumn('pending', 'boolean', (c) => c.notNull())
    .addColumn('active_from', 'timestamptz', (c) => c.notNull())
    .addColumn('expires_at', 'timestamptz')
    .addColumn('expired', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('warned', 'boolean', (c) => c.notNull().defaultTo(false))
    .addPrimaryKeyConstraint('rules_buckets_pk', ['tenant_id', 'bucket_id'])
    .execute();
  await db.schema.createIndex('rules_buckets_member_idx').on('rules_buckets').columns(['tenant_id', 'member_id']).execute();
  await sql`create index rules_buckets_activation_idx on rules_buckets (tenant_id, active_from) where pending`.execute(db);
  await sql`create index rules_buckets_expiry_idx on rules_buckets (tenant_id, expires_at) where not expired and expires_at is not null`.execute(db);

  // Events whose second folding would count twice (earnings, spends, reversals, debits).
  await db.schema
    .createTable('rules_applied_events')
    .addColumn('tenant_id', 'text', (c) => c.notNull())
    .addColumn('event_id', 'text', (c) => c.notNull())
    .addColumn('applied_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('rules_applied_events_pk', ['tenant_id', 'event_id'])
    .execute();

  // Decided events and commands, written with the state that decided them; a relay publishes them in order.
  await db.schema
    .createTable('rules_outbox')
    .addColumn('seq', 'bigserial', (c) => c.primaryKey())
    .addColumn('kind', 'text', (c) => c.notNull().check(sql`kind in ('event', 'command')`))
    .addColumn('payload', 'jsonb', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();

  // The members whose points the day in progress activates or expires: their tier is
  // re-evaluated once all of the day's movements are folded (product.md's order).
  await db.schema
    .createTable('rules_day_members')
    .addColumn('tenant_id', 'text', (c) => c.notNull())
    .addColumn('member_id', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('rules_day_members_pk', ['tenant_id', 'member_id'])
    .execute();

  // Each tenant's day runs: the last day completed and the phase of the one in progress.
  await db.schema
    .createTable('rules_tenants')
    .addColumn('tenant_id', 'text', (c) => c.primaryKey())
    .addColumn('last_day_done', 'text', (c) => c.notNull())
    .addColumn('phase', 'text', (c) => c.notNull().defaultTo('idle'))
    .addColumn('phase_state', 'jsonb', (c) => c.notNull().defaultTo(sql`'{}'::jsonb`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of ['rules_day_members', 'rules_tenants', 'rules_outbox', 'rules_applied_events', 'rules_buckets', 'rules_members', 'rules_offsets']) {
    await db.schema.dropTable(table).ifExists().execute();
  }
}
