import { sql } from 'kysely';
import { type DatabaseConfig } from '@loyalty/config';
import { LEDGER_MIGRATIONS, createDatabase, migrateToLatest } from '@loyalty/db';
import { createTestDatabase, dropTestDatabase } from '@loyalty/testing';

/** The ledger's migrations up to (not including) `name`: the schema a live projection had before it. */
const migrationsBefore = (name: string) => ({
  name: 'ledger' as const,
  migrations: Object.fromEntries(Object.entries(LEDGER_MIGRATIONS.migrations).filter(([n]) => n < name)),
});

describe('upgrading a live ledger projection to 2026-11-22T08-00_ledger-tiers', () => {
  let config: DatabaseConfig;

  beforeEach(async () => {
    config = await createTestDatabase();
  });

  afterEach(async () => {
    await dropTestDatabase(config);
  });

  it('keeps the qualifying points members had (the sum over their currencies), and gives every member with history a row', async () => {
    const db = createDatabase(config, 'test-upgrade');
    try {
      await migrateToLatest(db, migrationsBefore('2026-11-22T08-00_ledger-tiers'));
      await sql`
        insert into ledger_entries (tenant_id, event_id, member_id, event_type, points, occurred_at, recorded_at, log_partition, log_offset)
        values ('acme', 'e1', 'm-1', 'PointsEarned', 100, 't', 't', 0, 0), ('acme', 'e2', 'm-1', 'PointsEarned', 20, 't', 't', 0, 1),
               ('acme', 'e3', 'm-2', 'PointsReversed', -5, 't', 't', 0, 2)`.execute(db);
      await sql`
        insert into member_balances (tenant_id, member_id, currency, active, pending, qualifying, updated_at)
        values ('acme', 'm-1', 'permanent', 100, 0, 100, 't'), ('acme', 'm-1', 'temporary', 20, 0, 20, 't')`.execute(db);

      expect(await migrateToLatest(db, LEDGER_MIGRATIONS)).toEqual(['2026-11-22T08-00_ledger-tiers']);

      const rows = await db.selectFrom('member_tiers').selectAll().orderBy('member_id').execute();
      expect(rows).toEqual([
        { tenant_id: 'acme', member_id: 'm-1', qualifying_points: 120, tier_id: null, tier_changed_at: null, tier_reason: null, tier_program_version: null, custom_tiers: [] },
        { tenant_id: 'acme', member_id: 'm-2', qualifying_points: 0, tier_id: null, tier_changed_at: null, tier_reason: null, tier_program_version: null, custom_tiers: [] },
      ]);
    } finally {
      await db.destroy();
    }
  });
});
