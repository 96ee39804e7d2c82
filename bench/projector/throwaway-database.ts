// A database of the benchmark's own on the stack's Postgres (same server, credentials and
// settings), created per run with the ledger's migrations applied, and dropped afterwards: the
// projector phases write nothing into the stack's `loyalty` database.
import { type DatabaseConfig } from '@loyalty/config';
import { LEDGER_MIGRATIONS, createDatabase, migrateToLatest } from '@loyalty/db';
import { type Client } from 'pg';
import { type RegisterCleanup } from '../shared/cleanup';
import { type SessionLimits, pgClient } from '../shared/pg-client';

const THROWAWAY = /^bench_projector_[0-9a-f]+(_[a-z]+)?$/;

async function onMaintenance<T>(stack: DatabaseConfig, work: (client: Client) => Promise<T>): Promise<T> {
  // Connected to the stack's own database: `create/drop database` may run from any other one.
  const client = pgClient(stack, 'bench-projector-admin');
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end().catch(() => undefined);
  }
}

/**
 * Creates `bench_projector_<runId>[_<suffix>]` and migrates it with LEDGER_MIGRATIONS (what the
 * projector would do at start, done here so it is not timed). The drop is registered before the
 * database exists, and uses `with (force)`, so a session left open by a killed projector does not
 * keep it alive.
 */
export async function createThrowawayDatabase(stack: DatabaseConfig, runId: string, suffix: string, registerCleanup: RegisterCleanup): Promise<DatabaseConfig> {
  const name = suffix === '' ? `bench_projector_${runId}` : `bench_projector_${runId}_${suffix}`;
  if (!THROWAWAY.test(name)) throw new Error(`${name} is not a benchmark database name`);
  registerCleanup(`drop database ${name}`, () => onMaintenance(stack, (c) => c.query(`drop database if exists "${name}" with (force)`)).then(() => undefined));
  await onMaintenance(stack, (c) => c.query(`create database "${name}"`));
  const config: DatabaseConfig = { ...stack, database: name };
  const db = createDatabase(config, 'bench-projector-migrate');
  try {
    await migrateToLatest(db, LEDGER_MIGRATIONS);
  } finally {
    await db.destroy();
  }
  return config;
}

/** A session of the projector benchmark, named `bench-projector-<role>`. */
export function clientOf(config: DatabaseConfig, role: string, limits: SessionLimits = {}): Client {
  return pgClient(config, `bench-projector-${role}`, limits);
}
