import { type Kysely, type Transaction, sql } from 'kysely';
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
  readonly events: readonly LedgerEvent[];
  readonly published: boolean;
  readonly position: string | null;
}

export const memberKeyOf = (m: MemberRef): string => JSON.stringify([m.tenantId, m.memberId]);
export const commandKeyOf = (c: { tenantId: string; commandKey: string }): string => JSON.stringify([c.tenantId, c.commandKey]);

function toStored(r: {
  tenant_id: string;
  command_key: string;
  member_id: string;
  request_hash: string;
  status: number;
  summary: unknown;
  events: unknown;
  published: boolean;
  position: string | null;
}): StoredCommand {
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
  const rows = await trx
    .selectFrom('ingestion_commands')
    .selectAll()
    .where(
      sql<boolean>`(tenant_id, command_key) in (${sql.join(keys.map((k) => sql`(${k.tenantId}, ${k.commandKey})`))})
        or (not published and (tenant_id, member_id) in (${sql.join(members.map((m) => sql`(${m.tenantId}, ${m.memberId})`))}))`,
    )
    .orderBy('seq')
    .execute();
  const wanted = new Set(keys.map(commandKeyOf));
  const stored = rows.map(toStored);
  return {
    existing: new Map(stored.filter((c) => wanted.has(commandKeyOf(c))).map((c) => [commandKeyOf(c), c])),
    backlog: stored.filter((c) => !c.published),
  };
}

export async function insertCommands(trx: Transaction<Database>, commands: readonly StoredCommand[]): Promise<void> {
  if (commands.length === 0) return;
  await trx
    .insertInto('ingestion_commands')
    .values(
      commands.map((c) => ({
        tenant_id: c.tenantId,
        command_key: c.commandKey,
        member_id: c.memberId,
        request_hash: c.requestHash,
        status: c.status,
        summary: JSON.stringify(c.summary),
        events: JSON.stringify(c.events),
        published: c.published,
        position: c.position,
      })),
    )
    .execute();
}

/** Marks commands as in the log, with the position their events reached. */
export async function markPublished(db: Kysely<Database>, published: readonly { tenantId: string; commandKey: string; position: string }[]): Promise<void> {
  if (published.length === 0) return;
  await sql`
    update ingestion_commands as c set published = true, position = v.position
    from (values ${sql.join(published.map((p) => sql`(${p.tenantId}, ${p.commandKey}, ${p.position})`))}) as v(tenant_id, command_key, position)
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
