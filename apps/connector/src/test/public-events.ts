import { type ConnectorEvent, type MemberContact } from '@loyalty/domain';
import { uniqueTestId } from '@loyalty/testing';
import { type PendingEvent } from '../delivery/deliver-events';
import { GOLD, NO_CONTACT, SILVER, TIER_UP } from './adapter-fixtures';

/** A member as the connector knows it: the id on the public topic and the contact points it keeps to itself. */
export interface TestMember {
  readonly memberId: string;
  readonly contact: MemberContact;
}

const BASE_MS = Date.parse('2026-11-22T10:00:00.250Z');
let clock = 0;
let offset = 0;

/** A member with an e-mail address derived from its id, unless `contact` says otherwise. */
export function testMember(label: string, contact: Partial<MemberContact> = {}): TestMember {
  const memberId = uniqueTestId(label);
  return { memberId, contact: { email: `${memberId}@example.com`, phone: null, loyaltyCardNumber: null, ...contact } };
}

/**
 * The public event number `n` of a member: points earned, a tier change up to Gold (the seeds' tier
 * event), points spent, in turn. Times increase across calls, with milliseconds, so a seconds
 * field must be fractional and an ISO field must keep them.
 */
export function publicEvent(tenantId: string, member: TestMember, n: number): ConnectorEvent {
  const at = new Date(BASE_MS + (clock += 1) * 1_000).toISOString();
  const common = {
    eventId: uniqueTestId('ev'),
    tenantId,
    memberId: member.memberId,
    occurredAt: at,
    recordedAt: at,
    programVersion: 'v1',
    qualifyingPoints: 1_000 + n * 100,
    balances: [{ currency: 'permanent', active: 500 + n * 10, pending: 0 }],
    customTiers: [],
    expiresAt: null,
    deadline: null,
    pointsNeeded: null,
  };
  switch (n % 3) {
    case 0:
      return { ...common, type: 'points_earned', points: 100 + n, currency: 'permanent', tier: SILVER, previousTier: null, direction: null, reason: null };
    case 1:
      return { ...common, ...TIER_UP };
    default:
      return { ...common, type: 'points_spent', points: 50, currency: 'permanent', tier: GOLD, previousTier: null, direction: null, reason: null };
  }
}

/** `perMember` events for each member, interleaved across members as a live log is; each member's in order. */
export function interleavedEvents(tenantId: string, members: readonly TestMember[], perMember: number): ConnectorEvent[] {
  const events: ConnectorEvent[] = [];
  for (let n = 0; n < perMember; n++) for (const member of members) events.push(publicEvent(tenantId, member, n));
  return events;
}

/** The events as one partition's batch, each with its member's contact points. */
export function pendingEvents(events: readonly ConnectorEvent[], members: readonly TestMember[]): PendingEvent[] {
  const contacts = new Map(members.map((m) => [m.memberId, m.contact]));
  return events.map((event) => ({ event, partition: 0, offset: String((offset += 1)), contact: contacts.get(event.memberId) ?? NO_CONTACT }));
}
