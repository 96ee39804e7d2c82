import { type TestSystem } from './test-system';

/** The projector's answer for one member (`GET /v1/members/{id}/balance`), as specs compare it. */
export interface MemberBalanceAnswer {
  readonly currencies: readonly Record<string, unknown>[];
  readonly total: { readonly active: number; readonly pending: number; readonly spent: number; readonly reversed: number; readonly debited: number; readonly expired: number; readonly qualifying: number };
  readonly debt: number;
  readonly tier: { readonly id: string; readonly name: string };
  readonly customTiers: readonly string[];
  readonly qualifyingPoints: number;
  readonly nextTier: Record<string, unknown> | null;
  readonly position?: string;
}

/**
 * The projector's balances of the given members (`tenant|member` → answer; 404s are left out),
 * `concurrency` requests at a time. A 5xx is retried: the query API may be restarting.
 */
export async function memberBalances(system: TestSystem, members: readonly { tenantId: string; memberId: string }[], concurrency = 16): Promise<Map<string, MemberBalanceAnswer>> {
  const answers = new Map<string, MemberBalanceAnswer>();
  const queue = [...members];
  const worker = async () => {
    for (let m = queue.shift(); m !== undefined; m = queue.shift()) {
      for (let attempt = 1; ; attempt++) {
        const response = await fetch(`${system.projector.baseUrl}/v1/members/${m.memberId}/balance`, { headers: { 'x-api-key': system.credentials.apiKeys[m.tenantId] ?? 'no-key' } });
        if (response.status === 200) answers.set(`${m.tenantId}|${m.memberId}`, (await response.json()) as MemberBalanceAnswer);
        if (response.status < 500) break;
        if (attempt >= 10) throw new Error(`the balance of ${m.tenantId}|${m.memberId} answered ${response.status}: ${await response.text()}`);
        await new Promise((resolve) => setTimeout(resolve, 500));
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return answers;
}
