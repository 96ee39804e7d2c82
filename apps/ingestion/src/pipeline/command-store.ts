import { type Kysely, type RawBuilder, type Transaction, sql } from 'kysely';
import { type Database } from '@loyalty/db';
import { type LedgerEvent } from '@loyalty/domain';

export interface MemberRef {
  readonly tenantId: string;
  readonly memberId: string;
}

export interface StoredCommand {
  readonly tenantId: string;
  readonly commandKey: string;
  readonly memberId: string;
  readonly requestHash: string;
  readonly status: number;
  readonly summary: Record<string, unknown>;
  readonly eventIds: readonly string[];
  /** The events of a command decided in this batch; empty for one read back (its batch holds them). */
  readonly events: readonly LedgerEvent[];
  /** True once its events are in the log (or when it had none). */
  readonly published: boolean;
  readonly position: string | null;
}

/** A batch whose events Kafka has not acknowledged yet: the outbox, one row per pipeline batch. */
export interface PendingBatch {
  readonly batchId: number;
  /** Its commands in the order of `events`, with how many events each contributed. */
  readonly commands: readonly BatchCommand[];
  readonly events: readonly LedgerEvent[];
}

export interface BatchCommand {
  readonly tenantId: string;
  readonly commandKey: string;
  readonly eventCount: number;
}

export const memberKeyOf = (m: MemberRef): string => JSON.stringify([m.tenantId, m.memberId]);
export const commandKeyOf = (c: { tenantId: string; commandKey: string }): string => JSON.stringify([c.tenantId, c.commandKey]);

interface CommandRow {
  tenant_id: string;
  command_key: string;
  member_id: string;
  request_hash: string;
  status: number;
  summary: Record<string, unknown>;
  event_ids: string[];
  published: boolean;
  position: string | null;
}

function toStored(r: CommandRow): StoredCommand {
  return {
    tenantId: r.tenant_id,
    commandKey: r.command_key,
    memberId: r.member_id,
    requestHash: r.request_hash,
    status: r.status,
    summary: r.summary,
    eventIds: r.event_ids,
    events: [],
    published: r.published,
    position: r.position,
  };
}

/**
 * Most unpublished batches one pipeline batch publishes before its own. After a long outage the
 * backlog drains a few batches per decision (and per relay sweep), each sent on its own, so no
 * send grows past what Kafka accepts in one request.
 */
export const MAX_BACKLOG_BATCHES = 4;

// The stored commands among some keys, with their batch's publication.
const commandsQuery = (keys: readonly { tenantId: string; commandKey: string }[]) => sql<CommandRow>`
  select c.tenant_id, c.command_key, c.member_id, c.request_hash, c.status, c.summary, c.event_ids,
    case when c.batch_id is null then c.published else b.events is null end as published,
    coalesce(c.position, b.positions ->> c.batch_index) as position
  from ingestion_commands c
  join unnest(${keys.map((k) => k.tenantId)}::text[], ${keys.map((k) => k.commandKey)}::text[]) as k(tenant_id, command_key) using (tenant_id, command_key)
  left join ingestion_batches b on b.batch_id = c.batch_id`;

interface BatchRow {
  batch_id: number;
  commands: [string, string, number][];
  events: LedgerEvent[];
}

const toPending = (r: BatchRow): PendingBatch => ({
  batchId: r.batch_id,
  commands: r.commands.map(([tenantId, commandKey, eventCount]) => ({ tenantId, commandKey, eventCount })),
  events: r.events,
});

/** The stored commands among these keys (resends and id reuses). */
export async function findCommands(db: Kysely<Database>, keys: readonly { tenantId: string; commandKey: string }[]): Promise<Map<string, StoredCommand>> {
  const { rows } = await commandsQuery(keys).execute(db);
  return new Map(rows.map((r) => [commandKeyOf({ tenantId: r.tenant_id, commandKey: r.command_key }), toStored(r)]));
}

/**
 * In one round trip: the stored commands among these keys (resends and id reuses), and the
 * unpublished batches holding events of these members, oldest first (they go to the log before
 * anything newer of theirs).
 */
export async function findCommandsAndBacklog(
  trx: Transaction<Database>,
  keys: readonly { tenantId: string; commandKey: string }[],
  members: readonly MemberRef[],
): Promise<{ existing: Map<string, StoredCommand>; backlog: PendingBatch[]; moreBacklog: boolean }> {
  // Keys travel as arrays (unnest): a batch of 500 commands stays a few parameters.
  const { rows } = await sql<{ commands: CommandRow[]; backlog: BatchRow[] }>`
    select
      (select coalesce(json_agg(c), '[]') from (${commandsQuery(keys)}) c) as commands,
      (select coalesce(json_agg(b order by b.batch_id), '[]') from (
        select batch_id, commands, events from ingestion_batches
        where events is not null and member_keys && ${members.map(memberKeyOf)}::text[]
        order by batch_id limit ${MAX_BACKLOG_BATCHES + 1}) b) as backlog`.execute(trx);
  const row = rows[0] ?? { commands: [], backlog: [] };
  return {
    existing: new Map(row.commands.map((r) => [commandKeyOf({ tenantId: r.tenant_id, commandKey: r.command_key }), toStored(r)])),
    backlog: row.backlog.slice(0, MAX_BACKLOG_BATCHES).map(toPending),
    moreBacklog: row.backlog.length > MAX_BACKLOG_BATCHES,
  };
}

/**
 * Stores the decided commands, their batch (the outbox row) when some have events, and the
 * member-state writes riding along, as one SQL statement: one round trip for all of a batch's
 * writes. Returns the batch, or undefined when there was nothing to publish.
 */
export async function insertCommands(trx: Transaction<Database>, commands: readonly StoredCommand[], alongside: readonly RawBuilder<unknown>[]): Promise<PendingBatch | undefined> {
  // Each write in a WITH of its own: they touch different tables, so running them together changes nothing.
  const withs = alongside.map((statement, i) => sql`${sql.raw(`w${i}`)} as (${statement})`);
  if (commands.length === 0) {
    if (withs.length > 0) await sql`with ${sql.join(withs)} select 1`.execute(trx);
    return undefined;
  }
  const pending = commands.filter((c) => !c.published);
  const indexOf = new Map(pending.map((c, i) => [commandKeyOf(c), i]));
  const col = <T>(f: (c: StoredCommand) => T) => commands.map(f);
  const rows = sql`unnest(
      ${col((c) => c.tenantId)}::text[], ${col((c) => c.commandKey)}::text[], ${col((c) => c.memberId)}::text[],
      ${col((c) => c.requestHash)}::text[], ${col((c) => c.status)}::int[], ${col((c) => JSON.stringify(c.summary))}::jsonb[],
      ${col((c) => JSON.stringify(c.eventIds))}::jsonb[], ${col((c) => c.published)}::boolean[], ${col((c) => c.position)}::text[],
      ${col((c) => indexOf.get(commandKeyOf(c)) ?? null)}::int[])
    as u(tenant_id, command_key, member_id, request_hash, status, summary, event_ids, published, position, batch_index)`;
  if (pending.length === 0) {
    const prefix = withs.length > 0 ? sql`with ${sql.join(withs)}` : sql``;
    await sql`${prefix}
      insert into ingestion_commands (tenant_id, command_key, member_id, request_hash, status, summary, event_ids, published, position)
      select tenant_id, command_key, member_id, request_hash, status, summary, event_ids, published, position from ${rows}`.execute(trx);
    return undefined;
  }
  const batchCommands = pending.map((c) => ({ tenantId: c.tenantId, commandKey: c.commandKey, eventCount: c.events.length }));
  const events = pending.flatMap((c) => c.events);
  const memberKeys = [...new Set(pending.map(memberKeyOf))];
  const batch = sql`batch as (
      insert into ingestion_batches (member_keys, commands, events)
      values (${memberKeys}::text[], ${JSON.stringify(batchCommands.map((c) => [c.tenantId, c.commandKey, c.eventCount]))}::jsonb, ${JSON.stringify(events)}::jsonb)
      returning batch_id)`;
  const { rows: inserted } = await sql<{ batch_id: number }>`
    with ${sql.join([...withs, batch])}
    insert into ingestion_commands (tenant_id, command_key, member_id, request_hash, status, summary, event_ids, published, position, batch_id, batch_index)
    select tenant_id, command_key, member_id, request_hash, status, summary, event_ids, published, position,
      case when batch_index is null then null else (select batch_id from batch) end, batch_index
    from ${rows}
    returning (select batch_id from batch)`.execute(trx);
  const batchId = inserted[0]?.batch_id;
  if (batchId === undefined) throw new Error('the batch row was not created');
  return { batchId, commands: batchCommands, events };
}

/** Marks batches as in the log: their events are dropped, each command's position kept. */
export async function markPublished(db: Kysely<Database>, published: readonly { batchId: number; positions: readonly (string | null)[] }[]): Promise<void> {
  if (published.length === 0) return;
  await sql`
    update ingestion_batches as b set events = null, positions = v.positions
    from unnest(${published.map((p) => p.batchId)}::bigint[], ${published.map((p) => JSON.stringify(p.positions))}::jsonb[]) as v(batch_id, positions)
    where b.batch_id = v.batch_id`.execute(db);
}

/** Members with events stuck in unpublished batches for longer than `olderThanMs` (their writer failed or died). */
export async function membersWithStaleOutbox(db: Kysely<Database>, olderThanMs: number, limit: number): Promise<MemberRef[]> {
  const { rows } = await sql<{ member_key: string }>`
    select distinct unnest(member_keys) as member_key from ingestion_batches
    where events is not null and created_at < now() - make_interval(secs => ${olderThanMs / 1000})
    limit ${limit}`.execute(db);
  return rows.map((r) => {
    const [tenantId, memberId] = JSON.parse(r.member_key) as [string, string];
    return { tenantId, memberId };
  });
}
