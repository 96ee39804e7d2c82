import { type Kysely, sql } from 'kysely';

// Shipped migrations never change; a new change is a new file.
export async function up(db: Kysely<unknown>): Promise<void> {
  // One row per member: the small part of the decision state, and the lock that serialises a
  // member's decisions across ingestion instances.
  await db.schema
    .createTable('ingestion_members')
    .addColumn('tenant_id', 'text', (c) => c.notNull())
    .addColumn('member_id', 'text', (c) => c.notNull())
    .addColumn('enrolled', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('custom_tiers', 'jsonb', (c) => c.notNull().defaultTo(sql`'[]'::jsonb`))
    .addColumn('debt', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('activity_counts', 'jsonb', (c) => c.notNull().defaultTo(sql`'{}'::jsonb`))
    .addColumn('offers', 'jsonb', (c) => c.notNull().defaultTo(sql`'{}'::jsonb`))
    .addPrimaryKeyConstraint('ingestion_members_pk', ['tenant_id', 'member_id'])
    .execute();

  // The large, growing parts live in their own rows, so a decision reads only what it needs.
  await db.schema
    .createTable('ingestion_buckets')
    .addColumn('tenant_id', 'text', (c) => c.notNull())
    .addColumn('bucket_id', 'text', (c) => c.notNull())
    .addColumn('member_id', 'text', (c) => c.notNull())
    .addColumn('currency', 'text', (c) => c.notNull())
    .addColumn('amount', 'bigint', (c) => c.notNull())
    .addColumn('remaining', 'bigint', (c) => c.notNull())
    .addColumn('pending', 'boolean', (c) => c.notNull())
    .addColumn('earned_at', 'text', (c) => c.notNull())
    .addColumn('active_from', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'text')
    .addColumn('owed', 'bigint', (c) => c.notNull().defaultTo(0))
    .addPrimaryKeyConstraint('ingestion_buckets_pk', ['tenant_id', 'bucket_id'])
    .addCheckConstraint('ingestion_buckets_remaining_ck', sql`remaining >= 0 and remaining <= amount`)
    .execute();
  await sql`create index ingestion_buckets_spendable_idx on ingestion_buckets (tenant_id, member_id) where remaining > 0`.execute(db);

  await db.schema
    .createTable('ingestion_transactions')
    .addColumn('tenant_id', 'text', (c) => c.notNull())
    .addColumn('member_id', 'text', (c) => c.notNull())
    .addColumn('transaction_id', 'text', (c) => c.notNull())
    .addColumn('bucket_id', 'text')
    .addColumn('lines', 'jsonb', (c) => c.notNull())
    .addPrimaryKeyConstraint('ingestion_transactions_pk', ['tenant_id', 'member_id', 'transaction_id'])
    .execute();

  await db.schema
    .createTable('ingestion_redemptions')
    .addColumn('tenant_id', 'text', (c) => c.notNull())
    .addColumn('member_id', 'text', (c) => c.notNull())
    .addColumn('redemption_id', 'text', (c) => c.notNull())
    .addColumn('points', 'bigint', (c) => c.notNull())
    .addColumn('buckets', 'jsonb', (c) => c.notNull())
    .addColumn('cancelled', 'boolean', (c) => c.notNull())
    .addPrimaryKeyConstraint('ingestion_redemptions_pk', ['tenant_id', 'member_id', 'redemption_id'])
    .execute();

  // Every command ever decided, by its storefront key: the idempotency record (small rows).
  await db.schema
    .createTable('ingestion_commands')
    .addColumn('tenant_id', 'text', (c) => c.notNull())
    .addColumn('command_key', 'text', (c) => c.notNull())
    .addColumn('seq', 'bigserial', (c) => c.notNull())
    .addColumn('member_id', 'text', (c) => c.notNull())
    .addColumn('request_hash', 'text', (c) => c.notNull())
    .addColumn('status', 'integer', (c) => c.notNull())
    .addColumn('summary', 'jsonb', (c) => c.notNull())
    .addColumn('event_ids', 'jsonb', (c) => c.notNull())
    .addColumn('published', 'boolean', (c) => c.notNull())
    .addColumn('position', 'text')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('ingestion_commands_pk', ['tenant_id', 'command_key'])
    .execute();

  // The outbox: a command's events until Kafka acknowledged them; deleted then, so the large
  // JSON is written once and never rewritten.
  await db.schema
    .createTable('ingestion_outbox')
    .addColumn('tenant_id', 'text', (c) => c.notNull())
    .addColumn('command_key', 'text', (c) => c.notNull())
    .addColumn('member_id', 'text', (c) => c.notNull())
    .addColumn('seq', 'bigint', (c) => c.notNull())
    .addColumn('events', 'jsonb', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('ingestion_outbox_pk', ['tenant_id', 'command_key'])
    .execute();
  await db.schema.createIndex('ingestion_outbox_member_idx').on('ingestion_outbox').columns(['tenant_id', 'member_id', 'seq']).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of ['ingestion_outbox', 'ingestion_commands', 'ingestion_redemptions', 'ingestion_transactions', 'ingestion_buckets', 'ingestion_members']) {
    await db.schema.dropTable(table).execute();
  }
}
