import type pg from 'pg';
import { type ProgramConfig } from '@loyalty/domain';
import { consistencyTokenOf } from '@loyalty/kafka';
import { type ProjectionPositions } from '../consistency/projection-positions';
import { type TierStandingView, tierStanding } from '../tiers/tier-standing';

/** Where a currency's points are, and where the others went. */
export interface CurrencyBalance {
  readonly currency: string;
  /** Spendable now. */
  readonly active: number;
  /** In the return window: not spendable, not qualifying yet. */
  readonly pending: number;
  /** Spent on redemptions, net of cancellations. */
  readonly spent: number;
  /** Taken back by returns. */
  readonly reversed: number;
  /** Taken by operators' debits. */
  readonly debited: number;
  /** Taken by expiries. */
  readonly expired: number;
  /** This currency's share of the qualifying points (see `qualifyingPoints`). */
  readonly qualifying: number;
}

export interface MemberBalanceView extends TierStandingView {
  readonly tenantId: string;
  readonly memberId: string;
  readonly currencies: readonly CurrencyBalance[];
  readonly total: Omit<CurrencyBalance, 'currency'>;
  /** Points owed after returns of spent points (allow-negative policy); the balance is active - debt. */
  readonly debt: number;
  /** The last log position this answer reflects (`v1.<partition>.<offset>`), comparable with a write's consistency token. */
  readonly position: string;
}

const FIELDS = ['active', 'pending', 'spent', 'reversed', 'debited', 'expired', 'qualifying'] as const;

export function totalOf(currencies: readonly CurrencyBalance[]): Omit<CurrencyBalance, 'currency'> {
  const total = { active: 0, pending: 0, spent: 0, reversed: 0, debited: 0, expired: 0, qualifying: 0 };
  for (const c of currencies) for (const f of FIELDS) total[f] += c[f];
  return total;
}

// One statement, so the rows and the position come from one snapshot: the answer reflects exactly
// the log up to that position (a member's events all live in one partition). The hottest read of
// the API, so it runs as a named prepared statement: planned once per connection (planning cost
// three times the execution). A swap of projection versions invalidates the plan; the next call
// plans again against the tables now live.
const MEMBER_BALANCE = {
  name: 'member-balance-v2',
  text: `
    with member_partition as (
      select log_partition from (
        (select log_partition from ledger_entries where tenant_id = $1 and member_id = $2 limit 1)
        union all
        (select log_partition from member_tier_history where tenant_id = $1 and member_id = $2 limit 1)) p
      limit 1)
    select
      (select log_partition from member_partition) as partition,
      (select next_offset from consumer_offsets
        where consumer = $3 and topic = $4 and partition = (select log_partition from member_partition)) as next_offset,
      (select coalesce(json_agg(b order by b.currency), '[]') from (
        select currency, active, pending, spent, reversed, debited, expired, qualifying from member_balances
        where tenant_id = $1 and member_id = $2) b) as currencies,
      (select debt from member_debts where tenant_id = $1 and member_id = $2) as debt,
      (select json_build_object('qualifyingPoints', qualifying_points, 'tierId', tier_id, 'customTiers', custom_tiers)
        from member_tiers where tenant_id = $1 and member_id = $2) as standing`,
};

/**
 * A member's balance per currency and in total, with their tiers named by `tiers` (the ladder of
 * the program in force); null when the ledger has nothing for the member.
 */
export async function getMemberBalance(pool: pg.Pool, positions: ProjectionPositions, tenantId: string, memberId: string, tiers: ProgramConfig['tiers']): Promise<MemberBalanceView | null> {
  const { rows } = await pool.query<{
    partition: number | null;
    next_offset: number | null;
    currencies: CurrencyBalance[];
    debt: number | null;
    standing: { qualifyingPoints: number; tierId: string | null; customTiers: string[] } | null;
  }>({
    ...MEMBER_BALANCE,
    values: [tenantId, memberId, positions.consumer, positions.topic],
  });
  const row = rows[0];
  if (row === undefined || row.partition === null) return null;
  return {
    tenantId,
    memberId,
    currencies: row.currencies,
    total: totalOf(row.currencies),
    debt: row.debt === null ? 0 : Number(row.debt),
    ...tierStanding(tiers, row.standing?.tierId ?? null, row.standing?.qualifyingPoints ?? 0, row.standing?.customTiers ?? []),
    position: consistencyTokenOf({ partition: row.partition, offset: Math.max(Number(row.next_offset ?? 0) - 1, 0) }),
  };
}
