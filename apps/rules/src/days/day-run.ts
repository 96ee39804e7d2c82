import { type Kafka } from 'kafkajs';
import { type Kysely, type RawBuilder, type Transaction, sql } from 'kysely';
import { type RulesDatabase } from '@loyalty/db';
import { type RulesView, addDays, decideDayEnd, decideDueMovements, decideTier, nextTenantDay, tenantDayStart } from '@loyalty/domain';
import { type ProgramCatalog } from '@loyalty/programs';
import { type OutboxItem, enqueue, outboxItems } from '../outbox/rules-outbox';
import { loadViews, saveViews } from '../state/rules-state.store';

/** Members decided per transaction: bounds lock time and memory on a tenant of millions. */
const CHUNK = 2_000;

export interface DayRunDeps {
  readonly db: Kysely<RulesDatabase>;
  readonly kafka: Kafka;
  readonly programs: ProgramCatalog;
  readonly idFor: (...parts: string[]) => string;
  readonly now: () => string;
  /** The rules consumer's name in rules_offsets, and the ledger topic it consumes. */
  readonly consumer: string;
  readonly ledgerTopic: string;
  /** Where commands go, and the ingestion group that consumes them. */
  readonly commandsTopic: string;
  readonly ingestionGroup: string;
  /** How long after a day boundary the day runs. */
  readonly delayMs: number;
}

interface PhaseState {
  readonly day?: string;
  readonly dayStart?: string;
  /** Highest outbox sequence of the day's commands: they must be published first. */
  readonly outboxSeq?: string | null;
  /** Ends of the command topic once published, then of the ledger: what must be consumed before the day goes on. */
  readonly commandsEnd?: Record<string, string>;
  readonly ledgerEnd?: Record<string, string>;
  /** The last member decided by the current phase (members go in id order). */
  readonly cursor?: string;
}

type Tenant = { tenant_id: string; last_day_done: string; phase: string; phase_state: PhaseState };
export type StepOutcome = 'progress' | 'waiting' | 'idle';

/**
 * One tenant's day at its boundary, in product.md's order, as a resumable state machine stored
 * with the tenant (`rules_tenants`), so a crash at any point resumes where it stopped:
 * - `idle`: when the next day has begun, decide its activations and expiries (commands to
 *   ingestion, which decides the amounts under the member's lock);
 * - `movements`: wait until those commands are published, consumed by ingestion, and their events
 *   are folded back into the rules state;
 * - `day-end`: decide tier re-evaluation, warnings, downgrade risks and offers from that state,
 *   member by member (each chunk commits its decisions with the state they change).
 * Deciding a member twice decides nothing new (its state already holds the first decision), and
 * every id is deterministic, so a re-run day appends nothing twice.
 */
export class DayRun {
  private readonly due = new Map<string, string[]>();

  constructor(private readonly deps: DayRunDeps) {}

  async tenants(): Promise<string[]> {
    const rows = await this.deps.db.selectFrom('rules_tenants').select('tenant_id').orderBy('tenant_id').execute();
    return rows.map((r) => r.tenant_id);
  }

  /** One step of the tenant's day (a chunk, or a check of what it waits for). */
  async step(tenantId: string): Promise<StepOutcome> {
    return this.deps.db.transaction().execute(async (trx) => {
      const row = await sql<Tenant>`select tenant_id, last_day_done, phase, phase_state from rules_tenants where tenant_id = ${tenantId} for update skip locked`.execute(trx);
      const tenant = row.rows[0];
      if (tenant === undefined) return 'waiting';
      switch (tenant.phase) {
        case 'idle':
          return this.startDay(trx, tenant);
        case 'movements':
          return this.awaitMovements(trx, tenant);
        case 'day-end':
          return this.endDay(trx, tenant);
        default:
          throw new Error(`unknown day phase ${tenant.phase} for tenant ${tenantId}`);
      }
    });
  }

  private dayOf(tenant: Tenant): { day: string; dayStart: string; previousStart: string } {
    const day = tenant.phase_state.day ?? nextTenantDay(tenant.last_day_done);
    const zone = this.deps.programs.at(tenant.tenant_id, tenantDayStart(day, 'UTC')).timeZone;
    return { day, dayStart: tenantDayStart(day, zone), previousStart: tenantDayStart(tenant.last_day_done, zone) };
  }

  private async startDay(trx: Transaction<RulesDatabase>, tenant: Tenant): Promise<StepOutcome> {
    const { day, dayStart } = this.dayOf(tenant);
    if (Date.parse(this.deps.now()) < Date.parse(dayStart) + this.deps.delayMs) return 'idle';
    const cursor = tenant.phase_state.cursor ?? '';
    const t = tenant.tenant_id;
    const members = await this.dueMembers(trx, `${t}|${day}|movements`, cursor, sql`
      select member_id from rules_buckets where tenant_id = ${t} and pending and active_from <= ${dayStart}
      union select member_id from rules_buckets where tenant_id = ${t} and not expired and expires_at <= ${dayStart}`);
    const program = this.deps.programs.at(t, dayStart);
    const views = await loadViews(trx, members.map((memberId) => ({ tenantId: t, memberId })), { lock: true });
    const context = { idFor: this.deps.idFor, recordedAt: this.deps.now(), cause: null };
    const items: OutboxItem[] = [];
    const moved: string[] = [];
    for (const view of views.values()) {
      const commands = decideDueMovements(view, dayStart, program, context);
      if (commands.length > 0) moved.push(view.member.memberId);
      items.push(...commands.map((payload) => ({ kind: 'command' as const, payload })));
    }
    const seq = await enqueue(trx, items);
    if (moved.length > 0) {
      await sql`insert into rules_day_members (tenant_id, member_id) select ${t}, unnest(${moved}::text[]) on conflict do nothing`.execute(trx);
    }
    const outboxSeq = seq ?? tenant.phase_state.outboxSeq ?? null;
    const last = members.at(-1);
    if (members.length === CHUNK && last !== undefined) {
      await this.save(trx, tenant.tenant_id, 'idle', { day, dayStart, outboxSeq, cursor: last });
    } else {
      // Even with no commands, the second half waits for the log as it stands now: what was
      // appended up to the boundary (a redemption a moment before midnight) must be folded first.
      await this.save(trx, tenant.tenant_id, 'movements', { day, dayStart, outboxSeq });
    }
    return 'progress';
  }

  private async awaitMovements(trx: Transaction<RulesDatabase>, tenant: Tenant): Promise<StepOutcome> {
    const state = tenant.phase_state;
    if (state.outboxSeq !== null && state.outboxSeq !== undefined) {
      const unpublished = await sql<{ n: number }>`select count(*)::int as n from rules_outbox where seq <= ${state.outboxSeq}`.execute(trx);
      if ((unpublished.rows[0]?.n ?? 0) > 0) return 'waiting';
    }
    const commandsSent = state.outboxSeq !== null && state.outboxSeq !== undefined;
    if (state.ledgerEnd === undefined) {
      const admin = this.deps.kafka.admin();
      await admin.connect();
      try {
        if (state.commandsEnd === undefined && commandsSent) {
          const ends = await admin.fetchTopicOffsets(this.deps.commandsTopic);
          await this.save(trx, tenant.tenant_id, 'movements', { ...state, commandsEnd: Object.fromEntries(ends.map((e) => [String(e.partition), e.high])) });
          return 'progress';
        }
        if (commandsSent) {
          const [committed] = await admin.fetchOffsets({ groupId: this.deps.ingestionGroup, topics: [this.deps.commandsTopic] });
          const done = new Map((committed?.partitions ?? []).map((p) => [String(p.partition), BigInt(p.offset === '-1' ? '0' : p.offset)]));
          if (Object.entries(state.commandsEnd ?? {}).some(([p, end]) => (done.get(p) ?? 0n) < BigInt(end))) return 'waiting';
        }
        const ends = await admin.fetchTopicOffsets(this.deps.ledgerTopic);
        await this.save(trx, tenant.tenant_id, 'movements', { ...state, ledgerEnd: Object.fromEntries(ends.map((e) => [String(e.partition), e.high])) });
        return 'progress';
      } finally {
        await admin.disconnect();
      }
    }
    const applied = await sql<{ partition: number; next_offset: number }>`
      select partition, next_offset from rules_offsets where consumer = ${this.deps.consumer} and topic = ${this.deps.ledgerTopic}`.execute(trx);
    const at = new Map(applied.rows.map((r) => [String(r.partition), BigInt(r.next_offset)]));
    if (Object.entries(state.ledgerEnd).some(([p, end]) => BigInt(end) > 0n && (at.get(p) ?? 0n) < BigInt(end))) return 'waiting';
    await this.save(trx, tenant.tenant_id, 'day-end', { day: state.day, dayStart: state.dayStart });
    return 'progress';
  }

  private async endDay(trx: Transaction<RulesDatabase>, tenant: Tenant): Promise<StepOutcome> {
    const { day, dayStart, previousStart } = this.dayOf(tenant);
    const program = this.deps.programs.at(tenant.tenant_id, dayStart);
    const programChanged = this.deps.programs
      .of(tenant.tenant_id)
      .versions.some((v) => Date.parse(v.effectiveFrom) > Date.parse(previousStart) && Date.parse(v.effectiveFrom) <= Date.parse(dayStart));
    const windowEnd = addDays(dayStart, program.expiryWarningDays);
    const cursor = tenant.phase_state.cursor ?? '';
    const t = tenant.tenant_id;
    // Buckets already warned need no visit: their risk was weighed the day they entered the window.
    const members = await this.dueMembers(trx, `${t}|${day}|day-end`, cursor, sql`
      select member_id from rules_members where tenant_id = ${t} and grace_until <= ${dayStart}
      union select member_id from rules_members where tenant_id = ${t} and offer_due_for is not null
      union select member_id from rules_buckets where tenant_id = ${t} and not expired and not pending and not warned and remaining > 0 and expires_at > ${dayStart} and expires_at <= ${windowEnd}
      union select member_id from rules_day_members where tenant_id = ${t}
      ${programChanged ? sql`union select member_id from rules_members where tenant_id = ${t}` : sql``}`);
    const views = await loadViews(trx, members.map((memberId) => ({ tenantId: t, memberId })), { lock: true });
    const context = { idFor: this.deps.idFor, recordedAt: this.deps.now(), cause: null };
    const decided: RulesView[] = [];
    const items: OutboxItem[] = [];
    const moved = new Set(
      (await sql<{ member_id: string }>`select member_id from rules_day_members where tenant_id = ${t} and member_id = any(${members}::text[])`.execute(trx)).rows.map((r) => r.member_id),
    );
    for (const view of views.values()) {
      // 3. The tier after the day's activations and expiries, all folded by now.
      const tier = moved.has(view.member.memberId) ? decideTier(view, view.member.lastDrop, dayStart, program, context) : { view, events: [] };
      const decision = decideDayEnd(tier.view, dayStart, program, context, { programChanged });
      decided.push(decision.view);
      items.push(...outboxItems({ events: [...tier.events, ...decision.events], commands: decision.commands }));
    }
    await saveViews(trx, decided, views);
    await enqueue(trx, items);
    const last = members.at(-1);
    if (members.length === CHUNK && last !== undefined) {
      await this.save(trx, t, 'day-end', { day, dayStart, cursor: last });
    } else {
      await sql`delete from rules_day_members where tenant_id = ${t}`.execute(trx);
      await sql`update rules_tenants set last_day_done = ${day}, phase = 'idle', phase_state = '{}'::jsonb, updated_at = now() where tenant_id = ${t}`.execute(trx);
    }
    return 'progress';
  }

  /**
   * The next chunk of a phase's members, in id order after `cursor`. The members due are found
   * once per phase (one scan of the indexes) and kept for its chunks; after a restart the scan
   * runs again from the stored cursor.
   */
  private async dueMembers(trx: Transaction<RulesDatabase>, phaseKey: string, cursor: string, due: RawBuilder<unknown>): Promise<string[]> {
    let list = this.due.get(phaseKey);
    if (list === undefined) {
      const rows = await sql<{ member_id: string }>`select member_id from (${due}) due where member_id > ${cursor} order by member_id`.execute(trx);
      list = rows.rows.map((r) => r.member_id);
      this.due.set(phaseKey, list);
    }
    let from = 0;
    while (from < list.length && (list[from] as string) <= cursor) from += 1;
    const chunk = list.slice(from, from + CHUNK);
    if (chunk.length < CHUNK) this.due.delete(phaseKey); // the phase's last chunk
    return chunk;
  }

  private async save(trx: Transaction<RulesDatabase>, tenantId: string, phase: string, state: PhaseState): Promise<void> {
    await sql`update rules_tenants set phase = ${phase}, phase_state = ${JSON.stringify(state)}::jsonb, updated_at = now() where tenant_id = ${tenantId}`.execute(trx);
  }
}
