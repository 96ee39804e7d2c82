// `npm run demo`: walks one fresh member of the demo tenant through the write side of the running
// system (`npm start` or `npm run up`), reads the result back from the query API (balance, balance
// as of a past moment, buckets, history, expirations), then rebuilds the ledger projection from the
// log as an operator would (DEMO_REBUILD=0 skips that) and reads the balance again. Then a second
// member's tier story, with the stack's clock moved forward (tier-story.ts): Gold, an expiry
// warning and a downgrade risk, Gold lost through expiry, a re-engagement offer. It ends with what
// each bundled vendor stub received of that member's tier changes through the connector. Every
// answer is checked; anything unexpected stops the demo with a message and a non-zero exit code.
import { randomUUID } from 'node:crypto';
import { isDeepStrictEqual } from 'node:util';
import { type z } from 'zod';
import { type ProgramConfig, linePoints } from '@loyalty/domain';
import { formatOffset } from '../clock/clock-command';
import {
  type Answer,
  type MemberReader,
  activitySchema,
  describe,
  enrolledSchema,
  expectAnswer,
  memberPath,
  postJson,
  postSigned,
  problemSchema,
  purchasedSchema,
  queryMember,
  redeemedSchema,
  returnedSchema,
} from './demo-http';
import { say, step } from './demo-output';
import { INGESTION, QUERY, ROOT, TENANT, apiKey, tenantProgram, webhookSecret } from './demo-settings';
import {
  type Balance,
  type Bucket,
  balanceAsOfSchema,
  balanceSchema,
  balanceTable,
  bucketsSchema,
  bucketsTable,
  expirationsSchema,
  expirationsTable,
  historySchema,
  historyTable,
  shortId,
  toSecond,
} from './member-views';
import { REBUILD_EXIT_CODES, runLedgerRebuild } from './rebuild';
import { type StackClock, stackClock } from './stack-clock';
import { runTierStory } from './tier-story';
import { showConnectorDeliveries } from './connector-story';

/** History entries the demo reads: one page. */
const HISTORY_PAGE = 10;

/** DEMO_REBUILD=0 skips the rebuild (it replays the whole ledger log, minutes on a big dev ledger). */
function rebuildWanted(): boolean {
  const value = process.env['DEMO_REBUILD'];
  if (value === undefined || value === '' || value === '1') return true;
  if (value === '0') return false;
  throw new Error(`DEMO_REBUILD must be 0 (skip the rebuild) or 1 (run it, the default), not ${JSON.stringify(value)}`);
}

// ---------------------------------------------------------------------------------------------
// The story

interface Demo {
  readonly key: string;
  readonly program: ProgramConfig;
  readonly memberId: string;
  readonly run: string;
  /** The stack's clock: every business time the demo sends is its now. */
  readonly clock: StackClock;
}

/** The member's reads carry the consistency token of the last write. */
type Reader = Demo & MemberReader;

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

const lineAmount = (line: PurchaseLine) => line.quantity * line.unitPriceMinor - line.discountMinor;

function money(program: ProgramConfig, minor: number): string {
  return `${(minor / program.minorUnitsPerUnit).toFixed(2)} ${program.moneyCurrency}`;
}

async function enrol(demo: Demo): Promise<void> {
  step(1, `Enrol member ${demo.memberId} (POST /v1/members)`);
  const body = { tenantId: TENANT, memberId: demo.memberId, enrolledAt: demo.clock.now(), email: `${demo.memberId}@example.com` };
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
  const body = { tenantId: TENANT, transactionId: `demo-${demo.run}-tx-1`, memberId: demo.memberId, occurredAt: demo.clock.now(), channel: 'web', currency: demo.program.moneyCurrency, lines: LINES };
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
  const body = { tenantId: TENANT, activityId: `demo-${demo.run}-act-1`, memberId: demo.memberId, activityType, occurredAt: demo.clock.now() };
  const recorded = expectAnswer('signed activity', await postSigned('/v1/activities', webhookSecret(), body), 202, activitySchema);
  const currency = demo.program.activities[activityType]?.currency ?? '?';
  say(`202: signature accepted; ${recorded.points} ${currency} points`);
  return recorded.points;
}

async function returnOneApparelUnit(demo: Demo): Promise<number> {
  if (APPAREL === undefined) throw new Error('the demo purchase has no apparel line');
  step(5, `A partial return: 1 of the ${APPAREL.quantity} apparel units of line ${APPAREL.lineId} (POST /v1/returns)`);
  const body = { tenantId: TENANT, returnId: `demo-${demo.run}-ret-1`, transactionId: `demo-${demo.run}-tx-1`, memberId: demo.memberId, occurredAt: demo.clock.now(), lines: [{ lineId: APPAREL.lineId, quantity: 1 }] };
  const returned = expectAnswer('return', await postJson('/v1/returns', demo.key, body), 202, returnedSchema);
  const earned = linePoints(demo.program, APPAREL.category, lineAmount(APPAREL));
  say(`202: ${returned.pointsReversed} of the line's ${earned} points reversed, in proportion to what came back (rounded down)`);
  return returned.pointsReversed;
}

interface Redemption {
  readonly redemptionId: string;
  readonly consistencyToken: string;
}

async function redeem(demo: Demo, points: number): Promise<Redemption> {
  step(6, `A redemption of ${points} points (POST /v1/redemptions)`);
  const body = { tenantId: TENANT, redemptionId: `demo-${demo.run}-red-1`, memberId: demo.memberId, points, reward: 'ski-pass-voucher' };
  const redeemed = expectAnswer('redemption', await postJson('/v1/redemptions', demo.key, body), 202, redeemedSchema);
  say('202: taken from these buckets, soonest-expiring first (temporary points before permanent ones):');
  for (const bucket of redeemed.buckets) say(`  bucket ${bucket.bucketId}  ${String(bucket.points).padStart(5)} points`);
  const taken = redeemed.buckets.reduce((sum, b) => sum + b.points, 0);
  if (taken !== points) throw new Error(`redemption: the buckets add up to ${taken} points, not ${points}`);
  say(`consistency token ${redeemed.consistencyToken}`);
  return { redemptionId: redeemed.redemptionId, consistencyToken: redeemed.consistencyToken };
}

async function overspend(demo: Demo, available: number): Promise<void> {
  step(7, `A redemption of ${available + 1} points: one more than the member has`);
  const body = { tenantId: TENANT, redemptionId: `demo-${demo.run}-red-2`, memberId: demo.memberId, points: available + 1 };
  const answer = await postJson('/v1/redemptions', demo.key, body);
  const problem = expectAnswer('over-redemption', answer, 409, problemSchema);
  if (problem.code !== 'LEDGER.INSUFFICIENT_POINTS') throw new Error(`over-redemption: expected LEDGER.INSUFFICIENT_POINTS, got ${describe(answer)}`);
  say(`409 ${problem.code}: ${problem.detail ?? ''}`);
}

// ---------------------------------------------------------------------------------------------
// Reading the member back (query API)

interface Expected {
  readonly active: number;
  readonly spent: number;
  readonly reversed: number;
}

function checkBalance(what: string, balance: Pick<Balance, 'total' | 'debt'>, expected: Expected): void {
  const { total } = balance;
  const actual = { active: total.active, pending: total.pending, spent: total.spent, reversed: total.reversed, debt: balance.debt };
  const wanted = { active: expected.active, pending: 0, spent: expected.spent, reversed: expected.reversed, debt: 0 };
  if (!isDeepStrictEqual(actual, wanted)) throw new Error(`${what}: expected ${JSON.stringify(wanted)}, got ${JSON.stringify(actual)}`);
}

const tokenOffset = (token: string) => /^v1\.(\d+)\.(\d+)$/.exec(token);

async function readBalance(demo: Reader, expected: Expected): Promise<Balance> {
  step(8, `The balance from the query API, read with the redemption's consistency token (GET ${memberPath(demo, 'balance', { consistencyToken: demo.token })})`);
  say('the answer waits until the projection has applied that write (every read below carries the token too)');
  const balance = await queryMember(demo, 'balance', 'balance', {}, balanceSchema);
  checkBalance('balance', balance, expected);
  const [reached, token] = [tokenOffset(balance.position), tokenOffset(demo.token)];
  if (reached === null || token === null || reached[1] !== token[1] || Number(reached[2]) < Number(token[2])) {
    throw new Error(`balance: position ${balance.position} does not reflect the redemption's token ${demo.token}`);
  }
  for (const line of balanceTable(balance)) say(line);
  say(`debt ${balance.debt}; position ${balance.position} (the last log position reflected, at or past the token ${demo.token})`);
  say('active = spendable; spent = redeemed; reversed = taken back by the return; qualifying = earned less reversed (spending does not lower it)');
  return balance;
}

async function readBalanceAsOf(demo: Reader, redemptionRecordedAt: string, expected: Expected): Promise<void> {
  const asOf = new Date(Date.parse(redemptionRecordedAt) - 1).toISOString();
  step(9, `The balance as of ${asOf}, 1 ms before the redemption was recorded (GET ${memberPath(demo, 'balance', { asOf })})`);
  const before = await queryMember(demo, 'balance as of', 'balance', { asOf }, balanceAsOfSchema);
  checkBalance('balance as of', before, { ...expected, active: expected.active + expected.spent, spent: 0 });
  for (const line of balanceTable(before)) say(line);
  say(`spent was ${before.total.spent} then: ${before.movementCount} movements up to that moment, the redemption (recorded ${redemptionRecordedAt}) not among them`);
}

async function readBuckets(demo: Reader, balance: Balance): Promise<Bucket[]> {
  step(10, `The buckets in spending order, empty ones included (GET ${memberPath(demo, 'buckets', { include: 'all' })})`);
  const { buckets } = await queryMember(demo, 'buckets', 'buckets', { include: 'all' }, bucketsSchema);
  const remaining = buckets.reduce((sum, b) => sum + b.remaining, 0);
  if (buckets.length === 0 || remaining !== balance.total.active + balance.total.pending) {
    throw new Error(`buckets: ${buckets.length} buckets with ${remaining} points left, the balance has ${balance.total.active + balance.total.pending}`);
  }
  for (const line of bucketsTable(buckets)) say(line);
  say(`${buckets.length} buckets, ${remaining} points left in them (= active + pending); bucket ids shortened to their first 8 characters`);
  return buckets;
}

async function readHistory(demo: Reader): Promise<z.infer<typeof historySchema>> {
  return queryMember(demo, 'history', 'history', { limit: String(HISTORY_PAGE) }, historySchema);
}

function printHistory(demo: Reader, page: z.infer<typeof historySchema>): void {
  step(11, `One page of history, newest first (GET ${memberPath(demo, 'history', { limit: String(HISTORY_PAGE) })})`);
  for (const line of historyTable(page.items)) say(line);
  say(page.nextCursor === null ? `${page.items.length} movements: the whole history (nextCursor null)` : `older movements follow: ?cursor=${page.nextCursor}`);
  say('buckets touched: bucket and points; the refused redemption of step 7 wrote nothing');
}

async function readExpirations(demo: Reader, buckets: readonly Bucket[]): Promise<void> {
  step(12, `Upcoming expirations, soonest first (GET ${memberPath(demo, 'expirations', {})})`);
  const { expirations, totals } = await queryMember(demo, 'expirations', 'expirations', {}, expirationsSchema);
  if (expirations.length === 0) {
    const usedUp = buckets.filter((b) => b.expiresAt !== null && b.remaining === 0);
    const why = usedUp.map((b) => `${b.amount} ${b.currency} points of bucket ${shortId(b.bucketId)}, due to expire ${toSecond(b.expiresAt ?? '')}`).join('; ');
    say(`none: the points left never expire${usedUp.length === 0 ? '' : `; the only ones with an expiry date (${why}) went first into the redemption`}`);
    return;
  }
  for (const line of expirationsTable(expirations)) say(line);
  say(`total per currency: ${Object.entries(totals).map(([currency, points]) => `${currency} ${points}`).join(', ')}`);
}

/** Runs the operator's rebuild; true when it swapped in a version equal to the live one. */
async function rebuild(): Promise<boolean> {
  step(13, 'Rebuild the ledger projection from the log, as an operator would (bash infra/bin/rebuild ledger)');
  say('NOTE: the rebuild replays the whole ledger log from offset zero into a new version beside the live one,');
  say('compares the two member by member and swaps only if they match. The dev ledger can hold millions of');
  say('events (benchmarks write there), so this can take minutes. DEMO_REBUILD=0 npm run demo skips it.');
  say('The rebuild CLI prints from here on (its progress bar: events applied, events/s, lag, ETA):\n');
  const result = await runLedgerRebuild(ROOT);
  console.log('');
  if (result.signal !== null) {
    throw new Error(
      `the rebuild was stopped by ${result.signal} after ${result.seconds.toFixed(0)} s; nothing was swapped, but a partial version may be left: ` +
        'list it with `npm run rebuild -- status`, drop it with `npm run rebuild -- drop ledger_build_<n>`',
    );
  }
  const code = result.code ?? 1;
  const meaning = REBUILD_EXIT_CODES[code] ?? 'unexpected exit code';
  say(`rebuild exited with code ${code} after ${result.seconds.toFixed(0)} s: ${meaning}`);
  if (code === 0) {
    say('the previous version is kept for `npm run rebuild -- rollback` under the name the CLI printed above; `npm run rebuild -- drop <it>` frees its space');
    return true;
  }
  if (code === 2) {
    say('THE LIVE AND REBUILT VERSIONS DIFFER. What the CLI printed is just above: how many members differ, examples');
    say('(tenant/member: live checksum vs rebuilt checksum), and the ledger_build_<n> schema it kept for inspection.');
    say('The live version was not touched (the demo does not pass --swap-on-differences).');
  }
  return false;
}

async function balanceAfterRebuild(demo: Reader, before: Balance, swapped: boolean): Promise<void> {
  const servedBy = swapped ? 'now served by the rebuilt version' : 'still served by the live version, which the rebuild did not replace';
  step(14, `The balance again, ${servedBy} (GET ${memberPath(demo, 'balance', {})})`);
  const after = await queryMember(demo, 'balance after the rebuild', 'balance', {}, balanceSchema);
  for (const line of balanceTable(after)) say(line);
  const figures = (b: Balance) => ({ currencies: b.currencies, total: b.total, debt: b.debt });
  if (!isDeepStrictEqual(figures(after), figures(before))) {
    throw new Error(`the balance changed across the rebuild: before ${JSON.stringify(figures(before))}, after ${JSON.stringify(figures(after))}`);
  }
  say(`debt ${after.debt}; position ${after.position}: unchanged, every figure equal to step 8's`);
}

async function main(): Promise<void> {
  const run = randomUUID().slice(0, 8);
  const withRebuild = rebuildWanted();
  const clock = stackClock();
  const demo: Demo = { key: apiKey(), program: tenantProgram(clock.now()), memberId: `demo-member-${run}`, run, clock };
  console.log(`Loyalty ledger demo: tenant ${TENANT} (program ${demo.program.version}), ingestion ${INGESTION}, query API ${QUERY}`);
  if (clock.offsetMs() !== 0) {
    console.log(`The stack's clock runs ${formatOffset(clock.offsetMs())} ahead of real time (${clock.file}: moved by \`npm run clock\` or an earlier demo): the demo's times are the stack's, now ${clock.now()}.`);
  }
  console.log(
    withRebuild
      ? 'It ends with a rebuild of the ledger projection from the whole log: minutes on a dev ledger holding millions of events (DEMO_REBUILD=0 skips it).'
      : 'DEMO_REBUILD=0: the rebuild at the end is skipped.',
  );

  await enrol(demo);
  const first = await purchase(demo);
  await retryPurchase(demo, first);
  const activityPoints = await signedActivity(demo);
  const reversed = await returnOneApparelUnit(demo);
  const points = 300;
  const redemption = await redeem(demo, points);
  const available = first.points + activityPoints - reversed - points;
  await overspend(demo, available);

  // The reads: the last write that changed anything is the redemption; its token covers every
  // earlier write of the member (a member's events are in order in one partition).
  const reader: Reader = { ...demo, token: redemption.consistencyToken };
  const expected: Expected = { active: available, spent: points, reversed };
  const balance = await readBalance(reader, expected);
  const history = await readHistory(reader);
  const redeemed = history.items.find((e) => e.causeId === redemption.redemptionId);
  if (redeemed === undefined) throw new Error(`history: no movement caused by redemption ${redemption.redemptionId} on the first page`);
  await readBalanceAsOf(reader, redeemed.recordedAt, expected);
  const buckets = await readBuckets(reader, balance);
  printHistory(reader, history);
  await readExpirations(reader, buckets);

  if (withRebuild) {
    const swapped = await rebuild();
    await balanceAfterRebuild(reader, balance, swapped);
    if (!swapped) throw new Error('the rebuild did not complete: see its output above');
  } else {
    step(13, 'Rebuild the ledger projection from the log: skipped (DEMO_REBUILD=0)');
  }

  const story = await runTierStory({ key: demo.key, program: demo.program, run, clock }, withRebuild ? 15 : 14);
  await showConnectorDeliveries(story.nextStep, story.memberId, story.tierChanges, demo.key);
  console.log(withRebuild ? '\nDemo complete.' : '\nDemo complete (without the rebuild).');
}

main().catch((error: unknown) => {
  console.error(`\ndemo failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
