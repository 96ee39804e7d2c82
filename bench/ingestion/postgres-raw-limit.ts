// The other ceiling ingestion works under: how many rows/s Postgres commits on this machine when
// written the way ingestion writes its command records (command-store.ts `insertCommands`): one
// multi-row `insert ... select * from unnest($1::text[], ...)` per transaction, a few transactions
// in flight, the stack's own server and settings (durable commits: fsync and synchronous_commit
// as the stack runs them). The rows go to a throwaway table shaped like ingestion_commands, named
// per run and dropped afterwards. Ingestion writes three rows per purchase (command record, bucket,
// transaction) plus its share of the batch's outbox row, so its purchases/s is a fraction of this
// well below 1.
import { randomBytes, randomUUID } from 'node:crypto';
import { Client, type ClientConfig } from 'pg';
import { type DatabaseConfig } from '@loyalty/config';
import { percentile } from './percentile';
import { benchMemberId } from './purchase-factory';

export interface PostgresRawSpec {
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
  /** Average JSON text sent per row (both jsonb columns), to check the rows are the size claimed. */
  readonly jsonBytesPerRow: number;
  /** Latency of one whole transaction (begin, the insert of batchSize rows, commit), not of a row. */
  readonly p50Ms: number;
  readonly p99Ms: number;
}

/**
 * ingestion_commands' columns and primary key, as `insertCommands` fills them. Left out: the seq
 * bigserial, created_at and the batch columns, so this is the cost of the bare row writes,
 * a ceiling rather than a replica of ingestion's table.
 */
const columns = `
  tenant_id text not null,
  command_key text not null,
  member_id text not null,
  request_hash text not null,
  status integer not null,
  summary jsonb not null,
  events jsonb not null,
  published boolean not null,
  position text,
  primary key (tenant_id, command_key)`;

interface Rows {
  tenantIds: string[];
  commandKeys: string[];
  memberIds: string[];
  requestHashes: string[];
  statuses: number[];
  summaries: string[];
  events: string[];
  published: boolean[];
  positions: (string | null)[];
}

/** A purchase's stored events as ingestion writes them (PurchaseRecorded + PointsEarned, ~1.5 KB of JSON with the summary). */
function purchaseEvents(tenantId: string, memberId: string, transactionId: string, at: string): unknown[] {
  const metadata = () => ({
    eventId: randomUUID(),
    tenantId,
    memberId,
    occurredAt: at,
    recordedAt: at,
    causationId: null,
    correlationId: randomUUID(),
    schemaVersion: 1,
    programVersion: 'demo-2026-11-01',
  });
  return [
    {
      type: 'PurchaseRecorded',
      metadata: metadata(),
      data: {
        transactionId,
        channel: 'web',
        moneyCurrency: 'EUR',
        totalMinor: 24_499,
        lines: [
          { lineId: '1', sku: 'SKI-001', category: 'ski-equipment', quantity: 1, unitPriceMinor: 19_999, discountMinor: 0, amountMinor: 19_999 },
          { lineId: '2', sku: 'TEE-01', category: 'apparel', quantity: 2, unitPriceMinor: 2_500, discountMinor: 500, amountMinor: 4_500 },
        ],
      },
    },
    {
      type: 'PointsEarned',
      metadata: metadata(),
      data: {
        bucketId: randomUUID(),
        points: 689,
        basePoints: 689,
        multiplierHundredths: 100,
        debtRecovered: 0,
        currency: 'permanent',
        pending: false,
        earnedAt: at,
        activeFrom: at,
        expiresAt: null,
        source: {
          kind: 'PURCHASE',
          sourceId: transactionId,
          lines: [
            { lineId: '1', category: 'ski-equipment', amountMinor: 19_999, points: 599 },
            { lineId: '2', category: 'apparel', amountMinor: 4_500, points: 90 },
          ],
        },
      },
    },
  ];
}

export async function measurePostgresRawLimit(spec: PostgresRawSpec, registerCleanup: (name: string, fn: () => Promise<void>) => void): Promise<PostgresRawResult> {
  // runId is hex from a UUID; checked anyway, since it is spliced into DDL as an identifier.
  if (!/^[0-9a-f]+$/.test(spec.runId)) throw new Error(`run id ${spec.runId} is not usable in a table name`);
  const table = `bench_pg_raw_${spec.runId}`;
  const { host, port, database, user, password } = spec.database;
  const clientConfig = (role: string, extra: ClientConfig): ClientConfig => ({
    host,
    port,
    database,
    user,
    password,
    // Named, so the run's sessions are recognisable in pg_stat_activity.
    application_name: `bench-pg-raw-${spec.runId}-${role}`,
    connectionTimeoutMillis: 5_000,
    ...extra,
  });
  // A transaction of 500 rows takes well under a second; one still running after a minute means a
  // stuck server, and must fail the phase rather than hold the run until the watchdog.
  const writers = Array.from({ length: spec.connections }, (_, i) => new Client(clientConfig(`w${i}`, { statement_timeout: 60_000 })));
  // The drop must not wait forever on a writer's lock if a writer's session outlives it.
  const admin = new Client(clientConfig('admin', { lock_timeout: 30_000 }));

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
    await admin.query(`create table ${table} (${columns})`);
    await Promise.all(writers.map((w) => w.connect()));

    let sequence = 0;
    let jsonBytes = 0;
    let jsonRows = 0;
    const nextRows = (): Rows => {
      const at = new Date().toISOString();
      const rows: Rows = { tenantIds: [], commandKeys: [], memberIds: [], requestHashes: [], statuses: [], summaries: [], events: [], published: [], positions: [] };
      for (let i = 0; i < spec.batchSize; i += 1) {
        sequence += 1;
        const transactionId = `bench-${spec.runId}-${sequence}`;
        const memberId = benchMemberId(sequence);
        const summary = JSON.stringify({ points: 689, pending: false, transactionId });
        const events = JSON.stringify(purchaseEvents(spec.tenantId, memberId, transactionId, at));
        jsonBytes += Buffer.byteLength(summary) + Buffer.byteLength(events);
        jsonRows += 1;
        rows.tenantIds.push(spec.tenantId);
        rows.commandKeys.push(`purchase:${transactionId}`);
        rows.memberIds.push(memberId);
        rows.requestHashes.push(randomBytes(32).toString('hex'));
        rows.statuses.push(201);
        rows.summaries.push(summary);
        rows.events.push(events);
        // The row carries the events' JSON too: in ingestion they go to the batch's outbox row instead.
        rows.published.push(false);
        rows.positions.push(null);
      }
      return rows;
    };
    // insertCommands' statement: the values travel as nine array parameters, whatever the row count.
    const insert = `
      insert into ${table} (tenant_id, command_key, member_id, request_hash, status, summary, events, published, position)
      select * from unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::int[], $6::jsonb[], $7::jsonb[], $8::boolean[], $9::text[])`;

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
          const r = nextRows();
          const begunAt = performance.now();
          try {
            // An explicit transaction, as ingestion's batches run in one (kysely's transaction()).
            await client.query('begin');
            await client.query(insert, [r.tenantIds, r.commandKeys, r.memberIds, r.requestHashes, r.statuses, r.summaries, r.events, r.published, r.positions]);
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
      jsonBytesPerRow: jsonRows === 0 ? 0 : jsonBytes / jsonRows,
      p50Ms: percentile(sorted, 50),
      p99Ms: percentile(sorted, 99),
    };
  } finally {
    await teardown();
  }
}
