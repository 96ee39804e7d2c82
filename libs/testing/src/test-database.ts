import { type DatabaseConfig } from '@loyalty/config';
import { ALL_MIGRATION_SETS, createDatabase, migrateToLatest } from '@loyalty/db';
import pg from 'pg';
import { testStack } from './test-stack';
import { uniqueTestId } from './unique-id';

const TEST_DATABASE = /^test_[a-z0-9]+$/;

async function admin<T>(work: (client: pg.Client) => Promise<T>): Promise<T> {
  const { database } = testStack();
  const client = new pg.Client({ host: database.host, port: database.port, user: database.user, password: database.password, database: database.adminDatabase });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/** A fresh, empty database for one spec (names always start with `test_`). */
export async function createTestDatabase(): Promise<DatabaseConfig> {
  const name = `test_${uniqueTestId('d')}`;
  await admin((c) => c.query(`create database "${name}"`));
  const { database } = testStack();
  return { host: database.host, port: database.port, database: name, user: database.user, password: database.password, poolSize: 5 };
}

/** A fresh database with the schema migrated. */
export async function createMigratedTestDatabase(): Promise<DatabaseConfig> {
  const config = await createTestDatabase();
  const db = createDatabase(config, 'test-migrate');
  try {
    for (const set of ALL_MIGRATION_SETS) await migrateToLatest(db, set);
  } finally {
    await db.destroy();
  }
  return config;
}

/** Drops a spec's database; refuses any database that is not a test database. */
export async function dropTestDatabase(config: DatabaseConfig): Promise<void> {
  if (!TEST_DATABASE.test(config.database)) throw new Error(`refusing to drop non-test database ${config.database}`);
  await admin(async (c) => {
    // A pool's end() (Kysely's destroy) resolves before its connections have closed: a forced
    // drop now would terminate one still closing, and its client raises that as an unhandled
    // error. Wait (briefly) for them to go; connections something still holds are forced.
    for (let wait = 0; wait < 20; wait++) {
      const { rows } = await c.query<{ n: number }>('select count(*)::int as n from pg_stat_activity where datname = $1', [config.database]);
      if (rows[0]?.n === 0) break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    await c.query(`drop database if exists "${config.database}" with (force)`);
  });
}
