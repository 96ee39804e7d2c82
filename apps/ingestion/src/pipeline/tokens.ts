/** Injection token of ingestion's Kysely instance (its write model). */
export const INGESTION_DATABASE = Symbol('IngestionDatabase');
