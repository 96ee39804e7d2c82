// A rate is only worth reporting if the work was done: after a drain, the projection in the
// throwaway database must hold one ledger entry per event and the net points of the backlog, and
// the balances must add up to the same points. A mismatch fails the phase.
import { type Client } from 'pg';

export interface ProjectionTotals {
  readonly entries: number;
  readonly netPoints: number;
}

export interface ProjectionCheck {
  readonly found: ProjectionTotals & { readonly balancePoints: number };
  readonly mismatch: string | undefined;
}

export async function checkProjection(client: Client, expected: ProjectionTotals): Promise<ProjectionCheck> {
  const { rows } = await client.query<{ entries: string; net: string; balances: string }>(`
    select (select count(*) from ledger_entries) as entries,
           (select coalesce(sum(points), 0) from ledger_entries) as net,
           (select coalesce(sum(active + pending), 0) from member_balances) as balances`);
  const row = rows[0];
  const found = { entries: Number(row?.entries ?? 0), netPoints: Number(row?.net ?? 0), balancePoints: Number(row?.balances ?? 0) };
  const problems = [
    found.entries === expected.entries ? '' : `${found.entries} ledger entries for ${expected.entries} events`,
    found.netPoints === expected.netPoints ? '' : `entries add up to ${found.netPoints} points, the backlog to ${expected.netPoints}`,
    found.balancePoints === expected.netPoints ? '' : `balances add up to ${found.balancePoints} points, the backlog to ${expected.netPoints}`,
  ].filter((p) => p.length > 0);
  return { found, mismatch: problems.length === 0 ? undefined : `projection check: ${problems.join('; ')}` };
}
