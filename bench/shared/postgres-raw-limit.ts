// The Postgres ceiling, as both harnesses measure it: how many rows per second the stack's server
// commits when written the way the services write theirs (one multi-row
// `insert ... select * from unnest($1::text[], ...)` per transaction, every value an array
// parameter), a few transactions in flight, nothing else in the transaction. Everything but the
// table is the same in both; each harness passes its table's shape (its DDL, its insert and how to
// fill one transaction's rows). The table is throwaway: named per run, its drop registered before
// it exists, dropped afterwards.
import { type DatabaseConfig } from '@loyalty/config';
import { type RegisterCleanup } from './cleanup';
import { pgClient } from './pg-client';
import { type TimedWritesResult, measureTimedWrites } from './timed-writes';

export interface PostgresRawSpec {
  readonly database: DatabaseConfig;
  readonly runId: string;
  readonly warmupS: number;
  readonly durationS: number;
  /** Rows per transaction (one insert statement). */
  readonly batchSize: number;
  /** Connections, each with one transaction in flight. */
  readonly connections: number;
}

export interface PostgresRawShape {
  /** The table's name before the run id. */
  readonly tablePrefix: string;
  /** What follows `create table <table>`. */
  readonly definition: string;
  /** The insert statement into `table`. */
  readonly insert: (table: string) => string;
  /** The insert's parameters for one transaction of batchSize rows. */
  readonly nextParams: () => unknown[];
  /** The application_name of a session: `role` is `w<i>` for the writers and `admin`. */
  readonly sessionName: (role: string) => string;
}

/** `units` are rows and `failures` transactions. */
export interface PostgresRawResult extends TimedWritesResult {
  readonly table: string;
}

export async function measurePostgresRawInserts(spec: PostgresRawSpec, shape: PostgresRawShape, registerCleanup: RegisterCleanup): Promise<PostgresRawResult> {
  // runId is hex from a UUID; checked anyway, since it is spliced into DDL as an identifier.
  if (!/^[0-9a-f]+$/.test(spec.runId)) throw new Error(`run id ${spec.runId} is not usable in a table name`);
  const table = `${shape.tablePrefix}${spec.runId}`;
  // A transaction of a few thousand rows takes well under a second; one still running after a
  // minute means a stuck server, and must fail the phase rather than hold the run until the watchdog.
  const writers = Array.from({ length: spec.connections }, (_, i) => pgClient(spec.database, shape.sessionName(`w${i}`), { statement_timeout: 60_000 }));
  // The drop must not wait forever on a writer's lock if a writer's session outlives it.
  const admin = pgClient(spec.database, shape.sessionName('admin'), { lock_timeout: 30_000 });

  let dropped = false;
  const teardown = async () => {
    // Writers first: ending a session aborts its open transaction, releasing the lock the drop needs.
    await Promise.all(writers.map((w) => w.end().catch(() => undefined)));
    if (!dropped) {
      dropped = true;
      await admin.query(`drop table if exists ${table}`).catch((e: unknown) => console.error(`[bench] could not drop table ${table}: ${String(e)}`));
    }
    await admin.end().catch(() => undefined);
  };
  // Registered before the table exists: an interrupted run must not leave it behind.
  registerCleanup(`drop table ${table}`, teardown);
  try {
    await admin.connect();
    await admin.query(`create table ${table} ${shape.definition}`);
    await Promise.all(writers.map((w) => w.connect()));
    const insert = shape.insert(table);
    const measured = await measureTimedWrites({
      title: 'postgres raw limit',
      target: `table ${table}`,
      shape: `(transactions of ${spec.batchSize} rows, ${spec.connections} connections)`,
      warmupS: spec.warmupS,
      durationS: spec.durationS,
      workers: writers,
      next: shape.nextParams,
      write: async (client, params) => {
        try {
          // An explicit transaction, as the services write a batch in one.
          await client.query('begin');
          await client.query(insert, params);
          await client.query('commit');
          return spec.batchSize;
        } catch (error) {
          await client.query('rollback').catch(() => undefined);
          throw error;
        }
      },
    });
    return { ...measured, table };
  } finally {
    await teardown();
  }
}
