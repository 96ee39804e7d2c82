/** Injection token of the projector's Kysely instance. */
export const DATABASE = Symbol('Database');

/** The pg pool under DATABASE, for the hot reads that run as named prepared statements. */
export const QUERY_POOL = Symbol('QueryPool');
