import { Migrator, type Kysely } from 'kysely';
import { MIGRATIONS } from './migrations';

/**
 * Brings the schema to the latest migration; throws naming the migration that failed.
 *
 * @example
 * await migrateToLatest(db); // ['2026-11-22T00-00_ledger-skeleton'] on a fresh database
 */
export async function migrateToLatest<DB>(db: Kysely<DB>): Promise<string[]> {
  const migrator = new Migrator({ db, provider: { getMigrations: () => Promise.resolve({ ...MIGRATIONS }) } });
  const { error, results = [] } = await migrator.migrateToLatest();
  const failed = results.find((r) => r.status === 'Error');
  if (error !== undefined) {
    throw new Error(`migration ${failed?.migrationName ?? '(unknown)'} failed: ${String((error as Error).message ?? error)}`, { cause: error });
  }
  return results.filter((r) => r.status === 'Success').map((r) => r.migrationName);
}
