import { type Kysely, sql } from 'kysely';

// Shipped migrations never change; a new change is a new file.
export async function up(db: Kysely<unknown>): Promise<void> {
  // One row per member: the state decisions are made on, locked per command batch.
  await db.schema
    .createTable('ingestion_members')
    .addColumn('tenant_id', 'text', (c) => c.notNull())
    .addColumn('member_id', 'text', (c) => c.notNull())
    .addColumn('state', 'jsonb', (c) => c.notNull())
    .addColumn('version', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('ingestion_members_pk', ['tenant_id', 'member_id'])
    .execute();

  // Every command ever decided, by its storefront key: the idempotency record and the outbox.
  await db.schema
    .createTable('ingestion_commands')
    .addColumn('tenant_id', 'text', (c) => c.notNull())
    .addColumn('command_key', 'text', (c) => c.notNull())
    .addColumn('seq', 'bigserial', (c) => c.notNull())
    .addColumn('member_id', 'text', (c) => c.notNull())
    .addColumn('request_hash', 'text', (c) => c.notNull())
    .addColumn('status', 'integer', (c) => c.notNull())
    .addColumn('summary', 'jsonb', (c) => c.notNull())
    .addColumn('events', 'jsonb', (c) => c.notNull())
    .addColumn('published', 'boolean', (c) => c.notNull())
    .addColumn('position', 'text')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('ingestion_commands_pk', ['tenant_id', 'command_key'])
    .execute();
  await sql`create index ingestion_commands_unpublished_idx on ingestion_commands (tenant_id, member_id, seq) where not published`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('ingestion_commands').execute();
  await db.schema.dropTable('ingestion_members').execute();
}
