// The other ceiling ingestion works under: how many rows/s Postgres commits on this machine when
// written the way ingestion writes its command records (command-store.ts `insertCommands`): one
// multi-row `insert ... select * from unnest($1::text[], ...)` per transaction, a few transactions
// in flight, the stack's own server and settings (durable commits: fsync and synchronous_commit
// as the stack runs them). The rows go to a throwaway table shaped like ingestion_commands, named
// per run and dropped afterwards. Ingestion writes three rows per purchase (command record, bucket,
// transaction) plus its share of the batch's outbox row, so its purchases/s is a fraction of this
// well below 1.
// The measuring itself is bench/shared/postgres-raw-limit.ts; this file is the table's shape.
import { randomBytes, randomUUID } from 'node:crypto';
import { type RegisterCleanup } from '../shared/cleanup';
import { type PostgresRawResult, type PostgresRawSpec, measurePostgresRawInserts } from '../shared/postgres-raw-limit';
import { benchMemberId } from '../shared/purchase-factory';

export interface IngestionRowsSpec extends PostgresRawSpec {
  readonly tenantId: string;
}

export interface IngestionRowsResult extends PostgresRawResult {
  /** Average JSON text sent per row (both jsonb columns), to check the rows are the size claimed. */
  readonly jsonBytesPerRow: number;
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

export async function measurePostgresRawLimit(spec: IngestionRowsSpec, registerCleanup: RegisterCleanup): Promise<IngestionRowsResult> {
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
  const result = await measurePostgresRawInserts(
    spec,
    {
      tablePrefix: 'bench_pg_raw_',
      definition: `(${columns})`,
      // insertCommands' statement: the values travel as nine array parameters, whatever the row count.
      insert: (table) => `
      insert into ${table} (tenant_id, command_key, member_id, request_hash, status, summary, events, published, position)
      select * from unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::int[], $6::jsonb[], $7::jsonb[], $8::boolean[], $9::text[])`,
      nextParams: () => {
        const r = nextRows();
        return [r.tenantIds, r.commandKeys, r.memberIds, r.requestHashes, r.statuses, r.summaries, r.events, r.published, r.positions];
      },
      sessionName: (role) => `bench-pg-raw-${spec.runId}-${role}`,
    },
    registerCleanup,
  );
  return { ...result, jsonBytesPerRow: jsonRows === 0 ? 0 : jsonBytes / jsonRows };
}
