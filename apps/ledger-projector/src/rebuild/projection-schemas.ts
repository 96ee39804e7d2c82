import { type Kysely, sql } from 'kysely';
import { type DatabaseConfig } from '@loyalty/config';
import { LEDGER_MIGRATIONS, createDatabase, type Database, migrateToLatest } from '@loyalty/db';

/** Where the live projection's tables are: the schema every query resolves by default. */
export const LIVE_SCHEMA = 'public';

/**
 * The tables that make one version of the ledger projection, its migration bookkeeping included.
 * A rebuild builds them all in a schema of their own; a swap moves them all at once.
 */
export const LEDGER_PROJECTION_TABLES = [
  'consumer_offsets',
  'ledger_entries',
  'member_balances',
  'point_buckets',
  'member_debts',
  'member_tiers',
  'member_tier_history',
  'kysely_migrations_ledger',
  'kysely_migrations_ledger_lock',
] as const;

/** A version being built beside the live one. */
export const buildSchema = (version: number): string => `ledger_build_${version}`;
/** A version swapped out, kept for rollback until dropped. */
export const previousSchema = (version: number): string => `ledger_prev_${version}`;

const VERSIONED = /^ledger_(build|prev)_(\d+)$/;

export interface ProjectionSchemas {
  readonly builds: readonly number[];
  readonly previous: readonly number[];
}

/** The projection versions beside the live one. */
export async function listProjectionSchemas(db: Kysely<Database>): Promise<ProjectionSchemas> {
  const { rows } = await sql<{ name: string }>`select nspname as name from pg_namespace where nspname like 'ledger\\_%'`.execute(db);
  const builds: number[] = [];
  const previous: number[] = [];
  for (const { name } of rows) {
    const match = VERSIONED.exec(name);
    if (match === null) continue;
    (match[1] === 'build' ? builds : previous).push(Number(match[2]));
  }
  return { builds: builds.sort((a, b) => a - b), previous: previous.sort((a, b) => a - b) };
}

/** A number no build or kept version uses yet. */
export async function nextProjectionVersion(db: Kysely<Database>): Promise<number> {
  const { builds, previous } = await listProjectionSchemas(db);
  return Math.max(0, ...builds, ...previous) + 1;
}

/**
 * Creates an empty projection version in its own schema, with the same migrations as the live one.
 * Returns a database handle whose unqualified names resolve there.
 */
export async function createProjectionVersion(db: Kysely<Database>, config: DatabaseConfig, schema: string): Promise<Kysely<Database>> {
  await sql`create schema ${sql.id(schema)}`.execute(db);
  // Commits of a version being built need not wait for the WAL flush: a crash loses at most its
  // last transactions, and an unfinished build is started again, never swapped in.
  const build = createDatabase(config, 'ledger-rebuild', { searchPath: schema, synchronousCommit: 'off' });
  try {
    await migrateToLatest(build, LEDGER_MIGRATIONS, { schema });
  } catch (error) {
    await build.destroy();
    throw error;
  }
  return build;
}

export async function dropSchema(db: Kysely<Database>, schema: string): Promise<void> {
  if (!VERSIONED.test(schema)) throw new Error(`refusing to drop ${schema}: not a projection version`);
  await sql`drop schema if exists ${sql.id(schema)} cascade`.execute(db);
}

/**
 * Secondary indexes the apply path reads through: a return finds the currency of its purchase's
 * bucket by them. Without them every batch with a return would scan all buckets built so far.
 */
const INDEXES_APPLY_READS = ['point_buckets_transaction_idx'];

/**
 * Drops the version's secondary (non-unique) indexes while it is bulk-built: every row would
 * otherwise update them one by one. Returns what recreates them, in one pass over the full
 * tables, before the version is compared and swapped in. Unique indexes stay: they deduplicate;
 * so do those the apply path reads through.
 */
export async function deferSecondaryIndexes(db: Kysely<Database>, schema: string): Promise<() => Promise<void>> {
  const { rows } = await sql<{ name: string; definition: string }>`
    select indexname as name, indexdef as definition from pg_indexes
    where schemaname = ${schema} and indexdef not like 'CREATE UNIQUE INDEX%' and indexname <> all(${INDEXES_APPLY_READS}::text[])`.execute(db);
  for (const index of rows) await sql`drop index ${sql.table(`${schema}.${index.name}`)}`.execute(db);
  return async () => {
    for (const index of rows) await sql.raw(index.definition).execute(db);
  };
}
