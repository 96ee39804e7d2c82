import { type Kysely, sql } from 'kysely';
import { type RulesDatabase } from '@loyalty/db';
import { type LedgerEvent, type RulesView, decideTier, evolveRules, needsDeduplication, tenantDayOf } from '@loyalty/domain';
import { type LedgerBatch } from '@loyalty/kafka';
import { type ProgramCatalog } from '@loyalty/programs';
import { type OutboxItem, enqueue } from '../outbox/rules-outbox';
import { firstSightings, loadViews, saveViews, viewKey } from '../state/rules-state.store';

export interface ApplyRulesDeps {
  readonly programs: ProgramCatalog;
  readonly idFor: (...parts: string[]) => string;
  readonly now: () => string;
  /**
   * Whether to decide tier changes. A state rebuild folds the log quietly: the decisions it would
   * make are already in the log (the rules service's own events), and folding them reproduces them.
   */
  readonly decide: boolean;
}

export interface ApplyRulesResult {
  readonly applied: number;
  /** The batch started past the stored offset: nothing applied, resume here. */
  readonly seekTo?: string;
  /** Decisions were queued: the relay has something to publish. */
  readonly queued: boolean;
}

/** The events the rules service itself appends: folding them again changes nothing, they trigger nothing. */
const OWN_EVENTS = new Set<LedgerEvent['type']>(['TierChanged', 'PointsExpiringSoon', 'TierDowngradeRisk']);

/**
 * The day run's movements: for a member the day in progress is moving, the tier they change is
 * re-evaluated at the day's end, once all of that day's activations and expiries are folded
 * (activate, expire, then tiers).
 */
const DAY_MOVEMENTS = new Set<LedgerEvent['type']>(['PointsActivated', 'PointsExpired']);

/**
 * Folds one partition's batch into the rules state and decides the tier changes it causes, in one
 * transaction with the partition's offset: a crash anywhere replays the batch from the stored
 * offset, and the decisions (in the outbox) commit with the state they were decided on.
 */
export async function applyRulesBatch(db: Kysely<RulesDatabase>, consumer: string, batch: LedgerBatch, deps: ApplyRulesDeps): Promise<ApplyRulesResult> {
  const tenants = new Map<string, string>();
  const result = await db.transaction().execute(async (trx): Promise<ApplyRulesResult> => {
    // One round trip creates the partition's offset row if needed, locks it and reads it: the
    // row lock serialises two instances that both hold the partition during a rebalance.
    const stored = await sql<{ next_offset: number }>`
      insert into rules_offsets (consumer, topic, partition, next_offset) values (${consumer}, ${batch.topic}, ${batch.partition}, 0)
      on conflict (consumer, topic, partition) do update set next_offset = rules_offsets.next_offset
      returning next_offset`.execute(trx);
    const from = BigInt(stored.rows[0]?.next_offset ?? 0);
    if (BigInt(batch.firstOffset) > from) return { applied: 0, seekTo: from.toString(), queued: false };
    const fresh = batch.events.filter((e) => BigInt(e.offset) >= from).map((e) => e.event);
    if (fresh.length === 0 && BigInt(batch.nextOffset) <= from) return { applied: 0, queued: false };

    const members = new Map<string, { tenantId: string; memberId: string }>();
    for (const e of fresh) members.set(viewKey(e.metadata.tenantId, e.metadata.memberId), { tenantId: e.metadata.tenantId, memberId: e.metadata.memberId });
    const sorted = [...members.values()].sort((a, b) => (viewKey(a.tenantId, a.memberId) < viewKey(b.tenantId, b.memberId) ? -1 : 1));
    const loaded = await loadViews(trx, sorted, { lock: true });
    const views = new Map(loaded);
    const firstSeen = await firstSightings(
      trx,
      fresh.filter(needsDeduplication).map((e) => ({ tenantId: e.metadata.tenantId, eventId: e.metadata.eventId })),
    );

    // Fold each event, and decide the member's tier right after it: decisions then follow the
    // log's order alone, whatever batches Kafka happens to deliver (two thresholds crossed are two
    // changes). The day's activations and expiries are the exception (DAY_MOVEMENTS).
    // Members whose activations and expiries a day run in progress is waiting for: the day's end
    // decides their tier. Any other activation or expiry is decided as it comes.
    const movements = fresh.filter((e) => DAY_MOVEMENTS.has(e.type));
    const inDayRun = new Set<string>();
    if (movements.length > 0) {
      const rows = await sql<{ tenant_id: string; member_id: string }>`
        select d.tenant_id, d.member_id from rules_day_members d
        join unnest(${movements.map((e) => e.metadata.tenantId)}::text[], ${movements.map((e) => e.metadata.memberId)}::text[]) as k(tenant_id, member_id) using (tenant_id, member_id)`.execute(trx);
      for (const r of rows.rows) inDayRun.add(viewKey(r.tenant_id, r.member_id));
    }

    const outbox: OutboxItem[] = [];
    let applied = 0;
    for (const event of fresh) {
      const key = viewKey(event.metadata.tenantId, event.metadata.memberId);
      if (needsDeduplication(event) && !firstSeen.delete(`${event.metadata.tenantId}|${event.metadata.eventId}`)) continue;
      const before = views.get(key) as RulesView;
      let after = evolveRules(before, event);
      applied += 1;
      if (!tenants.has(event.metadata.tenantId)) tenants.set(event.metadata.tenantId, event.metadata.recordedAt);
      // Only a change of qualifying points (or a member without a tier yet) can change the tier.
      const mayChangeTier = after.member.tier === null || after.member.qualifying !== before.member.qualifying;
      if (deps.decide && mayChangeTier && !OWN_EVENTS.has(event.type) && !(DAY_MOVEMENTS.has(event.type) && inDayRun.has(key))) {
        const dropped = after.member.qualifying < before.member.qualifying ? after.member.lastDrop : null;
        const program = deps.programs.at(event.metadata.tenantId, event.metadata.occurredAt);
        const context = { idFor: deps.idFor, recordedAt: deps.now(), cause: { eventId: event.metadata.eventId, correlationId: event.metadata.correlationId } };
        const decided = decideTier(after, dropped, event.metadata.occurredAt, program, context);
        after = decided.view;
        outbox.push(...decided.events.map((payload) => ({ kind: 'event' as const, payload })));
      }
      views.set(key, after);
    }

    await saveViews(trx, [...views.values()], loaded);
    const queued = (await enqueue(trx, outbox)) !== null;
    await registerTenants(trx, new Map([...tenants].filter(([tenantId]) => !registeredIn(db).has(tenantId))), deps.programs);
    await sql`update rules_offsets set next_offset = ${batch.nextOffset} where consumer = ${consumer} and topic = ${batch.topic} and partition = ${batch.partition}`.execute(trx);
    return { applied, queued };
  });
  for (const tenantId of tenants.keys()) registeredIn(db).add(tenantId);
  return result;
}

/** Tenants registered in a database by this process: their row exists, no statement needed. */
const registeredTenants = new WeakMap<object, Set<string>>();
function registeredIn(db: object): Set<string> {
  let set = registeredTenants.get(db);
  if (set === undefined) registeredTenants.set(db, (set = new Set()));
  return set;
}

/**
 * A tenant's day runs start the day after its first event: nothing can be due on the day the
 * ledger first hears of it.
 */
async function registerTenants(db: Parameters<typeof enqueue>[0], tenants: Map<string, string>, programs: ProgramCatalog): Promise<void> {
  if (tenants.size === 0) return;
  const rows = [...tenants].map(([tenantId, at]) => ({ tenantId, day: tenantDayOf(at, programs.at(tenantId, at).timeZone) }));
  await sql`
    insert into rules_tenants (tenant_id, last_day_done)
    select * from unnest(${rows.map((r) => r.tenantId)}::text[], ${rows.map((r) => r.day)}::text[])
    on conflict (tenant_id) do nothing`.execute(db);
}
