// `npm run demo`: walks one fresh member of the demo tenant through the write side of the running
// system (`npm start` or `npm run up`) and reads the result back from the query API. Every answer
// is checked; anything unexpected stops the demo with a message and a non-zero exit code.
import { randomUUID } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { z } from 'zod';
import { DEFAULT_PROGRAM, type ProgramConfig, type TenantProgram, linePoints, programAt, tenantProgramSchema } from '@loyalty/domain';
import { signStorefrontRequest } from '@loyalty/http';

const ROOT = join(__dirname, '..', '..');
const SECRETS = join(ROOT, '.stack', 'secrets');
const INGESTION = process.env['INGESTION_URL'] ?? `http://127.0.0.1:${process.env['INGESTION_PORT'] ?? 3001}`;
const QUERY = process.env['LEDGER_QUERY_URL'] ?? `http://127.0.0.1:${process.env['LEDGER_QUERY_PORT'] ?? 3002}`;
const TENANT = process.env['DEV_TENANT'] ?? 'demo';
const BALANCE_WAIT_MS = 30_000;

// ---------------------------------------------------------------------------------------------
// Credentials and program

function apiKey(): string {
  const fromEnv = process.env['DEMO_API_KEY'];
  if (fromEnv !== undefined) return fromEnv;
  try {
    return readFileSync(join(SECRETS, 'dev-api-key'), 'utf8').trim();
  } catch {
    throw new Error('no API key: start the system with `npm start` (or set DEMO_API_KEY)');
  }
}

const webhookSecretsFile = z.object({ secrets: z.array(z.object({ tenantId: z.string(), secret: z.string() })) });

/** The tenant's HMAC secret for signed storefront requests (never printed). */
function webhookSecret(): string {
  const file = process.env['WEBHOOK_SECRETS_FILE'] ?? join(SECRETS, 'webhook-secrets.json');
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    throw new Error(`cannot read the webhook secrets file ${file}: start the system with \`npm start\``);
  }
  const parsed = webhookSecretsFile.safeParse(raw);
  const entry = parsed.success ? parsed.data.secrets.find((s) => s.tenantId === TENANT) : undefined;
  if (entry === undefined) throw new Error(`${file} holds no HMAC secret for tenant ${TENANT}`);
  return entry.secret;
}

/** The program ingestion applies to the tenant: config/programs/<tenant>.json, default.json, or the built-in default. */
function tenantProgram(now: string): ProgramConfig {
  const dir = process.env['PROGRAMS_DIR'] ?? join(ROOT, 'config', 'programs');
  const file = [`${TENANT}.json`, 'default.json'].map((name) => join(dir, name)).find((path) => existsSync(path));
  const program: TenantProgram = file === undefined ? { tenantId: TENANT, versions: [DEFAULT_PROGRAM] } : tenantProgramSchema.parse(JSON.parse(readFileSync(file, 'utf8')));
  const version = programAt(program, now);
  if (version === undefined) throw new Error(`tenant ${TENANT} has no program version in force at ${now}`);
  if (version.pendingDays > 0) {
    throw new Error(`the demo spends purchase points at once, but tenant ${TENANT}'s program keeps them pending for ${version.pendingDays} days (pendingDays)`);
  }
  return version;
}

// ---------------------------------------------------------------------------------------------
// HTTP

interface Answer {
  readonly status: number;
  readonly replayed: boolean;
  readonly body: unknown;
}

const problemSchema = z.object({ code: z.string(), detail: z.string().optional() });

async function send(url: string, init: { method: string; headers: Record<string, string>; body?: string }): Promise<Answer> {
  let response: Response;
  try {
    response = await fetch(url, init);
  } catch (error) {
    throw new Error(`${init.method} ${url}: cannot connect (${error instanceof Error ? error.message : String(error)}); is the system up? (npm start)`);
  }
  const text = await response.text();
  let body: unknown = text;
  try {
    body = text === '' ? null : JSON.parse(text);
  } catch {
    // Not JSON: kept as text for the error message.
  }
  return { status: response.status, replayed: response.headers.get('idempotent-replayed') === 'true', body };
}

function describe(answer: Answer): string {
  const problem = problemSchema.safeParse(answer.body);
  if (problem.success) return `${answer.status} ${problem.data.code}${problem.data.detail === undefined ? '' : `: ${problem.data.detail}`}`;
  return `${answer.status} ${JSON.stringify(answer.body).slice(0, 300)}`;
}

/** The answer's body, when it has the expected status and shape; otherwise the demo stops. */
function expectAnswer<T>(what: string, answer: Answer, status: number, schema: z.ZodType<T>): T {
  if (answer.status !== status) throw new Error(`${what}: expected ${status}, got ${describe(answer)}`);
  const parsed = schema.safeParse(answer.body);
  if (!parsed.success) throw new Error(`${what}: unexpected answer ${JSON.stringify(answer.body).slice(0, 300)} (${parsed.error.issues[0]?.message ?? ''})`);
  return parsed.data;
}

function postJson(path: string, key: string, body: unknown): Promise<Answer> {
  return send(`${INGESTION}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-api-key': key }, body: JSON.stringify(body) });
}

/** A storefront webhook: no API key; the tenant and an HMAC of `<timestamp>.<raw body>` instead. */
function postSigned(path: string, secret: string, body: unknown): Promise<Answer> {
  const raw = JSON.stringify(body);
  const timestamp = Math.floor(Date.now() / 1000);
  const headers = {
    'content-type': 'application/json',
    'x-tenant-id': TENANT,
    'x-signature-timestamp': String(timestamp),
    'x-signature': signStorefrontRequest(secret, timestamp, Buffer.from(raw)),
  };
  return send(`${INGESTION}${path}`, { method: 'POST', headers, body: raw });
}

const accepted = { eventIds: z.array(z.string()).min(1), consistencyToken: z.string() };
const enrolledSchema = z.object({ memberId: z.string(), enrolled: z.literal(true), ...accepted });
const purchasedSchema = z.object({ transactionId: z.string(), points: z.number().int(), pending: z.boolean(), ...accepted });
const activitySchema = z.object({ activityId: z.string(), points: z.number().int(), limited: z.boolean(), ...accepted });
const returnedSchema = z.object({ returnId: z.string(), pointsReversed: z.number().int(), ...accepted });
const redeemedSchema = z.object({ redemptionId: z.string(), points: z.number().int(), buckets: z.array(z.object({ bucketId: z.string(), points: z.number().int() })), ...accepted });
const balanceSchema = z.object({
  currencies: z.array(z.object({ currency: z.string(), active: z.number().int(), pending: z.number().int() })),
  total: z.object({ active: z.number().int(), pending: z.number().int() }),
});
type Balance = z.infer<typeof balanceSchema>;

// ---------------------------------------------------------------------------------------------
// The story

interface Demo {
  readonly key: string;
  readonly program: ProgramConfig;
  readonly memberId: string;
  readonly run: string;
}

interface PurchaseLine {
  readonly lineId: string;
  readonly sku: string;
  readonly category: string;
  readonly quantity: number;
  readonly unitPriceMinor: number;
  readonly discountMinor: number;
}

const LINES: readonly PurchaseLine[] = [
  { lineId: '1', sku: 'SKI-ALLMOUNTAIN-170', category: 'ski-equipment', quantity: 1, unitPriceMinor: 49_900, discountMinor: 0 },
  { lineId: '2', sku: 'JACKET-SHELL-M', category: 'apparel', quantity: 2, unitPriceMinor: 12_990, discountMinor: 2_000 },
  { lineId: '3', sku: 'GIFT-CARD-50', category: 'gift-cards', quantity: 1, unitPriceMinor: 5_000, discountMinor: 0 },
];
const APPAREL = LINES[1];

const step = (n: number, title: string) => console.log(`\n${n}. ${title}`);
const say = (text: string) => console.log(`   ${text}`);

const lineAmount = (line: PurchaseLine) => line.quantity * line.unitPriceMinor - line.discountMinor;

function money(program: ProgramConfig, minor: number): string {
  return `${(minor / program.minorUnitsPerUnit).toFixed(2)} ${program.moneyCurrency}`;
}

async function enrol(demo: Demo): Promise<void> {
  step(1, `Enrol member ${demo.memberId} (POST /v1/members)`);
  const body = { tenantId: TENANT, memberId: demo.memberId, enrolledAt: new Date().toISOString(), email: `${demo.memberId}@example.com` };
  const enrolled = expectAnswer('enrolment', await postJson('/v1/members', demo.key, body), 202, enrolledSchema);
  say(`202 enrolled; MemberEnrolled ${enrolled.eventIds.join(', ')} is in Kafka`);
}

/** Prints each line's points as the program computes them (rate per whole unit, rounded down per line). */
function printLinePoints(program: ProgramConfig): number {
  let total = 0;
  for (const line of LINES) {
    const amount = lineAmount(line);
    const points = linePoints(program, line.category, amount);
    const rate = (program.earning.categoryRatesHundredths[line.category] ?? program.earning.defaultRateHundredths) / 100;
    const discount = line.discountMinor > 0 ? ` - ${money(program, line.discountMinor)} discount` : '';
    const price = `${line.quantity} x ${money(program, line.unitPriceMinor)}${discount}`;
    say(`line ${line.lineId}  ${line.category.padEnd(13)} ${price.padEnd(36)} = ${money(program, amount).padStart(11)} x ${rate} = ${String(points).padStart(5)} points`);
    total += points;
  }
  return total;
}

async function purchase(demo: Demo): Promise<{ points: number; body: unknown; answer: Answer }> {
  const body = { tenantId: TENANT, transactionId: `demo-${demo.run}-tx-1`, memberId: demo.memberId, occurredAt: new Date().toISOString(), channel: 'web', currency: demo.program.moneyCurrency, lines: LINES };
  step(2, `A purchase with ${LINES.length} lines (POST /v1/purchases, transaction ${body.transactionId})`);
  say(`${demo.program.earning.pointCurrency} points per whole ${demo.program.moneyCurrency} spent, by category, rounded down per line:`);
  const expected = printLinePoints(demo.program);
  const answer = await postJson('/v1/purchases', demo.key, body);
  const purchased = expectAnswer('purchase', answer, 202, purchasedSchema);
  if (purchased.points !== expected) throw new Error(`purchase: ingestion awarded ${purchased.points} points, the program's rates give ${expected}`);
  if (answer.replayed) throw new Error('purchase: a first request was answered as a replay');
  say(`202: ${purchased.points} points, ${purchased.pending ? 'pending' : 'active at once (this program has no return window)'}; ${purchased.eventIds.length} events in Kafka, consistency token ${purchased.consistencyToken}`);
  return { points: purchased.points, body, answer };
}

async function retryPurchase(demo: Demo, first: { body: unknown; answer: Answer }): Promise<void> {
  step(3, 'The same purchase sent again, as a storefront retry after a timeout would');
  const again = await postJson('/v1/purchases', demo.key, first.body);
  if (again.status !== first.answer.status) throw new Error(`retry: expected ${first.answer.status}, got ${describe(again)}`);
  if (!again.replayed) throw new Error('retry: the answer lacks the Idempotent-Replayed header');
  // Same fields and values; the key order of the stored answer may differ.
  if (!isDeepStrictEqual(again.body, first.answer.body)) throw new Error(`retry: the answer differs from the original: ${JSON.stringify(again.body)}`);
  say(`${again.status} with Idempotent-Replayed: true and the original answer (same event ids); no second effect`);
}

async function signedActivity(demo: Demo): Promise<number> {
  const activityType = Object.keys(demo.program.activities)[0];
  if (activityType === undefined) throw new Error(`tenant ${TENANT}'s program defines no activity`);
  step(4, `A signed storefront webhook: activity ${activityType} (POST /v1/activities, HMAC-SHA256, no API key)`);
  say(`headers X-Tenant-Id, X-Signature-Timestamp and X-Signature = v1=HMAC(tenant secret, "<timestamp>.<body>")`);
  const body = { tenantId: TENANT, activityId: `demo-${demo.run}-act-1`, memberId: demo.memberId, activityType, occurredAt: new Date().toISOString() };
  const recorded = expectAnswer('signed activity', await postSigned('/v1/activities', webhookSecret(), body), 202, activitySchema);
  const currency = demo.program.activities[activityType]?.currency ?? '?';
  say(`202: signature accepted; ${recorded.points} ${currency} points`);
  return recorded.points;
}

async function returnOneApparelUnit(demo: Demo): Promise<number> {
  if (APPAREL === undefined) throw new Error('the demo purchase has no apparel line');
  step(5, `A partial return: 1 of the ${APPAREL.quantity} apparel units of line ${APPAREL.lineId} (POST /v1/returns)`);
  const body = { tenantId: TENANT, returnId: `demo-${demo.run}-ret-1`, transactionId: `demo-${demo.run}-tx-1`, memberId: demo.memberId, occurredAt: new Date().toISOString(), lines: [{ lineId: APPAREL.lineId, quantity: 1 }] };
  const returned = expectAnswer('return', await postJson('/v1/returns', demo.key, body), 202, returnedSchema);
  const earned = linePoints(demo.program, APPAREL.category, lineAmount(APPAREL));
  say(`202: ${returned.pointsReversed} of the line's ${earned} points reversed, in proportion to what came back (rounded down)`);
  return returned.pointsReversed;
}

async function redeem(demo: Demo, points: number): Promise<void> {
  step(6, `A redemption of ${points} points (POST /v1/redemptions)`);
  const body = { tenantId: TENANT, redemptionId: `demo-${demo.run}-red-1`, memberId: demo.memberId, points, reward: 'ski-pass-voucher' };
  const redeemed = expectAnswer('redemption', await postJson('/v1/redemptions', demo.key, body), 202, redeemedSchema);
  say('202: taken from these buckets, soonest-expiring first (temporary points before permanent ones):');
  for (const bucket of redeemed.buckets) say(`  bucket ${bucket.bucketId}  ${String(bucket.points).padStart(5)} points`);
  const taken = redeemed.buckets.reduce((sum, b) => sum + b.points, 0);
  if (taken !== points) throw new Error(`redemption: the buckets add up to ${taken} points, not ${points}`);
}

async function overspend(demo: Demo, available: number): Promise<void> {
  step(7, `A redemption of ${available + 1} points: one more than the member has`);
  const body = { tenantId: TENANT, redemptionId: `demo-${demo.run}-red-2`, memberId: demo.memberId, points: available + 1 };
  const answer = await postJson('/v1/redemptions', demo.key, body);
  const problem = expectAnswer('over-redemption', answer, 409, problemSchema);
  if (problem.code !== 'LEDGER.INSUFFICIENT_POINTS') throw new Error(`over-redemption: expected LEDGER.INSUFFICIENT_POINTS, got ${describe(answer)}`);
  say(`409 ${problem.code}: ${problem.detail ?? ''}`);
}

/** Polls the query API until the projection has caught up with every event above (bounded). */
async function waitForBalance(demo: Demo, active: number): Promise<Balance> {
  const deadline = Date.now() + BALANCE_WAIT_MS;
  let last = 'no answer yet';
  while (Date.now() < deadline) {
    const answer = await send(`${QUERY}/v1/members/${demo.memberId}/balance`, { method: 'GET', headers: { 'x-api-key': demo.key } });
    if (answer.status === 200) {
      const balance = expectAnswer('balance', answer, 200, balanceSchema);
      if (balance.total.active === active && balance.total.pending === 0) return balance;
      last = `active ${balance.total.active}, pending ${balance.total.pending}`;
    } else if (answer.status !== 404) {
      throw new Error(`balance: ${describe(answer)}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`the balance of ${demo.memberId} did not reach ${active} active points within ${BALANCE_WAIT_MS / 1000} s (last: ${last})`);
}

async function finalBalance(demo: Demo, active: number): Promise<void> {
  step(8, `The balance from the query API (GET ${QUERY}/v1/members/${demo.memberId}/balance)`);
  const balance = await waitForBalance(demo, active);
  for (const c of balance.currencies) say(`${c.currency.padEnd(10)} active ${String(c.active).padStart(5)}   pending ${String(c.pending).padStart(5)}`);
  say(`${'total'.padEnd(10)} active ${String(balance.total.active).padStart(5)}   pending ${String(balance.total.pending).padStart(5)}   (the purchase counted once)`);
}

async function main(): Promise<void> {
  const run = randomUUID().slice(0, 8);
  const demo: Demo = { key: apiKey(), program: tenantProgram(new Date().toISOString()), memberId: `demo-member-${run}`, run };
  console.log(`Loyalty ledger demo: tenant ${TENANT} (program ${demo.program.version}), ingestion ${INGESTION}, query API ${QUERY}`);

  await enrol(demo);
  const first = await purchase(demo);
  await retryPurchase(demo, first);
  const activityPoints = await signedActivity(demo);
  const reversed = await returnOneApparelUnit(demo);
  const redemption = 300;
  await redeem(demo, redemption);
  const available = first.points + activityPoints - reversed - redemption;
  await overspend(demo, available);
  await finalBalance(demo, available);
  console.log('\nDemo complete.');
}

main().catch((error: unknown) => {
  console.error(`\ndemo failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
