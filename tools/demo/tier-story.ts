// The demo's tier story (ADR-18), with a second member and the stack's clock moved forward: the
// member reaches Gold, is warned that temporary points expire and that Gold is at risk, loses Gold
// when they expire, and gets a re-engagement offer, then earns Gold back with it. What the rules
// service decides is read from the ledger topic, as any subscriber would; balances from the query
// API. The numbers are the program's (config/programs/demo.json): 4 reviews of 50 temporary points
// expiring after 90 days, 4,900 permanent points, Gold at 5,000, warnings 7 days ahead.
import { type LedgerEventOf, type LedgerEventType, type ProgramConfig, nextTenantDay, tenantDayOf, tenantDayStart } from '@loyalty/domain';
import { parseConsistencyToken } from '@loyalty/kafka';
import { formatOffset } from '../clock/clock-command';
import { type MemberReader, activitySchema, enrolledSchema, expectAnswer, memberPath, postJson, purchasedSchema, queryMember } from './demo-http';
import { say, step } from './demo-output';
import { TENANT, stackKafka } from './demo-settings';
import { eventsTable } from './ledger-event-views';
import { type MemberLedger, type PlacedEvent, watchMemberLedger } from './member-ledger';
import { type TierBalance, balanceTable, tierBalanceSchema, tierStanding, toSecond } from './member-views';
import { type RulesDays, rulesDays } from './rules-days';
import { DAY_MS, type StackClock } from './stack-clock';
import { type StoryNumbers, storyNumbers } from './tier-story-numbers';

/** How long the demo waits for the rules service to decide after a write (it folds the log as it comes). */
const DECISION_WAIT_MS = 60_000;
/** The same, plus this much per tenant day the clock passed: the service runs the days one after the other. */
const WAIT_PER_DAY_MS = 1_000;

export interface TierStoryInput {
  readonly key: string;
  readonly program: ProgramConfig;
  readonly run: string;
  readonly clock: StackClock;
}

interface Story extends TierStoryInput {
  readonly memberId: string;
  readonly numbers: StoryNumbers;
  readonly ledger: MemberLedger;
  readonly days: RulesDays;
  /** Events up to this index have been printed. */
  shown: number;
  next: number;
}

const isType =
  <T extends LedgerEventType>(type: T) =>
  (e: PlacedEvent): e is PlacedEvent & { readonly event: LedgerEventOf<T> } =>
    e.event.type === type;
const ofType = <T extends LedgerEventType>(events: readonly PlacedEvent[], type: T) => events.filter(isType(type)).map((e) => e.event);

function title(story: Story, text: string): void {
  step(story.next, text);
  story.next += 1;
}

/** Prints the member's events that arrived since the last print. */
function printNewEvents(story: Story): void {
  const events = story.ledger.events();
  for (const line of eventsTable(events.slice(story.shown))) say(line);
  story.shown = events.length;
}

async function dayProgress(story: Story): Promise<string> {
  const progress = await story.days.progress(TENANT);
  const days = progress === undefined ? 'no day run yet for the tenant' : `last tenant day done ${progress.lastDayDone}, now ${progress.phase}`;
  return `the rules service: ${days}; the stack's clock: ${story.clock.now()} (logs: .stack/logs/rules.log)`;
}

function until<T>(story: Story, what: string, probe: (events: readonly PlacedEvent[]) => T | undefined, timeoutMs = DECISION_WAIT_MS): Promise<T> {
  return story.ledger.until(what, probe, timeoutMs, () => dayProgress(story));
}

function check(what: string, ok: boolean, detail: () => string): void {
  if (!ok) throw new Error(`${what}: ${detail()}`);
}

/**
 * After `npm run clock -- reset --allow-backwards` the rules service has run days the stack's clock
 * has not reached yet, and runs none until it gets back there: the story starts on that day.
 */
async function catchUpWithRulesDays(input: TierStoryInput, days: RulesDays): Promise<void> {
  const zone = input.program.timeZone;
  const progress = await days.progress(TENANT);
  if (progress === undefined) return;
  // Mid-day (not idle), the service is on the day after the last one done, whatever the clock says.
  const onDay = progress.phase === 'idle' ? progress.lastDayDone : nextTenantDay(progress.lastDayDone);
  if (onDay <= tenantDayOf(input.clock.now(), zone)) return;
  const at = Date.parse(tenantDayStart(onDay, zone)) + 60_000;
  const offset = input.clock.move({ kind: 'set', atMs: at });
  say(`the rules service has already run tenant day ${onDay} (the clock was moved back since) and runs no day before the clock gets there:`);
  say(`clock moved forward to ${new Date(at).toISOString()} first (offset ${formatOffset(offset)}), as \`npm run clock -- set\` would`);
}

async function enrol(input: TierStoryInput, memberId: string, days: RulesDays, firstStep: number): Promise<Story> {
  step(firstStep, `Tier story: a second member, ${memberId}, enrols (POST /v1/members); the rules service puts them in a tier`);
  const numbers = storyNumbers(input.program);
  await catchUpWithRulesDays(input, days);
  const ladder = input.program.tiers.levels.map((l) => `${l.name} ${l.threshold}`).join(' / ');
  say(`the stack's clock: ${input.clock.now()} (offset ${formatOffset(input.clock.offsetMs())}); tiers by qualifying points: ${ladder}`);
  const body = { tenantId: TENANT, memberId, enrolledAt: input.clock.now(), email: `${memberId}@example.com` };
  const enrolled = expectAnswer('tier story: enrolment', await postJson('/v1/members', input.key, body), 202, enrolledSchema);
  const from = parseConsistencyToken(enrolled.consistencyToken);
  if (from === null) throw new Error(`tier story: enrolment answered an unreadable consistency token ${enrolled.consistencyToken}`);
  say(`202 enrolled, at ${enrolled.consistencyToken}: the member's events are in partition ${from.partition} of the ledger topic from offset ${from.offset}`);
  const ledger = await watchMemberLedger(stackKafka(), TENANT, memberId, from, input.run);
  return { ...input, memberId, numbers, ledger, days, shown: 0, next: firstStep + 1 };
}

async function firstTier(story: Story): Promise<void> {
  const { first } = story.numbers;
  const bronze = await until(story, `TierChanged to ${first.id} on enrolment`, (events) => events.find(isType('TierChanged')));
  check('enrolment tier', bronze.event.data.from === null && bronze.event.data.to === first.id && bronze.event.data.reason === 'ENROLLED', () => JSON.stringify(bronze.event.data));
  say(`read from the ledger topic (kafkajs consumer seeking to that position; the rules service's decisions are events there):`);
  printNewEvents(story);
}

async function earnGold(story: Story): Promise<PlacedEvent & { readonly event: LedgerEventOf<'TierChanged'> }> {
  const { numbers } = story;
  const { review, purchase, top, first } = numbers;
  title(story, `${numbers.reviews} x ${review.type} (POST /v1/activities) and a purchase of ${purchase.amountLabel} of ${purchase.line.category} (POST /v1/purchases)`);
  for (let n = 1; n <= numbers.reviews; n += 1) {
    const body = { tenantId: TENANT, activityId: `demo-${story.run}-review-${n}`, memberId: story.memberId, activityType: review.type, occurredAt: story.clock.now() };
    const recorded = expectAnswer(`tier story: review ${n}`, await postJson('/v1/activities', story.key, body), 202, activitySchema);
    check(`tier story: review ${n}`, recorded.points === review.points && !recorded.limited, () => `${recorded.points} points (limited ${recorded.limited}), the program gives ${review.points}`);
    say(`202 ${body.activityId}: ${recorded.points} ${review.currency} points, expiring ${review.expiresAfterDays} days after they became active`);
  }
  const body = { tenantId: TENANT, transactionId: `demo-${story.run}-gold-tx`, memberId: story.memberId, occurredAt: story.clock.now(), channel: 'web', currency: story.program.moneyCurrency, lines: [purchase.line] };
  const bought = expectAnswer('tier story: purchase', await postJson('/v1/purchases', story.key, body), 202, purchasedSchema);
  check('tier story: purchase', bought.points === purchase.points && !bought.pending, () => `${bought.points} points (pending ${bought.pending}), the program gives ${purchase.points}, active at once`);
  say(`202 ${body.transactionId}: ${bought.points} ${story.program.earning.pointCurrency} points (rate ${purchase.rate} per ${story.program.moneyCurrency}; they never expire)`);
  say(`qualifying points: ${numbers.reviews} x ${review.points} + ${purchase.points} = ${numbers.qualifyingAtTop}, at or over ${top.name}'s ${top.threshold}`);
  const gold = await until(story, `TierChanged ${first.id} -> ${top.id}`, (events) => events.filter(isType('TierChanged')).find((e) => e.event.data.to === top.id));
  const data = gold.event.data;
  check(`TierChanged to ${top.id}`, data.from === first.id && data.direction === 'UP' && data.reason === 'EARNED' && data.qualifyingPoints === numbers.qualifyingAtTop, () => JSON.stringify(data));
  printNewEvents(story);
  return gold;
}

async function readTierBalance(story: Story, token: string, what: string): Promise<TierBalance> {
  const reader: MemberReader = { key: story.key, memberId: story.memberId, token };
  title(story, `${what} (GET ${memberPath(reader, 'balance', { consistencyToken: token })})`);
  const balance = await queryMember(reader, `tier story: ${what}`, 'balance', {}, tierBalanceSchema);
  for (const line of balanceTable(balance)) say(line);
  say(tierStanding(balance));
  return balance;
}

function checkTierBalance(what: string, balance: TierBalance, expected: { tier: string; qualifying: number; active: number; expired: number; nextNeeded: number | null }): void {
  const actual = { tier: balance.tier.id, qualifying: balance.qualifyingPoints, active: balance.total.active, expired: balance.total.expired, nextNeeded: balance.nextTier?.pointsNeeded ?? null };
  check(what, JSON.stringify(actual) === JSON.stringify(expected), () => `expected ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`);
}

/** Moves the stack's clock forward by whole days, as `npm run clock -- advance <n>d` does. */
function advanceClock(story: Story, days: number): void {
  const before = story.clock.now();
  const offset = story.clock.move({ kind: 'advance', byMs: days * DAY_MS });
  say(`npm run clock -- advance ${days}d: ${story.clock.file} now holds {"offsetMs": ${offset}} (${formatOffset(offset)}); the services read it within a second`);
  say(`the stack's clock: ${before} -> ${story.clock.now()}`);
}

async function warnings(story: Story, reviewBuckets: readonly LedgerEventOf<'PointsEarned'>[]): Promise<void> {
  const { numbers } = story;
  const { top, second, review } = numbers;
  title(story, `Move the clock ${numbers.warnAfterDays} days on: the ${review.currency} points expire within ${story.program.expiryWarningDays} days`);
  advanceClock(story, numbers.warnAfterDays);
  say(`the rules service runs each passed tenant day at midnight (${story.program.timeZone}), one after the other; on the last one it warns:`);
  const started = Date.now();
  const risk = await until(
    story,
    `${numbers.reviews} PointsExpiringSoon and a TierDowngradeRisk (${top.id} -> ${second.id})`,
    (events) => (ofType(events, 'PointsExpiringSoon').length >= numbers.reviews ? events.find(isType('TierDowngradeRisk')) : undefined),
    DECISION_WAIT_MS + numbers.warnAfterDays * WAIT_PER_DAY_MS,
  );
  printNewEvents(story);
  const events = story.ledger.events();
  const warned = ofType(events, 'PointsExpiringSoon');
  const expected = reviewBuckets.map((e) => `${e.data.bucketId} ${e.data.points} ${e.data.expiresAt ?? ''}`).sort();
  const got = warned.map((e) => `${e.data.bucketId} ${e.data.points} ${e.data.expiresAt}`).sort();
  check('expiry warnings', JSON.stringify(got) === JSON.stringify(expected), () => `expected one per review bucket (${expected.join('; ')}), got ${got.join('; ')}`);
  const { data } = risk.event;
  const deadline = reviewBuckets.map((e) => e.data.expiresAt ?? '').sort()[numbers.bucketsToFall - 1];
  const wanted = { reason: 'POINTS_EXPIRING', tier: top.id, downgradeTo: second.id, pointsNeeded: numbers.riskPointsNeeded, qualifyingPoints: numbers.qualifyingAtTop, expiringPoints: numbers.bucketsToFall * review.points };
  const actual = { reason: data.reason, tier: data.tier, downgradeTo: data.downgradeTo, pointsNeeded: data.pointsNeeded, qualifyingPoints: data.qualifyingPoints, expiringPoints: data.expiringPoints };
  check('downgrade risk', JSON.stringify(actual) === JSON.stringify(wanted) && Date.parse(data.deadline) === Date.parse(deadline ?? ''), () => `expected ${JSON.stringify({ ...wanted, deadline })}, got ${JSON.stringify(data)}`);
  check('order', events.findLastIndex(isType('PointsExpiringSoon')) < events.indexOf(risk), () => 'expected the warnings, then the risk');
  say(`${warned.length} warnings, one per bucket; ${top.name} is at risk: once ${numbers.bucketsToFall} of those buckets expire (${toSecond(data.deadline)}),`);
  say(`${data.qualifyingPoints} - ${data.expiringPoints} < ${top.threshold}; ${data.pointsNeeded} more qualifying points before then keep ${top.name}`);
  say(`(the rules service took ${((Date.now() - started) / 1_000).toFixed(1)} s to run the ${numbers.warnAfterDays} days)`);
}

async function expiry(story: Story): Promise<PlacedEvent & { readonly event: LedgerEventOf<'ReengagementOfferGranted'> }> {
  const { numbers, program } = story;
  const { top, second, review } = numbers;
  title(story, `Move the clock ${numbers.expireAfterDays} more days on: past the expiry`);
  advanceClock(story, numbers.expireAfterDays);
  const started = Date.now();
  const offer = await until(
    story,
    `${numbers.reviews} PointsExpired, TierChanged ${top.id} -> ${second.id} (EXPIRED) and a ReengagementOfferGranted`,
    (events) => events.find(isType('ReengagementOfferGranted')),
    DECISION_WAIT_MS + numbers.expireAfterDays * WAIT_PER_DAY_MS,
  );
  printNewEvents(story);
  const events = story.ledger.events();
  const expired = events.filter(isType('PointsExpired'));
  check('expiries', expired.length === numbers.reviews && expired.every((e) => e.event.data.points === review.points), () => `expected ${numbers.reviews} x ${review.points}, got ${expired.map((e) => e.event.data.points).join(', ')}`);
  const down = events.filter(isType('TierChanged')).find((e) => e.event.data.direction === 'DOWN');
  const d = down?.event.data;
  check(`TierChanged ${top.id} -> ${second.id}`, d?.from === top.id && d.to === second.id && d.reason === 'EXPIRED' && d.qualifyingPoints === numbers.purchase.points, () => JSON.stringify(d ?? 'none'));
  const o = offer.event.data;
  const r = program.reengagement;
  check('re-engagement offer', o.activityType === r.activityType && o.bonusPoints === r.bonusPoints && Date.parse(o.validUntil) - Date.parse(o.validFrom) === r.windowDays * DAY_MS, () => JSON.stringify(o));
  const downAt = events.indexOf(down as PlacedEvent);
  check('order', events.findLastIndex(isType('PointsExpired')) < downAt && downAt < events.indexOf(offer), () => 'expected the expiries, then the tier change, then the offer');
  const ids = events.map((e) => e.event.metadata.eventId);
  check('every event once', new Set(ids).size === ids.length, () => `duplicate event ids among ${ids.join(', ')}`);
  say(`the points expired at the tenant's midnight, ${top.name} was lost through expiry, and the member is offered +${o.bonusPoints} for ${o.activityType}`);
  say(`within ${r.windowDays} days (rules service: ${((Date.now() - started) / 1_000).toFixed(1)} s for the ${numbers.expireAfterDays} days)`);
  return offer;
}

async function reengage(story: Story, offer: LedgerEventOf<'ReengagementOfferGranted'>): Promise<void> {
  const { numbers, program } = story;
  const { top, second } = numbers;
  const type = offer.data.activityType;
  const at = story.clock.now();
  title(story, `The member takes the offer: ${type} at ${at}, inside the offer's window (POST /v1/activities)`);
  check('offer window', Date.parse(offer.data.validFrom) <= Date.parse(at) && Date.parse(at) < Date.parse(offer.data.validUntil), () => `${at} is outside ${offer.data.validFrom} .. ${offer.data.validUntil}`);
  const body = { tenantId: TENANT, activityId: `demo-${story.run}-usage-1`, memberId: story.memberId, activityType: type, occurredAt: at };
  const recorded = expectAnswer('tier story: re-engagement activity', await postJson('/v1/activities', story.key, body), 202, activitySchema);
  check('re-engagement activity', recorded.points === numbers.usagePoints + offer.data.bonusPoints, () => `${recorded.points} points, expected ${numbers.usagePoints} + the offer's ${offer.data.bonusPoints}`);
  say(`202: ${recorded.points} ${program.reengagement.currency} points (${numbers.usagePoints} for the activity + ${offer.data.bonusPoints} bonus)`);
  const back = await until(story, `TierChanged ${second.id} -> ${top.id}`, (events) => events.filter(isType('TierChanged')).find((e) => e.event.data.from === second.id && e.event.data.to === top.id));
  check(`TierChanged back to ${top.id}`, back.event.data.reason === 'EARNED' && back.event.data.qualifyingPoints === numbers.purchase.points + recorded.points, () => JSON.stringify(back.event.data));
  printNewEvents(story);
  const balance = await readTierBalance(story, back.token, `The balance: ${top.name} again`);
  checkTierBalance('balance after the offer', balance, { tier: top.id, qualifying: numbers.purchase.points + recorded.points, active: numbers.purchase.points + recorded.points, expired: numbers.reviews * numbers.review.points, nextNeeded: null });
}

async function clockNote(story: Story): Promise<void> {
  title(story, "The stack's clock stays where the story left it");
  const offset = story.clock.offsetMs();
  say(`it runs ${Math.floor(offset / DAY_MS)} days ahead of real time now (${formatOffset(offset)}; \`npm run clock -- show\`). Another \`npm run demo\` carries on from there.`);
  say('to go back to real time: npm run clock -- reset --allow-backwards');
  const lastDay = (await story.days.progress(TENANT))?.lastDayDone ?? tenantDayOf(story.clock.now(), story.program.timeZone);
  say(`(the rules service has run tenant ${TENANT}'s days up to ${lastDay}: after a reset it runs no further day, so no activation, expiry or`);
  say(` warning, until the clock reaches that date again; the next \`npm run demo\` moves the clock forward to it before its tier story)`);
}

/** Steps `firstStep`... of the demo: the tier story of a fresh member. */
/** Runs the story; answers the member and the next step's number. */
export async function runTierStory(input: TierStoryInput, firstStep: number): Promise<{ memberId: string; nextStep: number; tierChanges: number }> {
  const started = Date.now();
  const days = rulesDays();
  let story: Story | undefined;
  try {
    story = await enrol(input, `demo-${input.run}-gold`, days, firstStep);
    await firstTier(story);
    const gold = await earnGold(story);
    const atTop = await readTierBalance(story, gold.token, `The balance from the query API: ${story.numbers.top.name}`);
    const { numbers } = story;
    checkTierBalance('balance at the top', atTop, { tier: numbers.top.id, qualifying: numbers.qualifyingAtTop, active: numbers.qualifyingAtTop, expired: 0, nextNeeded: null });
    const reviewBuckets = ofType(story.ledger.events(), 'PointsEarned').filter((e) => e.data.currency === numbers.review.currency);
    await warnings(story, reviewBuckets);
    const offer = await expiry(story);
    const lost = await readTierBalance(story, offer.token, `The balance: ${numbers.second.name}, ${numbers.top.threshold - numbers.purchase.points} points short of ${numbers.top.name}`);
    checkTierBalance('balance after the expiry', lost, { tier: numbers.second.id, qualifying: numbers.purchase.points, active: numbers.purchase.points, expired: numbers.reviews * numbers.review.points, nextNeeded: numbers.top.threshold - numbers.purchase.points });
    await reengage(story, offer.event);
    await clockNote(story);
    say(`(the tier story took ${((Date.now() - started) / 1_000).toFixed(0)} s)`);
    return { memberId: story.memberId, nextStep: story.next, tierChanges: ofType(story.ledger.events(), 'TierChanged').length };
  } finally {
    await story?.ledger.stop();
    await days.close();
  }
}
