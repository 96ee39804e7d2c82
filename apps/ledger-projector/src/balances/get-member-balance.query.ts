import { type Kysely } from 'kysely';
import { type Database } from '@loyalty/db';

export interface MemberBalanceView {
  readonly tenantId: string;
  readonly memberId: string;
  readonly currencies: readonly { readonly currency: string; readonly active: number; readonly pending: number }[];
  readonly total: { readonly active: number; readonly pending: number };
  /** Points owed after returns of spent points (allow-negative policy); the balance is active - debt. */
  readonly debt: number;
}

/** A member's balance per currency and in total; null when the ledger has nothing for the member. */
export async function getMemberBalance(db: Kysely<Database>, tenantId: string, memberId: string): Promise<MemberBalanceView | null> {
  const rows = await db
    .selectFrom('member_balances')
    .select(['currency', 'active', 'pending'])
    .where('tenant_id', '=', tenantId)
    .where('member_id', '=', memberId)
    .orderBy('currency')
    .execute();
  if (rows.length === 0) return null;
  const debt = await db.selectFrom('member_debts').select('debt').where('tenant_id', '=', tenantId).where('member_id', '=', memberId).executeTakeFirst();
  return {
    tenantId,
    memberId,
    currencies: rows,
    total: rows.reduce((t, r) => ({ active: t.active + r.active, pending: t.pending + r.pending }), { active: 0, pending: 0 }),
    debt: debt?.debt ?? 0,
  };
}
