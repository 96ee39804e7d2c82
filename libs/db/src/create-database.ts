import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import { type DatabaseConfig } from '@loyalty/config';
import { type Database } from './schema/database';

const INT8_OID = 20;
const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

/** Points and offsets are bigint columns; read them as numbers, refusing any beyond 2^53. */
function parseInt8(value: string): number {
  const n = Number(value);
  if (!Number.isSafeInteger(n)) throw new RangeError(`bigint ${value} exceeds the safe integer range`);
  return n;
}

/**
 * A Kysely instance over a pg pool. Close it with `db.destroy()`. With `searchPath`, unqualified
 * table names resolve in that schema (a projection version being rebuilt).
 *
 * @example
 * const db = createDatabase(parseEnv(databaseEnvSchema, process.env));
 */
/** Per-connection settings: the schema names resolve in, and whether commits wait for the WAL flush. */
export interface ConnectionOptions {
  readonly searchPath?: string;
  /** `off` only for work that is redone from scratch after a crash (a projection being rebuilt). */
  readonly synchronousCommit?: 'off';
}

export function createDatabase(config: DatabaseConfig, applicationName = 'loyalty-ledger', options: ConnectionOptions & { pool?: pg.Pool } = {}): Kysely<Database> {
  return new Kysely<Database>({ dialect: new PostgresDialect({ pool: options.pool ?? createPool(config, applicationName, options) }) });
}

/**
 * The pg pool under a Kysely instance, for the few hot queries that run as named prepared
 * statements (planned once per connection, not on every call); pass it to createDatabase too.
 */
export function createPool(config: DatabaseConfig, applicationName: string, options: ConnectionOptions = {}): pg.Pool {
  if (options.searchPath !== undefined && !SCHEMA_NAME.test(options.searchPath)) throw new Error(`invalid schema name ${options.searchPath}`);
  const settings = [
    // A projection version lives in a schema of its own: every connection of this pool resolves
    // unqualified table names there, so the same queries and migrations serve every version.
    ...(options.searchPath === undefined ? [] : [`-c search_path=${options.searchPath}`]),
    ...(options.synchronousCommit === undefined ? [] : [`-c synchronous_commit=${options.synchronousCommit}`]),
  ];
  return new pg.Pool({
    host: config.host,
    port: config.port,
    database: config.database,
    user: config.user,
    password: config.password,
    max: config.poolSize,
    application_name: applicationName,
    ...(settings.length === 0 ? {} : { options: settings.join(' ') }),
    connectionTimeoutMillis: 5_000,
    types: {
      getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
        oid === INT8_OID ? parseInt8 : pg.types.getTypeParser(oid, format as 'text')) as typeof pg.types.getTypeParser,
    },
  });
}
