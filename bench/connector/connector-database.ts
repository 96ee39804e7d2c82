// Databases of the benchmark's own on the stack's Postgres (same server, credentials and settings),
// created per run with the services' migrations applied (what they do at start, done here so it is
// not timed), and dropped afterwards `with (force)`: nothing is written into the stack's database.
import { type DatabaseConfig } from '@loyalty/config';
import { CONNECTOR_MIGRATIONS, INGESTION_MIGRATIONS, type MigrationSet, RULES_MIGRATIONS, createDatabase, migrateToLatest } from '@loyalty/db';
import { type Client } from 'pg';
import { type RegisterCleanup } from '../shared/cleanup';
import { pgClient } from '../shared/pg-client';

const THROWAWAY = /^bench_connector_[0-9a-f]+(_[a-z0-9]+)?$/;

export const MIGRATIONS = { connector: CONNECTOR_MIGRATIONS, ingestion: INGESTION_MIGRATIONS, rules: RULES_MIGRATIONS } as const;

async function onMaintenance<T>(stack: DatabaseConfig, work: (client: Client) => Promise<T>): Promise<T> {
  const client = pgClient(stack, 'bench-connector-admin');
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** Creates `bench_connector_<runId>[_<suffix>]` with `sets` migrated; its drop is registered first. */
export async function createBenchDatabase(stack: DatabaseConfig, name: string, sets: readonly MigrationSet[], registerCleanup: RegisterCleanup): Promise<DatabaseConfig> {
  if (!THROWAWAY.test(name)) throw new Error(`${name} is not a benchmark database name`);
  registerCleanup(`drop database ${name}`, () => onMaintenance(stack, (c) => c.query(`drop database if exists "${name}" with (force)`)).then(() => undefined));
  await onMaintenance(stack, (c) => c.query(`create database "${name}"`));
  const config: DatabaseConfig = { ...stack, database: name };
  const db = createDatabase(config, 'bench-connector-migrate');
  try {
    for (const set of sets) await migrateToLatest(db, set);
  } finally {
    await db.destroy();
  }
  return config;
}
