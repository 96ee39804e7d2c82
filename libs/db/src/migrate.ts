import { Migrator, type Kysely } from 'kysely';
import { type MigrationSet } from './migrations';

/**
 * Brings one service's tables to its latest migration; throws naming the migration that failed.
 *
 * @example
 * await migrateToLatest(db, LEDGER_MIGRATIONS); // ['2026-11-22T00-00_ledger-skeleton'] on a fresh database
 */
export async function migrateToLatest<DB>(db: Kysely<DB>, set: MigrationSet, options: { schema?: string } = {}): Promise<string[]> {
  const migrator = new Migrator({
    db,
    provider: { getMigrations: () => Promise.resolve({ ...set.migrations }) },
    migrationTableName: `kysely_migrations_${set.name}`,
    migrationLockTableName: `kysely_migrations_${set.name}_lock`,
    // A projection version in its own schema keeps its own bookkeeping there (with `db` resolving
    // unqualified names in that schema, see createDatabase's searchPath).
    ...(options.schema === undefined ? {} : { migrationTableSchema: options.schema }),
  });
  const { error, results = [] } = await migrator.migrateToLatest();
  const failed = results.find((r) => r.status === 'Error');
  if (error !== undefined) {
    throw new Error(`migration ${set.name}/${failed?.migrationName ?? '(unknown)'} failed: ${String((error as Error).message ?? error)}`, { cause: error });
  }
  return results.filter((r) => r.status === 'Success').map((r) => r.migrationName);
}
