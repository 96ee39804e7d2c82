import { type Kysely, sql } from 'kysely';
import { type Database } from '@loyalty/db';

/** A member whose rows differ between two projection versions; a null checksum: absent there. */
export interface MemberDifference {
  readonly tenantId: string;
  readonly memberId: string;
  readonly live: string | null;
  readonly rebuilt: string | null;
}

export interface ChecksumComparison {
  readonly members: number;
  readonly differing: number;
  /** The first differences, by tenant and member. */
  readonly examples: readonly MemberDifference[];
}

/**
 * One checksum per member over everything the projection holds for them: balances per currency,
 * every bucket, the debt, qualifying points and tiers, the count and sum of the history, and the
 * tier history. `updated_at` is left out: it is the recording time of the member's latest event,
 * which the history already pins down.
 */
const memberChecksums = (schema: string) => sql`
  select tenant_id, member_id, md5(string_agg(part, '|' order by part)) as checksum from (
    select tenant_id, member_id,
      concat_ws(':', 'b', currency, active, pending, spent, reversed, debited, expired, qualifying) as part
    from ${sql.table(`${schema}.member_balances`)}
    union all
    select tenant_id, member_id,
      concat_ws(':', 'k', bucket_id, currency, amount, remaining, pending, earned_at, active_from, coalesce(expires_at, '-'), coalesce(source_transaction_id, '-'),
        coalesce(activated_at, '-'), coalesce(expired_at, '-'))
    from ${sql.table(`${schema}.point_buckets`)}
    union all
    select tenant_id, member_id, concat_ws(':', 'd', debt) from ${sql.table(`${schema}.member_debts`)} where debt <> 0
    union all
    select tenant_id, member_id,
      concat_ws(':', 't', qualifying_points, coalesce(tier_id, '-'), coalesce(tier_changed_at, '-'), coalesce(tier_reason, '-'), coalesce(tier_program_version, '-'), custom_tiers::text)
    from ${sql.table(`${schema}.member_tiers`)}
    union all
    select tenant_id, member_id, concat_ws(':', 'e', count(*), sum(points), sum(debt_delta)) from ${sql.table(`${schema}.ledger_entries`)}
    group by tenant_id, member_id
    union all
    select tenant_id, member_id, concat_ws(':', 'h', count(*), md5(string_agg(concat_ws(',', event_id, tier, effective_at), ',' order by event_id)))
    from ${sql.table(`${schema}.member_tier_history`)}
    group by tenant_id, member_id
  ) parts group by tenant_id, member_id`;

/** Compares two projection versions member by member. */
export async function compareProjections(db: Kysely<Database>, liveSchema: string, rebuiltSchema: string, maxExamples = 20): Promise<ChecksumComparison> {
  const { rows } = await sql<{ tenant_id: string; member_id: string; live: string | null; rebuilt: string | null; members: number; differing: number }>`
    with live as (${memberChecksums(liveSchema)}),
    rebuilt as (${memberChecksums(rebuiltSchema)}),
    joined as (
      select coalesce(l.tenant_id, r.tenant_id) as tenant_id, coalesce(l.member_id, r.member_id) as member_id, l.checksum as live, r.checksum as rebuilt
      from live l full outer join rebuilt r on l.tenant_id = r.tenant_id and l.member_id = r.member_id),
    totals as (
      select count(*)::int as members, (count(*) filter (where live is distinct from rebuilt))::int as differing from joined)
    select t.members, t.differing, d.tenant_id, d.member_id, d.live, d.rebuilt
    from totals t left join lateral (
      select * from joined where live is distinct from rebuilt order by tenant_id, member_id limit ${maxExamples}) d on true`.execute(db);
  const first = rows[0];
  return {
    members: first?.members ?? 0,
    differing: first?.differing ?? 0,
    examples: rows.filter((r) => r.tenant_id !== null).map((r) => ({ tenantId: r.tenant_id, memberId: r.member_id, live: r.live, rebuilt: r.rebuilt })),
  };
}
