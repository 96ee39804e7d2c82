import { type Migration } from 'kysely';
import * as ingestionWriteModel from './ingestion/2026-11-22T01-00_ingestion-write-model';
import * as ingestionBatchOutbox from './ingestion/2026-11-22T06-00_ingestion-batch-outbox';
import * as ingestionBucketExpired from './ingestion/2026-11-22T09-00_ingestion-bucket-expired';
import * as ledgerSkeleton from './ledger/2026-11-22T00-00_ledger-skeleton';
import * as ledgerMovements from './ledger/2026-11-22T07-00_ledger-movements';
import * as ledgerTiers from './ledger/2026-11-22T08-00_ledger-tiers';
import * as rulesState from './rules/2026-11-22T08-00_rules-state';
import * as connectorState from './connector/2026-11-22T11-00_connector-state';

/**
 * Each service owns its tables and migrates them with its own migration set (and its own Kysely
 * bookkeeping table), so services can share one database in development and have their own in
 * production. Listed statically (not read from disk) so code runs the same from source or an image.
 */
export interface MigrationSet {
  readonly name: 'ledger' | 'ingestion' | 'rules' | 'connector';
  readonly migrations: Readonly<Record<string, Migration>>;
}

export const LEDGER_MIGRATIONS: MigrationSet = {
  name: 'ledger',
  migrations: {
    '2026-11-22T00-00_ledger-skeleton': ledgerSkeleton,
    '2026-11-22T07-00_ledger-movements': ledgerMovements,
    '2026-11-22T08-00_ledger-tiers': ledgerTiers,
  },
};

export const INGESTION_MIGRATIONS: MigrationSet = {
  name: 'ingestion',
  migrations: {
    '2026-11-22T01-00_ingestion-write-model': ingestionWriteModel,
    '2026-11-22T06-00_ingestion-batch-outbox': ingestionBatchOutbox,
    '2026-11-22T09-00_ingestion-bucket-expired': ingestionBucketExpired,
  },
};

export const RULES_MIGRATIONS: MigrationSet = {
  name: 'rules',
  migrations: {
    '2026-11-22T08-00_rules-state': rulesState,
  },
};

export const CONNECTOR_MIGRATIONS: MigrationSet = {
  name: 'connector',
  migrations: {
    '2026-11-22T11-00_connector-state': connectorState,
  },
};

export const ALL_MIGRATION_SETS: readonly MigrationSet[] = [LEDGER_MIGRATIONS, INGESTION_MIGRATIONS, RULES_MIGRATIONS, CONNECTOR_MIGRATIONS];
