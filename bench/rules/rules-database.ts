// A database of the benchmark's own on the stack's Postgres (same server, credentials and
// settings), created per run with the rules service's migrations applied, and dropped afterwards:
// the rules phases write nothing into the stack's `loyalty` database.
import { type DatabaseConfig } from '@loyalty/config';
import { RULES_MIGRATIONS, createDatabase, migrateToLatest } from '@loyalty/db';
import { type Client } from 'pg';
import { type RegisterCleanup } from '../shared/cleanup';
import { type SessionLimits, pgClient } from '../shared/pg-client';

const THROWAWAY = /^bench_rules_[0-9a-f]+(_[a-z]+)?$/;

async function onMaintenance<T>(stack: DatabaseConfig, work: (client: Client) => Promise<T>): Promise<T> {
  // Connected to the stack's own database: `create/drop database` may run from any other one.
  const client = pgClient(stack, 'bench-rules-admin');
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end().catch(() => undefined);
  }
}

/**
 * Creates `bench_rules_<runId>_<suffix>` and migrates it with RULES_MIGRATIONS (what the rules
 * service does at start, done here so it is not timed and the daily run can be seeded first). The
 * drop is registered before the database exists, and uses `with (force)`, so a session left open
 * by a killed process does not keep it alive.
 */
export async function createRulesDatabase(stack: DatabaseConfig, runId: string, suffix: string, registerCleanup: RegisterCleanup): Promise<DatabaseConfig> {
  const name = `bench_rules_${runId}_${suffix}`;
  if (!THROWAWAY.test(name)) throw new Error(`${name} is not a benchmark database name`);
  registerCleanup(`drop database ${name}`, () => onMaintenance(stack, (c) => c.query(`drop database if exists "${name}" with (force)`)).then(() => undefined));
  await onMaintenance(stack, (c) => c.query(`create database "${name}"`));
  const config: DatabaseConfig = { ...stack, database: name };
  const db = createDatabase(config, 'bench-rules-migrate');
  try {
    await migrateToLatest(db, RULES_MIGRATIONS);
  } finally {
    await db.destroy();
  }
  return config;
}

/** A session of the rules benchmark, named `bench-rules-<role>`. */
export function rulesClient(config: DatabaseConfig, role: string, limits: SessionLimits = {}): Client {
  return pgClient(config, `bench-rules-${role}`, limits);
}
