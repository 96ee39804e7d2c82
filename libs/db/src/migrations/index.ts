import { type Migration } from 'kysely';
import * as ledgerSkeleton from './2026-11-22T00-00_ledger-skeleton';

/**
 * Every migration, by timestamped name. Listed statically (not read from disk) so the services run
 * the same from source, from a bundle or from a container image.
 */
export const MIGRATIONS: Readonly<Record<string, Migration>> = {
  '2026-11-22T00-00_ledger-skeleton': ledgerSkeleton,
};
