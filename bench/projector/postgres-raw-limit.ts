// The Postgres ceiling the projector works under: how many ledger entries per second the stack's
// server commits when written the way the projector writes them (apply-ledger-batch.ts: one
// `insert ... select * from unnest($1::text[], ...)` per transaction, every value an array
// parameter), with nothing else in the transaction. The rows go to a throwaway table created
// `like ledger_entries including all` in the benchmark's migrated database, so it has the real
// table's columns, defaults, primary key and member index as the migrations define them today;
// it is dropped afterwards (and the database with it).
// The measuring itself is bench/shared/postgres-raw-limit.ts; this file is the table's shape.
import { randomUUID } from 'node:crypto';
import { type RegisterCleanup } from '../shared/cleanup';
import { type PostgresRawResult, type PostgresRawSpec, measurePostgresRawInserts } from '../shared/postgres-raw-limit';
import { benchMemberId } from '../shared/purchase-factory';

export interface LedgerEntriesSpec extends PostgresRawSpec {
  readonly tenantId: string;
}

/** The columns the projector fills, in its order; the others keep the table's defaults. */
const INSERT = (table: string) => `
  insert into ${table} (tenant_id, event_id, member_id, event_type, currency, points, bucket_id, transaction_id, occurred_at, recorded_at, program_version, log_partition, log_offset)
  select * from unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::bigint[], $7::text[], $8::text[], $9::text[], $10::text[], $11::text[], $12::int[], $13::bigint[])`;

/** `spec.database` is the benchmark's migrated database: it holds ledger_entries to copy the shape from. */
export function measurePostgresRawLimit(spec: LedgerEntriesSpec, registerCleanup: RegisterCleanup): Promise<PostgresRawResult> {
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
  return measurePostgresRawInserts(
    spec,
    {
      tablePrefix: 'bench_raw_ledger_entries_',
      definition: '(like ledger_entries including all)',
      insert: INSERT,
      nextParams,
      // As clientOf (./throwaway-database) names the projector benchmark's sessions.
      sessionName: (role) => `bench-projector-pg-raw-${role}`,
    },
    registerCleanup,
  );
}
