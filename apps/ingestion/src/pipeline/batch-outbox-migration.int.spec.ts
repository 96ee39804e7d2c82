import { type Kysely, sql } from 'kysely';
import { type DatabaseConfig } from '@loyalty/config';
import { createTestDatabase, dropTestDatabase } from '@loyalty/testing';
import { INGESTION_MIGRATIONS, type MigrationSet, createDatabase, migrateToLatest } from '@loyalty/db';

const WRITE_MODEL = '2026-11-22T01-00_ingestion-write-model';
const BATCH_OUTBOX = '2026-11-22T06-00_ingestion-batch-outbox';

function migration(name: string) {
  const found = INGESTION_MIGRATIONS.migrations[name];
  if (found === undefined) throw new Error(`no ingestion migration ${name}`);
  return found;
}

const BEFORE_BATCHES: MigrationSet = { name: 'ingestion', migrations: { [WRITE_MODEL]: migration(WRITE_MODEL) } };

describe('migration 2026-11-22T06-00: the outbox moves to one row per batch', () => {
  let config: DatabaseConfig;
  let db: Kysely<unknown>;

  beforeEach(async () => {
    config = await createTestDatabase();
    db = createDatabase(config, 'test') as unknown as Kysely<unknown>;
    await migrateToLatest(db, BEFORE_BATCHES);
    // One command published before the upgrade, one still waiting in the per-command outbox.
    await sql`
      insert into ingestion_commands (tenant_id, command_key, member_id, request_hash, status, summary, event_ids, published, position)
      values ('acme', 'purchase:t1', 'm-1', 'h1', 202, '{}', '["e1"]', true, 'v1.0.4'),
             ('acme', 'purchase:t2', 'm-1', 'h2', 202, '{}', '["e2","e3"]', false, null)`.execute(db);
    await sql`
      insert into ingestion_outbox (tenant_id, command_key, member_id, seq, events)
      select tenant_id, command_key, member_id, seq, '[{"id":"e2"},{"id":"e3"}]' from ingestion_commands where command_key = 'purchase:t2'`.execute(db);
  });

  afterEach(async () => {
    await db.destroy();
    await dropTestDatabase(config);
  });

  it('keeps every event still waiting: it becomes an unpublished batch linked to its command', async () => {
    await migrateToLatest(db, INGESTION_MIGRATIONS);

    const { rows: batches } = await sql<{ batch_id: number; member_keys: string[]; commands: unknown; events: unknown }>`
      select batch_id, member_keys, commands, events from ingestion_batches`.execute(db);
    expect(batches).toEqual([
      { batch_id: batches[0]?.batch_id, member_keys: ['["acme","m-1"]'], commands: [['acme', 'purchase:t2', 2]], events: [{ id: 'e2' }, { id: 'e3' }] },
    ]);
    const { rows: commands } = await sql<{ command_key: string; batch_id: number | null; batch_index: number | null; position: string | null }>`
      select command_key, batch_id, batch_index, position from ingestion_commands order by command_key`.execute(db);
    expect(commands).toEqual([
      { command_key: 'purchase:t1', batch_id: null, batch_index: null, position: 'v1.0.4' },
      { command_key: 'purchase:t2', batch_id: batches[0]?.batch_id, batch_index: 0, position: null },
    ]);
  });

  it('down puts unpublished events back in the per-command outbox and published positions on their commands', async () => {
    await migrateToLatest(db, INGESTION_MIGRATIONS);
    // A batch published after the upgrade: its position must survive the downgrade.
    await sql`update ingestion_batches set events = null, positions = '["v1.2.9"]'`.execute(db);
    await sql`
      with batch as (insert into ingestion_batches (member_keys, commands, events) values ('{"[\\"acme\\",\\"m-2\\"]"}', '[["acme","purchase:t3",1]]', '[{"id":"e4"}]') returning batch_id)
      insert into ingestion_commands (tenant_id, command_key, member_id, request_hash, status, summary, event_ids, published, position, batch_id, batch_index)
      values ('acme', 'purchase:t3', 'm-2', 'h3', 202, '{}', '["e4"]', false, null, (select batch_id from batch), 0)`.execute(db);

    await migration(BATCH_OUTBOX).down?.(db);

    const { rows: outbox } = await sql<{ command_key: string; events: unknown }>`select command_key, events from ingestion_outbox`.execute(db);
    expect(outbox).toEqual([{ command_key: 'purchase:t3', events: [{ id: 'e4' }] }]);
    const { rows: commands } = await sql<{ command_key: string; published: boolean; position: string | null }>`
      select command_key, published, position from ingestion_commands order by command_key`.execute(db);
    expect(commands).toEqual([
      { command_key: 'purchase:t1', published: true, position: 'v1.0.4' },
      { command_key: 'purchase:t2', published: true, position: 'v1.2.9' },
      { command_key: 'purchase:t3', published: false, position: null },
    ]);
  });
});
