// The Postgres ceiling the projector works under: how many ledger entries per second the stack's
// server commits when written the way the projector writes them (apply-ledger-batch.ts: one
// `insert ... select * from unnest($1::text[], ...)` per transaction, every value an array
// parameter), with nothing else in the transaction. The rows go to a throwaway table created
// `like ledger_entries including all` in the benchmark's migrated database, so it has the real
// table's columns, defaults, primary key and member index as the migrations define them today;
// it is dropped afterwards (and the database with it).
import { randomUUID } from 'node:crypto';
import { type DatabaseConfig } from '@loyalty/config';
import { type Client } from 'pg';
import { percentile } from '../ingestion/percentile';
import { benchMemberId } from '../ingestion/purchase-factory';
import { clientOf } from './throwaway-database';
import { type RegisterCleanup } from './register-cleanup';

export interface PostgresRawSpec {
  /** The benchmark's migrated database (it holds ledger_entries to copy the shape from). */
  readonly database: DatabaseConfig;
  readonly runId: string;
  readonly tenantId: string;
  readonly warmupS: number;
  readonly durationS: number;
  /** Rows per transaction (one insert statement). */
  readonly batchSize: number;
  /** Connections, each with one transaction in flight. */
  readonly connections: number;
}

export interface PostgresRawResult {
  readonly table: string;
  readonly durationS: number;
  readonly rows: number;
  readonly failedTransactions: number;
  readonly firstError: string | undefined;
  /** Latency of one whole transaction (begin, the insert of batchSize rows, commit), not of a row. */
  readonly p50Ms: number;
  readonly p99Ms: number;
}

/** The columns the projector fills, in its order; the others keep the table's defaults. */
const INSERT = (table: string) => `
  insert into ${table} (tenant_id, event_id, member_id, event_type, currency, points, bucket_id, transaction_id, occurred_at, recorded_at, program_version, log_partition, log_offset)
  select * from unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::bigint[], $7::text[], $8::text[], $9::text[], $10::text[], $11::text[], $12::int[], $13::bigint[])`;

export async function measurePostgresRawLimit(spec: PostgresRawSpec, registerCleanup: RegisterCleanup): Promise<PostgresRawResult> {
  // runId is hex from a UUID; checked anyway, since it is spliced into DDL as an identifier.
  if (!/^[0-9a-f]+$/.test(spec.runId)) throw new Error(`run id ${spec.runId} is not usable in a table name`);
  const table = `bench_raw_ledger_entries_${spec.runId}`;
  // A 2,000-row transaction takes well under a second; one still running after a minute means a
  // stuck server, and must fail the phase rather than hold the run until the watchdog.
  const writers = Array.from({ length: spec.connections }, (_, i) => clientOf(spec.database, `pg-raw-w${i}`, { statement_timeout: 60_000 }));
  const admin = clientOf(spec.database, 'pg-raw-admin', { lock_timeout: 30_000 });
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
  registerCleanup(`drop table ${table}`, teardown);
  try {
    await admin.connect();
    await admin.query(`create table ${table} (like ledger_entries including all)`);
    await Promise.all(writers.map((w) => w.connect()));

    let sequence = 0;
    const nextParams = (): unknown[] => {
      const cols: unknown[][] = Array.from({ length: 13 }, () => []);
      const at = new Date().toISOString();
      for (let i = 0; i < spec.batchSize; i += 1) {
        sequence += 1;
        const earn = sequence % 10 !== 0;
        const values = [
          spec.tenantId,
          randomUUID(),
          benchMemberId(sequence),
          earn ? 'PointsEarned' : 'PointsSpent',
          earn ? 'permanent' : null,
          earn ? 50 + (sequence % 900) : -(100 + (sequence % 700)),
          earn ? randomUUID() : null,
          earn ? `bench-${spec.runId}-${sequence}` : null,
          at,
          at,
          'demo-2026-11-01',
          sequence % 12,
          Math.floor(sequence / 12),
        ];
        values.forEach((v, c) => cols[c]?.push(v));
      }
      return cols;
    };
    const insert = INSERT(table);

    interface Window {
      rows: number;
      failedTransactions: number;
      firstError: string | undefined;
      latencies: number[];
    }
    const run = async (seconds: number): Promise<Window & { durationS: number }> => {
      const window: Window = { rows: 0, failedTransactions: 0, firstError: undefined, latencies: [] };
      const started = Date.now();
      const end = started + seconds * 1_000;
      const worker = async (client: Client) => {
        while (Date.now() < end) {
          const params = nextParams();
          const begunAt = performance.now();
          try {
            // An explicit transaction, as the projector applies a fetch in one.
            await client.query('begin');
            await client.query(insert, params);
            await client.query('commit');
            window.rows += spec.batchSize;
            window.latencies.push(performance.now() - begunAt);
          } catch (error) {
            await client.query('rollback').catch(() => undefined);
            window.failedTransactions += 1;
            window.firstError ??= error instanceof Error ? error.message : String(error);
            // A broken server fails every transaction at once; no point spinning until the deadline.
            if (window.failedTransactions > 20) return;
          }
        }
      };
      await Promise.all(writers.map(worker));
      return { ...window, durationS: (Date.now() - started) / 1_000 };
    };

    console.error(`[bench] postgres raw limit: warm-up ${spec.warmupS} s on table ${table}`);
    await run(spec.warmupS);
    console.error(`[bench] postgres raw limit: measuring ${spec.durationS} s (transactions of ${spec.batchSize} rows, ${spec.connections} connections)`);
    const measured = await run(spec.durationS);
    const sorted = [...measured.latencies].sort((a, b) => a - b);
    return {
      table,
      durationS: measured.durationS,
      rows: measured.rows,
      failedTransactions: measured.failedTransactions,
      firstError: measured.firstError,
      p50Ms: percentile(sorted, 50),
      p99Ms: percentile(sorted, 99),
    };
  } finally {
    await teardown();
  }
}
