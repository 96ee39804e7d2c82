// `npm run demo`: posts a few purchases through the running system (`npm start` or `npm run up`)
// and prints the balances the query API returns for them.
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..');
const INGESTION = process.env['INGESTION_URL'] ?? `http://127.0.0.1:${process.env['INGESTION_PORT'] ?? 3001}`;
const QUERY = process.env['LEDGER_QUERY_URL'] ?? `http://127.0.0.1:${process.env['LEDGER_QUERY_PORT'] ?? 3002}`;
const TENANT = process.env['DEV_TENANT'] ?? 'demo';

function apiKey(): string {
  if (process.env['DEMO_API_KEY'] !== undefined) return process.env['DEMO_API_KEY'];
  try {
    return readFileSync(join(ROOT, '.stack', 'secrets', 'dev-api-key'), 'utf8').trim();
  } catch {
    throw new Error('no API key: start the system with `npm start` (or set DEMO_API_KEY)');
  }
}

interface Line {
  lineId: string;
  category: string;
  amountMinor: number;
}

const run = randomUUID().slice(0, 8);
const [alice, bob] = [`alice-${run}`, `bob-${run}`];
const members = [alice, bob];
const purchases: { memberId: string; lines: Line[] }[] = [
  { memberId: alice, lines: [{ lineId: '1', category: 'ski-equipment', amountMinor: 49_900 }, { lineId: '2', category: 'apparel', amountMinor: 8_990 }] },
  { memberId: alice, lines: [{ lineId: '1', category: 'gift-cards', amountMinor: 5_000 }, { lineId: '2', category: 'books', amountMinor: 2_450 }] },
  { memberId: bob, lines: [{ lineId: '1', category: 'apparel', amountMinor: 12_000 }] },
];

async function main(): Promise<void> {
  const key = apiKey();
  const headers = { 'content-type': 'application/json', 'x-api-key': key };
  console.log(`Posting ${purchases.length} purchases to ${INGESTION} (tenant ${TENANT})`);
  const expected = new Map<string, number>();
  for (const [i, p] of purchases.entries()) {
    const body = { tenantId: TENANT, transactionId: `demo-${run}-${i}`, memberId: p.memberId, occurredAt: new Date().toISOString(), currency: 'EUR', lines: p.lines };
    const response = await fetch(`${INGESTION}/v1/purchases`, { method: 'POST', headers, body: JSON.stringify(body) });
    const result = (await response.json()) as { points?: number; eventIds?: string[]; detail?: string };
    if (!response.ok) throw new Error(`purchase ${body.transactionId}: ${response.status} ${result.detail ?? ''}`);
    console.log(`  ${body.transactionId}  ${p.memberId.padEnd(16)} ${String(result.points).padStart(5)} points  (${p.lines.map((l) => `${l.category} ${(l.amountMinor / 100).toFixed(2)} EUR`).join(', ')})`);
    expected.set(p.memberId, (expected.get(p.memberId) ?? 0) + (result.points ?? 0));
    if (i === 0) {
      // Sent again, as a storefront retry would: it must not count twice.
      await fetch(`${INGESTION}/v1/purchases`, { method: 'POST', headers, body: JSON.stringify(body) });
      console.log(`  ${body.transactionId}  sent again (a retry): no second effect`);
    }
  }

  console.log(`\nBalances from ${QUERY}:`);
  for (const memberId of members) {
    const view = await waitForBalance(memberId, key, expected.get(memberId) ?? 0);
    console.log(`  ${memberId.padEnd(16)} pending ${String(view.total.pending).padStart(5)}  active ${String(view.total.active).padStart(5)}   ${JSON.stringify(view.currencies)}`);
  }
  console.log('\nPurchase points stay pending for the 14-day return window; activation arrives with the rules service.');
}

async function waitForBalance(memberId: string, key: string, points: number): Promise<{ total: { pending: number; active: number }; currencies: unknown }> {
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    const response = await fetch(`${QUERY}/v1/members/${memberId}/balance`, { headers: { 'x-api-key': key } });
    if (response.ok) {
      const view = (await response.json()) as { total: { pending: number; active: number }; currencies: unknown };
      if (view.total.pending + view.total.active === points) return view;
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`the balance of ${memberId} did not reach ${points} points within 30 s`);
}

main().catch((error: unknown) => {
  console.error(`demo failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
