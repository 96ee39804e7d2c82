import { type LedgerEvent, tenantDayOf } from '@loyalty/domain';
import {
  type MemberBalanceAnswer,
  RULES_DERIVED_TYPES,
  RestartableService,
  RulesProgress,
  type StatusCounts,
  type StorefrontRequest,
  type TestSystem,
  conflictingIds,
  expiriesNotMatchingRemaining,
  firstOfEachId,
  isRulesDerived,
  lifecycleWorkload,
  memberBalances,
  multisetDifference,
  readLedger,
  rowDifference,
  NO_ROW_DIFFERENCE,
  rulesEventKey,
  seededRandom,
  sendStorefrontRequests,
  startTestSystem,
  tierChainBreaks,
} from '@loyalty/testing';

/**
 * The issue: "Exactly-once effects. A crash at any point, before or after producing, before or
 * after committing, leaves consumers seeing no lost and no duplicated event. Test it by killing
 * the process at random points."
 *
 * One seeded workload (a few hundred members of two tenants over 105 days: enrolments, pending
 * purchases, temporary points from activities, returns, redemptions, VIPs) runs twice, on two
 * systems of their own (ingestion, projector, rules, each with its test clock), at once: untouched,
 * and with the rules process killed with SIGKILL at seeded moments (see KILL_MODES) and started
 * again. Day by day the clock moves on and each run waits until its system is quiet, so both see
 * the same inputs at the same simulated times. Then the logs must agree: the same rules-derived
 * events (each id with one content), the same balances and tiers.
 */
const SEED = 20_261_205;
const DAYS = 105;
const KILLS = 12;
const DAY_MS = 86_400_000;
const TENANTS = [
  { tenantId: 'acme', members: 170 },
  { tenantId: 'globex', members: 110 },
];
const ZONES: Record<string, string> = { acme: 'Europe/Berlin', globex: 'America/New_York' };
const PROGRAMS = { acme: { pendingDays: 3 }, globex: { pendingDays: 5, timeZone: 'America/New_York' } };
/**
 * - unconfirmed: Kafka has the outbox's events, the relay has not deleted them (the spec holds the
 *   rows' locks, so the relay blocks on its delete): the restarted relay publishes them again;
 *   deterministic, as the spec holds the relay's advisory lock until events are queued;
 * - after-publish: as soon as the relay reports decisions published;
 * - queued: decisions committed in the outbox, not yet published;
 * - day-run: a tenant's day is between its phases;
 * - mid-workload: while a burst of storefront events is folded;
 * - delay: a seeded delay after the clock moved.
 */
const KILL_MODES = ['unconfirmed', 'after-publish', 'queued', 'day-run', 'mid-workload', 'delay'] as const;
type KillMode = (typeof KILL_MODES)[number];

interface Kill {
  readonly day: number;
  readonly mode: KillMode;
  readonly delayMs: number;
}

interface KillRecord extends Kill {
  /** What the spec saw when it killed: the tenants' day phases and the outbox size (`fallback`: the awaited moment did not come in time). */
  readonly seen: string;
}

interface RunResult {
  readonly ledger: LedgerEvent[];
  readonly balances: Map<string, MemberBalanceAnswer>;
  readonly kills: KillRecord[];
  readonly statuses: StatusCounts;
  readonly ms: number;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Kill days among those where something happens (activations early, warnings, expiries and offers late), each mode at least twice. */
function killPlan(seed: number): Map<number, Kill> {
  const random = seededRandom(seed);
  // Activations of the first purchases run on days 4 to 14; warnings, expiries and offers on 84 to 103.
  const candidates = [...Array.from({ length: 11 }, (_, i) => i + 4), ...Array.from({ length: 20 }, (_, i) => i + 84)];
  const days: number[] = [];
  while (days.length < KILLS) {
    const day = candidates[Math.floor(random() * candidates.length)] ?? 2;
    if (!days.includes(day)) days.push(day);
  }
  return new Map(days.map((day, i) => [day, { day, mode: KILL_MODES[i % KILL_MODES.length] as KillMode, delayMs: Math.floor(random() * 400) }]));
}

async function decisionsPublished(system: TestSystem): Promise<number> {
  const text = await fetch(`${system.rules?.baseUrl ?? ''}/metrics`, { signal: AbortSignal.timeout(2_000) }).then(
    (r) => r.text(),
    () => '',
  );
  return text
    .split('\n')
    .filter((line) => line.startsWith('loyalty_rules_decisions_total'))
    .reduce((sum, line) => sum + Number(line.slice(line.lastIndexOf(' ') + 1)), 0);
}

/** Polls `probe` every few ms until it names what it saw, or gives up after `ms` ('fallback': the kill happens anyway). */
async function poll(probe: () => Promise<string | undefined>, ms = 4_000): Promise<string> {
  for (const deadline = Date.now() + ms; Date.now() < deadline; await sleep(5)) {
    const seen = await probe();
    if (seen !== undefined) return seen;
  }
  return 'fallback';
}

/** How each kill finds its moment: what was seen, and what to let go once the process is dead. */
const MOMENTS: Record<KillMode, (system: TestSystem, progress: RulesProgress, kill: Kill, publishedBefore: number) => Promise<{ seen: string; release?: () => Promise<void> }>> = {
  unconfirmed: async (_system, progress) => {
    // Once the day's commands are out (so the day goes on), tier changes and warnings follow:
    // events, so that the ledger (not only ingestion's command input) gets them twice.
    await poll(async () => {
      const { phases, outbox, outboxEvents } = await progress.dayPhases();
      return phases.some((p) => p !== 'idle') && outbox === outboxEvents ? 'commands out' : undefined;
    });
    const hold = await progress.holdOutbox('event', 4_000);
    if (hold.rows === 0) return { seen: 'fallback', release: hold.release };
    const seen = await poll(async () => ((await progress.relayWaitsToDelete()) ? `relay published ${hold.rows} held events, waits to delete them` : undefined));
    return { seen, release: hold.release };
  },
  'after-publish': async (system, _progress, _kill, publishedBefore) => ({
    seen: await poll(async () => ((await decisionsPublished(system)) > publishedBefore ? 'decisions published' : undefined)),
  }),
  queued: async (_system, progress) => ({ seen: await poll(async () => ((await progress.dayPhases()).outbox > 0 ? 'decisions queued' : undefined)) }),
  'day-run': async (_system, progress) => ({ seen: await poll(async () => ((await progress.dayPhases()).phases.some((p) => p !== 'idle') ? 'mid day-run' : undefined)) }),
  'mid-workload': async (_system, _progress, kill) => sleep(kill.delayMs).then(() => ({ seen: 'after delay' })),
  delay: async (_system, _progress, kill) => sleep(kill.delayMs).then(() => ({ seen: 'after delay' })),
};

/** Waits (briefly) for the moment the kill is meant for, then kills the rules process and starts it again. */
async function killAtItsMoment(system: TestSystem, progress: RulesProgress, kill: Kill, publishedBefore: number): Promise<KillRecord> {
  const { seen, release } = await MOMENTS[kill.mode](system, progress, kill, publishedBefore);
  const state = await progress.dayPhases();
  // Held rows are let go only once the process is dead: its transaction then rolls back, undeleted.
  await system.crashRules(release);
  return { ...kill, seen: `${seen}; phases ${state.phases.join('/')}, outbox ${state.outbox}` };
}

/** Runs the workload day by day on `system`, killing the rules process as `kills` says. */
async function run(system: TestSystem, start: number, workload: readonly StorefrontRequest[][], kills: ReadonlyMap<number, Kill>): Promise<RunResult> {
  const began = Date.now();
  const progress = new RulesProgress(system);
  const records: KillRecord[] = [];
  const statuses: StatusCounts = {};
  const today = (at: number) => Object.fromEntries(TENANTS.map(({ tenantId }) => [tenantId, tenantDayOf(new Date(at).toISOString(), ZONES[tenantId] ?? 'UTC')]));
  try {
    for (let day = 0; day < DAYS; day++) {
      const at = start + day * DAY_MS;
      const kill = kills.get(day);
      const publishedBefore = kill?.mode === 'after-publish' ? await decisionsPublished(system) : 0;
      system.clock.set(new Date(at).toISOString());
      if (kill !== undefined && kill.mode !== 'mid-workload') records.push(await killAtItsMoment(system, progress, kill, publishedBefore));
      await progress.untilSettled(day === 0 ? {} : today(at));
      const sending = sendStorefrontRequests(system, workload[day] ?? []);
      if (kill?.mode === 'mid-workload') records.push(await killAtItsMoment(system, progress, kill, 0));
      for (const [key, n] of Object.entries(await sending)) statuses[key] = (statuses[key] ?? 0) + n;
      await progress.untilSettled(today(at));
    }
    await progress.untilSettled(today(start + (DAYS - 1) * DAY_MS), { projector: true });
  } finally {
    await progress.close();
  }
  const members = TENANTS.flatMap(({ tenantId, members: n }) => Array.from({ length: n }, (_, m) => ({ tenantId, memberId: `m${m}` })));
  return { ledger: await readLedger(system.kafka), balances: await memberBalances(system, members), kills: records, statuses, ms: Date.now() - began };
}

/** The rules-derived history of the members a difference names, in both runs (log order, with duplicates), for the failure's reader. */
function explain(difference: readonly { key: string }[], crashed: readonly LedgerEvent[], reference: readonly LedgerEvent[]): string {
  const members = new Set(difference.map((d) => d.key.split(' ')[1] ?? ''));
  const history = (events: readonly LedgerEvent[], member: string) =>
    events
      .filter((e) => `${e.metadata.tenantId}|${e.metadata.memberId}` === member && e.type !== 'PurchaseRecorded' && e.type !== 'ActivityRecorded')
      .map((e) => `  ${e.metadata.eventId.slice(0, 8)} ${e.metadata.occurredAt} ${isRulesDerived(e) ? rulesEventKey(e).split(' ').slice(2).join(' ') : ''} ${isRulesDerived(e) ? e.type : `${e.type} ${JSON.stringify(e.data).slice(0, 120)}`}`)
      .join('\n');
  return [...members].map((m) => `--- ${m}, crashed run:\n${history(crashed, m)}\n--- ${m}, reference run:\n${history(reference, m)}\n`).join('');
}

const count = (events: readonly LedgerEvent[], where: (e: LedgerEvent) => boolean) => events.filter(where).length;
const comparable = (b: MemberBalanceAnswer) => ({ ...b, position: undefined });

describe('the rules service survives kill -9 at any point', () => {
  let untouched: TestSystem;
  let crashing: TestSystem;

  beforeAll(async () => {
    const options = { tenants: TENANTS.map((t) => t.tenantId), programs: PROGRAMS, rulesEnv: { RULES_TICK_MS: '50' } };
    [untouched, crashing] = await Promise.all([startTestSystem({ ...options, rules: true }), startTestSystem({ ...options, rules: 'crashable' })]);
  }, 120_000);

  afterAll(async () => {
    await Promise.all([untouched?.stop(), crashing?.stop()]);
  });

  it(
    `after ${KILLS} SIGKILLs of the rules process over ${DAYS} days, the log holds the same rules events, each once, and the same balances as a run without crashes`,
    async () => {
      // Both clocks start at the same moment of the same day (mid-morning in both tenants' zones).
      const start = Math.ceil(Date.now() / DAY_MS) * DAY_MS + DAY_MS + 10 * 3_600_000;
      const workload = lifecycleWorkload({ seed: SEED, tenants: TENANTS, days: DAYS, start: new Date(start).toISOString() });
      const plan = killPlan(SEED + 1);
      const [reference, crashed] = await Promise.all([run(untouched, start, workload, new Map()), run(crashing, start, workload, plan)]);
      process.stderr.write(
        `rules crash recovery: reference run ${reference.ms} ms, crashed run ${crashed.ms} ms, ${crashed.ledger.length} ledger events (${crashed.ledger.length - firstOfEachId(crashed.ledger).length} published again); kills (day mode delay: seen): ${crashed.kills
          .map((k) => `${k.day} ${k.mode} ${k.delayMs}ms: ${k.seen}`)
          .join(' | ')}\nrequests: ${JSON.stringify(reference.statuses)}\n`,
      );
      // A process that died while starting was started again (as an orchestrator would); say why it died.
      const failedStarts = crashing.rules instanceof RestartableService ? crashing.rules.startFailures : [];
      if (failedStarts.length > 0) process.stderr.write(`rules processes that exited while starting:\n${failedStarts.join('\n---\n')}\n`);
      expect(crashed.kills).toHaveLength(KILLS);
      // At least one kill landed after Kafka took the outbox's events and before the relay's commit,
      // and the restarted relay published them again: the log holds those ids twice.
      expect(crashed.kills.filter((k) => k.mode === 'unconfirmed' && k.seen.startsWith('relay published')).length).toBeGreaterThan(0);
      expect(crashed.ledger.length - firstOfEachId(crashed.ledger).length).toBeGreaterThan(0);
      // Both runs got the same answers from ingestion: the workload was the same, and so were its inputs.
      expect(crashed.statuses).toEqual(reference.statuses);

      const derived = (events: readonly LedgerEvent[]) => events.filter(isRulesDerived);
      // The workload exercises every rule: every rules-derived type, downgrades by expiry and by return.
      const referenceDerived = firstOfEachId(derived(reference.ledger));
      expect(RULES_DERIVED_TYPES.filter((type) => count(referenceDerived, (e) => e.type === type) === 0)).toEqual([]);
      expect(count(referenceDerived, (e) => e.type === 'TierChanged' && e.data.reason === 'EXPIRED')).toBeGreaterThan(0);
      expect(count(referenceDerived, (e) => e.type === 'TierChanged' && e.data.reason === 'REVERSED')).toBeGreaterThan(0);

      // (a) An id published twice (a crash between producing and deleting from the outbox) is the same event.
      expect(conflictingIds(derived(crashed.ledger))).toEqual([]);
      expect(conflictingIds(derived(reference.ledger))).toEqual([]);

      // Every member's tier changes hold together: none lost, none decided on a state gone back.
      expect(tierChainBreaks(crashed.ledger)).toEqual([]);
      expect(tierChainBreaks(reference.ledger)).toEqual([]);

      // (b) Deduplicated by id, the crashed run derived exactly what the untouched run did.
      const keys = (events: readonly LedgerEvent[]) => firstOfEachId(derived(events)).map(rulesEventKey);
      const difference = multisetDifference(keys(crashed.ledger), keys(reference.ledger));
      if (difference.length > 0) process.stderr.write(explain(difference, crashed.ledger, reference.ledger));
      expect(difference).toEqual([]);

      // (c) The projector's balances and tiers agree member by member.
      expect(crashed.balances.size).toBe(TENANTS.reduce((s, t) => s + t.members, 0));
      const rows = (balances: Map<string, MemberBalanceAnswer>) => [...balances].map(([key, b]) => ({ key, ...comparable(b) }));
      expect(rowDifference(rows(crashed.balances), rows(reference.balances), (r) => r.key)).toEqual(NO_ROW_DIFFERENCE);

      // An expiry takes exactly what the bucket still held (ingestion's write model decides it), never more.
      expect(expiriesNotMatchingRemaining(crashed.ledger)).toEqual([]);
      expect(expiriesNotMatchingRemaining(reference.ledger)).toEqual([]);
      expect(count(firstOfEachId(crashed.ledger), (e) => e.type === 'PointsExpired')).toBeGreaterThan(0);
    },
    // A bound, not a measurement: two systems of three services, 105 days, 12 restarts on 2 cores.
    290_000,
  );
});
