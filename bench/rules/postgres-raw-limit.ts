// The Postgres ceiling the rules service works under: how many rules_members rows per second the
// stack's server commits when written the way the service writes them (rules-state.store.ts
// saveViews: one `insert … select … from unnest($1::text[], …) on conflict (tenant_id, member_id)
// do update` per transaction, every value an array parameter), with nothing else in the
// transaction. Every row has a new key, so the upsert inserts. The rows go to a throwaway table
// created `like rules_members including all` in the benchmark's migrated database (the real
// columns, defaults, primary key and partial indexes); it is dropped afterwards.
// The measuring itself is bench/shared/postgres-raw-limit.ts; this file is the table's shape.
import { type RegisterCleanup } from '../shared/cleanup';
import { type PostgresRawResult, type PostgresRawSpec, measurePostgresRawInserts } from '../shared/postgres-raw-limit';
import { BENCH_PROGRAM } from './bench-program';

export interface RulesMembersSpec extends PostgresRawSpec {
  readonly tenantId: string;
}

const INSERT = (table: string) => `
  insert into ${table} (tenant_id, member_id, tier, tier_changed_at, qualifying, custom_tiers, last_drop, grace_tier, grace_threshold, grace_until, risk_announced, offer_due_for)
  select t.tenant_id, t.member_id, t.tier, t.tier_changed_at, t.qualifying, coalesce(array(select jsonb_array_elements_text(t.custom_tiers)), '{}'), t.last_drop, t.grace_tier, t.grace_threshold, t.grace_until, t.risk_announced, t.offer_due_for
  from unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::bigint[], $6::jsonb[], $7::text[], $8::text[], $9::bigint[], $10::timestamptz[], $11::text[], $12::text[])
    as t(tenant_id, member_id, tier, tier_changed_at, qualifying, custom_tiers, last_drop, grace_tier, grace_threshold, grace_until, risk_announced, offer_due_for)
  on conflict (tenant_id, member_id) do update set
    tier = excluded.tier, tier_changed_at = excluded.tier_changed_at, qualifying = excluded.qualifying, custom_tiers = excluded.custom_tiers,
    last_drop = excluded.last_drop, grace_tier = excluded.grace_tier, grace_threshold = excluded.grace_threshold, grace_until = excluded.grace_until,
    risk_announced = excluded.risk_announced, offer_due_for = excluded.offer_due_for`;

/** `spec.database` is the benchmark's migrated database: it holds rules_members to copy the shape from. */
export function measurePostgresRawLimit(spec: RulesMembersSpec, registerCleanup: RegisterCleanup): Promise<PostgresRawResult> {
  let sequence = 0;
  const tiers = BENCH_PROGRAM.tiers.levels.map((l) => l.id);
  const nextParams = (): unknown[] => {
    const cols: unknown[][] = Array.from({ length: 12 }, () => []);
    const at = new Date().toISOString();
    for (let i = 0; i < spec.batchSize; i += 1) {
      sequence += 1;
      const values = [
        spec.tenantId,
        `bench-raw-${spec.runId}-${sequence}`,
        tiers[sequence % tiers.length] ?? null,
        at,
        (sequence * 37) % 8_000,
        sequence % 50 === 0 ? '["vip"]' : '[]',
        sequence % 7 === 0 ? 'EXPIRED' : null,
        null,
        null,
        null,
        null,
        null,
      ];
      values.forEach((v, c) => cols[c]?.push(v));
    }
    return cols;
  };
  return measurePostgresRawInserts(
    spec,
    {
      tablePrefix: 'bench_raw_rules_members_',
      definition: '(like rules_members including all)',
      insert: INSERT,
      nextParams,
      sessionName: (role) => `bench-rules-pg-raw-${role}`,
    },
    registerCleanup,
  );
}
