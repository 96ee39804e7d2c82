import { type Kysely, sql } from 'kysely';

// Shipped migrations never change; a new change is a new file.
export async function up(db: Kysely<unknown>): Promise<void> {
  // Where the connector's feed stands on the ledger, written in the same transaction as the members.
  await db.schema
    .createTable('connector_offsets')
    .addColumn('consumer', 'text', (c) => c.notNull())
    .addColumn('topic', 'text', (c) => c.notNull())
    .addColumn('partition', 'integer', (c) => c.notNull())
    .addColumn('next_offset', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('connector_offsets_pk', ['consumer', 'topic', 'partition'])
    .execute();

  // Each member's standing (tier, buckets) and contact points, folded from the ledger. Contact
  // points live here only: the public topic carries the member id and nothing more personal.
  await db.schema
    .createTable('connector_members')
    .addColumn('tenant_id', 'text', (c) => c.notNull())
    .addColumn('member_id', 'text', (c) => c.notNull())
    .addColumn('snapshot', 'jsonb', (c) => c.notNull())
    .addPrimaryKeyConstraint('connector_members_pk', ['tenant_id', 'member_id'])
    .execute();

  // The members' contact points, written before their events reach the public topic, so a
  // destination always finds the hard id (e-mail, phone, card) of a member it reads about.
  await db.schema
    .createTable('connector_contacts')
    .addColumn('tenant_id', 'text', (c) => c.notNull())
    .addColumn('member_id', 'text', (c) => c.notNull())
    .addColumn('email', 'text')
    .addColumn('phone', 'text')
    .addColumn('loyalty_card_number', 'text')
    .addPrimaryKeyConstraint('connector_contacts_pk', ['tenant_id', 'member_id'])
    .execute();

  // The delivery journal: one row per destination and event, the truth of "already delivered".
  // `sending` means a request carrying the event may be at the vendor right now.
  await db.schema
    .createTable('connector_deliveries')
    .addColumn('destination', 'text', (c) => c.notNull())
    .addColumn('event_id', 'text', (c) => c.notNull())
    .addColumn('tenant_id', 'text', (c) => c.notNull())
    .addColumn('member_id', 'text', (c) => c.notNull())
    .addColumn('event_type', 'text', (c) => c.notNull())
    .addColumn('occurred_at', 'text', (c) => c.notNull())
    .addColumn('partition', 'integer', (c) => c.notNull())
    .addColumn('offset', 'bigint', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull().check(sql`status in ('sending', 'retrying', 'delivered', 'dead')`))
    .addColumn('delivery_id', 'text', (c) => c.notNull())
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('reason', 'text')
    .addColumn('dead_letter', 'jsonb')
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('connector_deliveries_pk', ['destination', 'event_id'])
    .execute();
  await sql`create index connector_deliveries_member_idx on connector_deliveries (tenant_id, member_id, destination)`.execute(db);
  await sql`create index connector_deliveries_position_idx on connector_deliveries (destination, partition, "offset")`.execute(db);
  await sql`create index connector_deliveries_open_idx on connector_deliveries (destination, status) where status <> 'delivered'`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('connector_deliveries').execute();
  await db.schema.dropTable('connector_contacts').execute();
  await db.schema.dropTable('connector_members').execute();
  await db.schema.dropTable('connector_offsets').execute();
}
