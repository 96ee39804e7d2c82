import { type ConnectorDatabase } from '@loyalty/db';
import { EMPTY_SNAPSHOT, type MemberContact, type MemberSnapshot } from '@loyalty/domain';
import { type Kysely, type Transaction, sql } from 'kysely';

export const memberKey = (tenantId: string, memberId: string): string => `${tenantId}\u0000${memberId}`;

export interface MemberRef {
  readonly tenantId: string;
  readonly memberId: string;
}

/** The members' snapshots (the empty one for members not seen yet), locked for the batch's transaction. */
export async function loadSnapshots(trx: Transaction<ConnectorDatabase>, members: readonly MemberRef[]): Promise<Map<string, MemberSnapshot>> {
  const found = new Map<string, MemberSnapshot>();
  if (members.length > 0) {
    const rows = await sql<{ tenant_id: string; member_id: string; snapshot: MemberSnapshot }>`
      select m.tenant_id, m.member_id, m.snapshot from connector_members m
      join unnest(${members.map((m) => m.tenantId)}::text[], ${members.map((m) => m.memberId)}::text[]) as k(tenant_id, member_id) using (tenant_id, member_id)
      order by m.tenant_id, m.member_id
      for update of m`.execute(trx);
    for (const r of rows.rows) found.set(memberKey(r.tenant_id, r.member_id), r.snapshot);
  }
  return new Map(members.map((m) => [memberKey(m.tenantId, m.memberId), found.get(memberKey(m.tenantId, m.memberId)) ?? EMPTY_SNAPSHOT]));
}

export async function saveSnapshots(trx: Transaction<ConnectorDatabase>, snapshots: readonly (MemberRef & { snapshot: MemberSnapshot })[]): Promise<void> {
  if (snapshots.length === 0) return;
  await sql`
    insert into connector_members (tenant_id, member_id, snapshot)
    select * from unnest(${snapshots.map((s) => s.tenantId)}::text[], ${snapshots.map((s) => s.memberId)}::text[], ${snapshots.map((s) => JSON.stringify(s.snapshot))}::jsonb[])
    on conflict (tenant_id, member_id) do update set snapshot = excluded.snapshot`.execute(trx);
}

/**
 * Stores contact points, committed at once (outside the batch's transaction): a member's contact
 * is in place before any of the member's events reach the public topic. Replaying a batch writes
 * the same values again, in log order.
 */
export async function saveContacts(db: Kysely<ConnectorDatabase>, contacts: readonly (MemberRef & { contact: MemberContact })[]): Promise<void> {
  if (contacts.length === 0) return;
  await sql`
    insert into connector_contacts (tenant_id, member_id, email, phone, loyalty_card_number)
    select * from unnest(${contacts.map((c) => c.tenantId)}::text[], ${contacts.map((c) => c.memberId)}::text[], ${contacts.map((c) => c.contact.email)}::text[],
      ${contacts.map((c) => c.contact.phone)}::text[], ${contacts.map((c) => c.contact.loyaltyCardNumber)}::text[])
    on conflict (tenant_id, member_id) do update set email = excluded.email, phone = excluded.phone, loyalty_card_number = excluded.loyalty_card_number`.execute(db);
}

/** The members' contact points, for addressing them at a vendor; members not seen yet have none. */
export async function loadContacts(db: Kysely<ConnectorDatabase>, members: readonly MemberRef[]): Promise<Map<string, MemberContact>> {
  const contacts = new Map<string, MemberContact>();
  if (members.length === 0) return contacts;
  const rows = await sql<{ tenant_id: string; member_id: string; email: string | null; phone: string | null; loyalty_card_number: string | null }>`
    select c.tenant_id, c.member_id, c.email, c.phone, c.loyalty_card_number from connector_contacts c
    join unnest(${members.map((m) => m.tenantId)}::text[], ${members.map((m) => m.memberId)}::text[]) as k(tenant_id, member_id) using (tenant_id, member_id)`.execute(db);
  for (const r of rows.rows) contacts.set(memberKey(r.tenant_id, r.member_id), { email: r.email, phone: r.phone, loyaltyCardNumber: r.loyalty_card_number });
  return contacts;
}
