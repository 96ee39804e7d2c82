import { type Kysely, sql } from 'kysely';

// Shipped migrations never change; a new change is a new file.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('consumer_offsets')
    .addColumn('consumer', 'text', (c) => c.notNull())
    .addColumn('topic', 'text', (c) => c.notNull())
    .addColumn('partition', 'integer', (c) => c.notNull())
    .addColumn('next_offset', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('consumer_offsets_pk', ['consumer', 'topic', 'partition'])
    .execute();

  await db.schema
    .createTable('ledger_entries')
    .addColumn('tenant_id', 'text', (c) => c.notNull())
    .addColumn('event_id', 'text', (c) => c.notNull())
    .addColumn('member_id', 'text', (c) => c.notNull())
    .addColumn('event_type', 'text', (c) => c.notNull())
    .addColumn('currency', 'text')
    .addColumn('points', 'bigint', (c) => c.notNull())
    .addColumn('bucket_id', 'text')
    .addColumn('transaction_id', 'text')
    .addColumn('occurred_at', 'text', (c) => c.notNull())
    .addColumn('recorded_at', 'text', (c) => c.notNull())
    .addColumn('program_version', 'text')
    .addColumn('log_partition', 'integer', (c) => c.notNull())
    .addColumn('log_offset', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('ledger_entries_pk', ['tenant_id', 'event_id'])
    .execute();
  await db.schema.createIndex('ledger_entries_member_idx').on('ledger_entries').columns(['tenant_id', 'member_id', 'log_offset']).execute();

  await db.schema
    .createTable('member_balances')
    .addColumn('tenant_id', 'text', (c) => c.notNull())
    .addColumn('member_id', 'text', (c) => c.notNull())
    .addColumn('currency', 'text', (c) => c.notNull())
    .addColumn('active', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('pending', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('member_balances_pk', ['tenant_id', 'member_id', 'currency'])
    .execute();

  await db.schema
    .createTable('point_buckets')
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
    .addColumn('source_transaction_id', 'text')
    .addPrimaryKeyConstraint('point_buckets_pk', ['tenant_id', 'bucket_id'])
    .addCheckConstraint('point_buckets_remaining_ck', sql`remaining >= 0 and remaining <= amount`)
    .execute();
  await db.schema.createIndex('point_buckets_member_idx').on('point_buckets').columns(['tenant_id', 'member_id']).execute();

  // Points owed after returns of already-spent points (allow-negative policy): a negative balance.
  await db.schema
    .createTable('member_debts')
    .addColumn('tenant_id', 'text', (c) => c.notNull())
    .addColumn('member_id', 'text', (c) => c.notNull())
    .addColumn('debt', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('member_debts_pk', ['tenant_id', 'member_id'])
    .addCheckConstraint('member_debts_debt_ck', sql`debt >= 0`)
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of ['member_debts', 'point_buckets', 'member_balances', 'ledger_entries', 'consumer_offsets']) {
    await db.schema.dropTable(table).execute();
  }
}
