import { type Kysely, type Selectable, type Transaction, sql } from 'kysely';
import { type Database, type IngestionCommandsTable } from '@loyalty/db';
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
  /** The events while they wait in the outbox; empty once they are in the log. */
  readonly events: readonly LedgerEvent[];
  readonly published: boolean;
  readonly position: string | null;
}

export const memberKeyOf = (m: MemberRef): string => JSON.stringify([m.tenantId, m.memberId]);
export const commandKeyOf = (c: { tenantId: string; commandKey: string }): string => JSON.stringify([c.tenantId, c.commandKey]);

type CommandRow = Selectable<IngestionCommandsTable> & { events: unknown };

function toStored(r: CommandRow): StoredCommand {
  return {
    tenantId: r.tenant_id,
    commandKey: r.command_key,
    memberId: r.member_id,
    requestHash: r.request_hash,
    status: r.status,
    summary: r.summary as Record<string, unknown>,
    eventIds: r.event_ids as string[],
    events: (r.events ?? []) as LedgerEvent[],
    published: r.published,
    position: r.position,
  };
}

/**
 * In one query: the stored commands among these keys (resends and id reuses), and the commands of
 * these members whose events wait in the outbox, oldest first.
 */
export async function findCommandsAndBacklog(
  trx: Transaction<Database>,
  keys: readonly { tenantId: string; commandKey: string }[],
  members: readonly MemberRef[],
): Promise<{ existing: Map<string, StoredCommand>; backlog: StoredCommand[] }> {
  // Keys travel as arrays (unnest) and join through the primary keys and the outbox's member index.
  const { rows } = await sql<CommandRow>`
    select c.*, o.events from ingestion_commands c
    join unnest(${keys.map((k) => k.tenantId)}::text[], ${keys.map((k) => k.commandKey)}::text[]) as k(tenant_id, command_key) using (tenant_id, command_key)
    left join ingestion_outbox o using (tenant_id, command_key)
    union all
    select c.*, o.events from ingestion_outbox o
    join unnest(${members.map((m) => m.tenantId)}::text[], ${members.map((m) => m.memberId)}::text[]) as m(tenant_id, member_id) using (tenant_id, member_id)
    join ingestion_commands c using (tenant_id, command_key)
    order by seq`.execute(trx);
  const wanted = new Set(keys.map(commandKeyOf));
  const stored = rows.map(toStored);
  return {
    existing: new Map(stored.filter((c) => wanted.has(commandKeyOf(c))).map((c) => [commandKeyOf(c), c])),
    backlog: stored.filter((c) => !c.published),
  };
}

/** Stores the decided commands; the events of those not yet published go to the outbox. */
export async function insertCommands(trx: Transaction<Database>, commands: readonly StoredCommand[]): Promise<void> {
  if (commands.length === 0) return;
  const col = <R, T>(rows: readonly R[], f: (r: R) => T) => rows.map(f);
  const { rows: seqs } = await sql<{ tenant_id: string; command_key: string; seq: number }>`
    insert into ingestion_commands (tenant_id, command_key, member_id, request_hash, status, summary, event_ids, published, position)
    select * from unnest(
      ${col(commands, (c) => c.tenantId)}::text[], ${col(commands, (c) => c.commandKey)}::text[], ${col(commands, (c) => c.memberId)}::text[],
      ${col(commands, (c) => c.requestHash)}::text[], ${col(commands, (c) => c.status)}::int[], ${col(commands, (c) => JSON.stringify(c.summary))}::jsonb[],
      ${col(commands, (c) => JSON.stringify(c.eventIds))}::jsonb[], ${col(commands, (c) => c.published)}::boolean[], ${col(commands, (c) => c.position)}::text[])
    returning tenant_id, command_key, seq`.execute(trx);
  const seqOf = new Map(seqs.map((r) => [commandKeyOf({ tenantId: r.tenant_id, commandKey: r.command_key }), r.seq]));
  const pending = commands.filter((c) => !c.published);
  if (pending.length === 0) return;
  await sql`
    insert into ingestion_outbox (tenant_id, command_key, member_id, seq, events)
    select * from unnest(
      ${col(pending, (c) => c.tenantId)}::text[], ${col(pending, (c) => c.commandKey)}::text[], ${col(pending, (c) => c.memberId)}::text[],
      ${col(pending, (c) => seqOf.get(commandKeyOf(c)) ?? 0)}::bigint[], ${col(pending, (c) => JSON.stringify(c.events))}::jsonb[])`.execute(trx);
}

/** Marks commands as in the log, with the position their events reached. */
export async function markPublished(db: Kysely<Database>, published: readonly { tenantId: string; commandKey: string; position: string }[]): Promise<void> {
  if (published.length === 0) return;
  const tenants = published.map((p) => p.tenantId);
  const keys = published.map((p) => p.commandKey);
  await db.transaction().execute(async (trx) => {
    await sql`
      update ingestion_commands as c set published = true, position = v.position
      from unnest(${tenants}::text[], ${keys}::text[], ${published.map((p) => p.position)}::text[]) as v(tenant_id, command_key, position)
      where c.tenant_id = v.tenant_id and c.command_key = v.command_key`.execute(trx);
    await sql`
      delete from ingestion_outbox as o using unnest(${tenants}::text[], ${keys}::text[]) as v(tenant_id, command_key)
      where o.tenant_id = v.tenant_id and o.command_key = v.command_key`.execute(trx);
  });
}

/** Members with events stuck in the outbox for longer than `olderThanMs` (their writer failed or died). */
export async function membersWithStaleOutbox(db: Kysely<Database>, olderThanMs: number, limit: number): Promise<MemberRef[]> {
  const rows = await db
    .selectFrom('ingestion_outbox')
    .select(['tenant_id', 'member_id'])
    .distinct()
    .where('created_at', '<', sql<Date>`now() - make_interval(secs => ${olderThanMs / 1000})`)
    .limit(limit)
    .execute();
  return rows.map((r) => ({ tenantId: r.tenant_id, memberId: r.member_id }));
}
