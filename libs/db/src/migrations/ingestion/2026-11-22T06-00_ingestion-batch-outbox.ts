import { type Kysely, sql } from 'kysely';

// Shipped migrations never change; a new change is a new file.
//
// The outbox moves from one row per command to one row per pipeline batch. Per command it cost an
// outbox insert (two indexes), an outbox delete and an update of the command record once Kafka
// acknowledged; per batch it costs one insert and one update, whatever the batch's size.
export async function up(db: Kysely<unknown>): Promise<void> {
  // A batch's events until Kafka acknowledged them (then `events` is null and `positions` holds
  // each command's consistency token). `member_keys` finds the batches a member's next decision
  // must publish first, so the member's events keep their order in the log.
  await sql`
    create table ingestion_batches (
      batch_id bigserial primary key,
      member_keys text[] not null,
      commands jsonb not null,
      events jsonb,
      positions jsonb,
      created_at timestamptz not null default now()
    )`.execute(db);
  // Unpublished batches are few (in flight, or waiting for Kafka): this index stays tiny.
  await sql`create index ingestion_batches_unpublished_idx on ingestion_batches (batch_id) where events is not null`.execute(db);
  await sql`alter table ingestion_commands add column batch_id bigint, add column batch_index integer`.execute(db);

  // Events still waiting in the old outbox become one batch per command, oldest first: nothing
  // decided is lost by the upgrade.
  const { rows } = await sql<{ tenant_id: string; command_key: string; member_id: string; events: unknown }>`
    select tenant_id, command_key, member_id, events from ingestion_outbox order by seq`.execute(db);
  for (const row of rows) {
    const events = row.events as unknown[];
    await sql`
      with batch as (
        insert into ingestion_batches (member_keys, commands, events)
        values (${[JSON.stringify([row.tenant_id, row.member_id])]}::text[], ${JSON.stringify([[row.tenant_id, row.command_key, events.length]])}::jsonb, ${JSON.stringify(events)}::jsonb)
        returning batch_id)
      update ingestion_commands set batch_id = (select batch_id from batch), batch_index = 0
      where tenant_id = ${row.tenant_id} and command_key = ${row.command_key}`.execute(db);
  }
  await sql`drop table ingestion_outbox`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table ingestion_outbox (
      tenant_id text not null, command_key text not null, member_id text not null, seq bigint not null,
      events jsonb not null, created_at timestamptz not null default now(),
      constraint ingestion_outbox_pk primary key (tenant_id, command_key))`.execute(db);
  await sql`create index ingestion_outbox_member_idx on ingestion_outbox (tenant_id, member_id, seq)`.execute(db);
  // Unpublished batches go back one row per command; their events are split by the counts recorded.
  const { rows } = await sql<{ commands: [string, string, number][]; events: unknown[] }>`
    select commands, events from ingestion_batches where events is not null order by batch_id`.execute(db);
  for (const batch of rows) {
    let offset = 0;
    for (const [tenantId, commandKey, count] of batch.commands) {
      const events = batch.events.slice(offset, offset + count);
      offset += count;
      await sql`
        insert into ingestion_outbox (tenant_id, command_key, member_id, seq, events)
        select tenant_id, command_key, member_id, seq, ${JSON.stringify(events)}::jsonb from ingestion_commands
        where tenant_id = ${tenantId} and command_key = ${commandKey}`.execute(db);
    }
  }
  await sql`
    update ingestion_commands c set published = true, position = b.positions ->> c.batch_index
    from ingestion_batches b where b.batch_id = c.batch_id and b.events is null`.execute(db);
  await sql`alter table ingestion_commands drop column batch_id, drop column batch_index`.execute(db);
  await sql`drop table ingestion_batches`.execute(db);
}
