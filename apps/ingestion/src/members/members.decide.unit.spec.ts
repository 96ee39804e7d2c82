import { type CustomTier, DEFAULT_PROGRAM, type Decision, INITIAL_MEMBER_STATE, type LedgerEvent, type MemberState, evolveMember } from '@loyalty/domain';
import { type RecordPurchase, decideRecordPurchase } from '../purchases/record-purchase.decide';
import { decisionContext } from '../test/decision-context.fixture';
import { decideChangeCustomTier } from './custom-tier.decide';
import { type EnrolMember, decideEnrolMember } from './enrol-member.decide';
import { type UpdateProfile, decideUpdateProfile } from './update-profile.decide';

const context = decisionContext();
const VERSION = DEFAULT_PROGRAM.version;

function eventsOf(decision: Decision): readonly LedgerEvent[] {
  if (decision.kind !== 'accepted') throw new Error(`rejected: ${decision.code}`);
  return decision.events;
}
const fold = (state: MemberState, decision: Decision): MemberState => eventsOf(decision).reduce(evolveMember, state);

const enrol: EnrolMember = { tenantId: 'acme', memberId: 'm-1', enrolledAt: '2026-11-22T11:00:00+01:00', email: 'ada@example.com', phone: null, loyaltyCardNumber: 'CARD-1' };
const enrolled = (): MemberState => fold(INITIAL_MEMBER_STATE, decideEnrolMember(enrol, INITIAL_MEMBER_STATE, VERSION, context));
const update = (changes: UpdateProfile['changes']): UpdateProfile => ({ tenantId: 'acme', memberId: 'm-1', updateId: 'upd-1', changes });

describe('decideEnrolMember', () => {
  it('given a new member, then MemberEnrolled with the contact points and the enrolment time in UTC', () => {
    const events = eventsOf(decideEnrolMember(enrol, INITIAL_MEMBER_STATE, VERSION, context));
    expect(events.map((e) => e.type)).toEqual(['MemberEnrolled']);
    expect(events[0]!.data).toEqual({ enrolledAt: '2026-11-22T10:00:00.000Z', email: 'ada@example.com', phone: null, loyaltyCardNumber: 'CARD-1' });
    expect(events[0]!.metadata).toMatchObject({ eventId: 'acme/member/m-1/MemberEnrolled', occurredAt: '2026-11-22T10:00:00.000Z', programVersion: VERSION });
    expect(enrolled().enrolled).toBe(true);
  });

  it('given an enrolled member, then a second enrolment is 409 MEMBER.ALREADY_ENROLLED', () => {
    expect(decideEnrolMember(enrol, enrolled(), VERSION, context)).toMatchObject({ kind: 'rejected', code: 'MEMBER.ALREADY_ENROLLED', status: 409 });
  });
});

describe('decideUpdateProfile', () => {
  it('given a member not enrolled, then 404 MEMBER.NOT_FOUND', () => {
    expect(decideUpdateProfile(update({ email: 'new@example.com' }), INITIAL_MEMBER_STATE, context)).toMatchObject({ kind: 'rejected', code: 'MEMBER.NOT_FOUND', status: 404 });
  });

  it('given an enrolled member, then MemberProfileUpdated names the fields changed; a null value clears its field', () => {
    const events = eventsOf(decideUpdateProfile(update({ email: 'new@example.com', loyaltyCardNumber: null }), enrolled(), context));
    expect(events.map((e) => e.type)).toEqual(['MemberProfileUpdated']);
    expect(events[0]!.data).toEqual({ changed: ['email', 'loyaltyCardNumber'], email: 'new@example.com', phone: null, loyaltyCardNumber: null });
    expect(events[0]!.metadata).toMatchObject({ eventId: 'acme/member/m-1/profile/upd-1', occurredAt: context.now, programVersion: null });

    const phoneOnly = eventsOf(decideUpdateProfile(update({ phone: '+49 30 123456' }), enrolled(), context));
    expect(phoneOnly[0]!.data).toEqual({ changed: ['phone'], email: null, phone: '+49 30 123456', loyaltyCardNumber: null });
  });

  it('given an update naming no field, then 422 MEMBER.NO_CHANGES', () => {
    expect(decideUpdateProfile(update({}), enrolled(), context)).toMatchObject({ kind: 'rejected', code: 'MEMBER.NO_CHANGES', status: 422 });
  });
});

describe('decideChangeCustomTier', () => {
  const change = (state: MemberState, tier: CustomTier, assign: boolean, now = context.now) =>
    decideChangeCustomTier({ tenantId: 'acme', memberId: 'm-1', tier, assign }, state, VERSION, decisionContext(now));

  it('given a member without the tier, when assigned, then CustomTierAssigned; assigning it again records nothing', () => {
    const events = eventsOf(change(enrolled(), 'vip', true));
    expect(events.map((e) => [e.type, e.data])).toEqual([['CustomTierAssigned', { tier: 'vip' }]]);
    expect(events[0]!.metadata).toMatchObject({ tenantId: 'acme', memberId: 'm-1', occurredAt: context.now, programVersion: VERSION });

    const vip = fold(enrolled(), change(enrolled(), 'vip', true));
    expect(vip.customTiers).toEqual(['vip']);
    expect(change(vip, 'vip', true)).toEqual({ kind: 'accepted', events: [] });
  });

  it('given a member with the tier, when revoked, then CustomTierRevoked; revoking it again, or a tier not held, records nothing', () => {
    const vip = fold(enrolled(), change(enrolled(), 'vip', true));
    const decision = change(vip, 'vip', false);
    expect(eventsOf(decision).map((e) => [e.type, e.data])).toEqual([['CustomTierRevoked', { tier: 'vip' }]]);

    const revoked = fold(vip, decision);
    expect(revoked.customTiers).toEqual([]);
    expect(change(revoked, 'vip', false)).toEqual({ kind: 'accepted', events: [] });
    expect(change(vip, 'employee', false)).toEqual({ kind: 'accepted', events: [] });
  });

  it('given a tier revoked and assigned again later, then the re-assignment is a new event', () => {
    const first = fold(enrolled(), change(enrolled(), 'employee', true, '2026-11-01T00:00:00.000Z'));
    const revoked = fold(first, change(first, 'employee', false, '2026-11-10T00:00:00.000Z'));
    const again = eventsOf(change(revoked, 'employee', true, '2026-11-20T00:00:00.000Z'));
    expect(again[0]!.metadata.eventId).not.toBe(eventsOf(change(enrolled(), 'employee', true, '2026-11-01T00:00:00.000Z'))[0]!.metadata.eventId);
  });

  it('given tier changes folded, then the purchase multiplier follows them', () => {
    const purchase = (transactionId: string): RecordPurchase => ({
      tenantId: 'acme',
      transactionId,
      memberId: 'm-1',
      occurredAt: '2026-11-22T10:00:00.000Z',
      channel: 'web',
      currency: 'EUR',
      lines: [{ lineId: 'l1', sku: 'G', category: 'groceries', quantity: 1, unitPriceMinor: 10_000, discountMinor: 0 }],
    });
    const pointsFor = (state: MemberState, transactionId: string) => {
      const earned = eventsOf(decideRecordPurchase(purchase(transactionId), state, DEFAULT_PROGRAM, context)).find((e) => e.type === 'PointsEarned');
      return earned?.type === 'PointsEarned' ? [earned.data.points, earned.data.multiplierHundredths] : undefined;
    };

    const member = enrolled();
    expect(pointsFor(member, 'tx-1')).toEqual([100, 100]);
    const employee = fold(member, change(member, 'employee', true));
    expect(pointsFor(employee, 'tx-2')).toEqual([200, 200]);
    const vipEmployee = fold(employee, change(employee, 'vip', true));
    expect(pointsFor(vipEmployee, 'tx-3')).toEqual([200, 200]);
    const vipOnly = fold(vipEmployee, change(vipEmployee, 'employee', false));
    expect(pointsFor(vipOnly, 'tx-4')).toEqual([150, 150]);
    const none = fold(vipOnly, change(vipOnly, 'vip', false));
    expect(pointsFor(none, 'tx-5')).toEqual([100, 100]);
  });
});
