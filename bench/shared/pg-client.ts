// A Postgres session opened by a benchmark (a raw-limit writer, a watcher, a naive projector, an
// admin session). Both harnesses open theirs the same way: the given database and credentials, a
// bounded connect, and a name of their own so the run's sessions are recognisable in
// pg_stat_activity.
import { type DatabaseConfig } from '@loyalty/config';
import { Client } from 'pg';

export interface SessionLimits {
  readonly statement_timeout?: number;
  readonly lock_timeout?: number;
}

export function pgClient(config: DatabaseConfig, applicationName: string, limits: SessionLimits = {}): Client {
  return new Client({
    host: config.host,
    port: config.port,
    database: config.database,
    user: config.user,
    password: config.password,
    application_name: applicationName,
    connectionTimeoutMillis: 5_000,
    ...limits,
  });
}
