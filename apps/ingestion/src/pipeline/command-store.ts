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
  readonly events: readonly LedgerEvent[];
  readonly published: boolean;
  readonly position: string | null;
}

export const memberKeyOf = (m: MemberRef): string => JSON.stringify([m.tenantId, m.memberId]);
export const commandKeyOf = (c: { tenantId: string; commandKey: string }): string => JSON.stringify([c.tenantId, c.commandKey]);

type CommandRow = Selectable<IngestionCommandsTable>;

function toStored(r: CommandRow): StoredCommand {
  return {
    tenantId: r.tenant_id,
    commandKey: r.command_key,
    memberId: r.member_id,
    requestHash: r.request_hash,
    status: r.status,
    summary: r.summary as Record<string, unknown>,
    events: r.events as LedgerEvent[],
    published: r.published,
    position: r.position,
  };
}

/**
 * In one query: the stored commands among these keys (resends and id reuses), and the commands of
 * these members whose events are not in the log yet (the outbox), oldest first.
 */
export async function findCommandsAndBacklog(
  trx: Transaction<Database>,
  keys: readonly { tenantId: string; commandKey: string }[],
  members: readonly MemberRef[],
): Promise<{ existing: Map<string, StoredCommand>; backlog: StoredCommand[] }> {
  // Keys travel as arrays (unnest) and join through the primary key and the outbox's partial index.
  const { rows } = await sql<CommandRow>`
    select c.* from ingestion_commands c
    join unnest(${keys.map((k) => k.tenantId)}::text[], ${keys.map((k) => k.commandKey)}::text[]) as k(tenant_id, command_key) using (tenant_id, command_key)
    union all
    select c.* from ingestion_commands c
    join unnest(${members.map((m) => m.tenantId)}::text[], ${members.map((m) => m.memberId)}::text[]) as m(tenant_id, member_id) using (tenant_id, member_id)
    where not c.published
    order by seq`.execute(trx);
  const wanted = new Set(keys.map(commandKeyOf));
  const stored = rows.map(toStored);
  return {
    existing: new Map(stored.filter((c) => wanted.has(commandKeyOf(c))).map((c) => [commandKeyOf(c), c])),
    backlog: stored.filter((c) => !c.published),
  };
}

export async function insertCommands(trx: Transaction<Database>, commands: readonly StoredCommand[]): Promise<void> {
  if (commands.length === 0) return;
  const col = <T>(f: (c: StoredCommand) => T) => commands.map(f);
  await sql`
    insert into ingestion_commands (tenant_id, command_key, member_id, request_hash, status, summary, events, published, position)
    select * from unnest(
      ${col((c) => c.tenantId)}::text[], ${col((c) => c.commandKey)}::text[], ${col((c) => c.memberId)}::text[],
      ${col((c) => c.requestHash)}::text[], ${col((c) => c.status)}::int[], ${col((c) => JSON.stringify(c.summary))}::jsonb[],
      ${col((c) => JSON.stringify(c.events))}::jsonb[], ${col((c) => c.published)}::boolean[], ${col((c) => c.position)}::text[])`.execute(trx);
}

/** Marks commands as in the log, with the position their events reached. */
export async function markPublished(db: Kysely<Database>, published: readonly { tenantId: string; commandKey: string; position: string }[]): Promise<void> {
  if (published.length === 0) return;
  await sql`
    update ingestion_commands as c set published = true, position = v.position
    from unnest(${published.map((p) => p.tenantId)}::text[], ${published.map((p) => p.commandKey)}::text[], ${published.map((p) => p.position)}::text[])
      as v(tenant_id, command_key, position)
    where c.tenant_id = v.tenant_id and c.command_key = v.command_key`.execute(db);
}

/** Members with events stuck in the outbox for longer than `olderThanMs` (their writer failed or died). */
export async function membersWithStaleOutbox(db: Kysely<Database>, olderThanMs: number, limit: number): Promise<MemberRef[]> {
  const rows = await db
    .selectFrom('ingestion_commands')
    .select(['tenant_id', 'member_id'])
    .distinct()
    .where('published', '=', false)
    .where('created_at', '<', sql<Date>`now() - make_interval(secs => ${olderThanMs / 1000})`)
    .limit(limit)
    .execute();
  return rows.map((r) => ({ tenantId: r.tenant_id, memberId: r.member_id }));
}
