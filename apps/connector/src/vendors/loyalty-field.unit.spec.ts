import { tierUpEvent } from '../test/adapter-fixtures';
import { LOYALTY_FIELD_PATTERN, loyaltyField, mapFields } from './loyalty-field';

const event = tierUpEvent('e1', {
  occurredAt: '2026-11-22T10:00:00.000Z',
  programVersion: null,
  qualifyingPoints: 1_250,
  balances: [
    { currency: 'permanent', active: 5_400, pending: 300 },
    { currency: 'temporary', active: 0, pending: 40 },
  ],
  customTiers: ['employee', 'vip'],
});

describe('loyaltyField', () => {
  it.each([
    ['tier.id', 'gold'],
    ['tier.name', 'Gold'],
    ['previousTier.id', 'silver'],
    ['previousTier.name', 'Silver'],
    ['direction', 'up'],
    ['qualifyingPoints', 1_250],
    ['eventId', 'e1'],
    ['type', 'tier_changed'],
    ['customTiers', ['employee', 'vip']],
  ] as const)('given %s, then %j', (field, value) => {
    expect(loyaltyField(event, field)).toEqual(value);
  });

  it.each([
    ['balance.permanent.active', 5_400],
    ['balance.permanent.pending', 300],
    ['balance.permanent.total', 5_700],
    ['balance.temporary.active', 0],
    ['balance.temporary.total', 40],
  ] as const)('given %s, then %i', (field, value) => {
    expect(loyaltyField(event, field)).toBe(value);
  });

  it('given a currency the member has no bucket in, then 0 (not absent: the member has none of it)', () => {
    expect(loyaltyField(event, 'balance.air-miles.active')).toBe(0);
    expect(loyaltyField(event, 'balance.air-miles.total')).toBe(0);
  });

  it('given a field the event has no value for, then null', () => {
    expect(loyaltyField(event, 'points')).toBeNull();
    expect(loyaltyField(event, 'programVersion')).toBeNull();
    expect(loyaltyField({ ...event, tier: null, previousTier: null }, 'tier.name')).toBeNull();
    expect(loyaltyField({ ...event, previousTier: null }, 'previousTier.id')).toBeNull();
  });
});

describe('LOYALTY_FIELD_PATTERN', () => {
  it.each(['tier.name', 'previousTier.id', 'balance.permanent.total', 'balance.air_miles-2.pending', 'qualifyingPoints', 'pointsNeeded'])('accepts %s', (field) => {
    expect(LOYALTY_FIELD_PATTERN.test(field)).toBe(true);
  });

  it.each(['tier', 'tier.level', 'balance.permanent', 'balance.permanent.spent', 'balances', 'email', 'contact.email', 'phone', 'tier.name.x'])('refuses %s', (field) => {
    expect(LOYALTY_FIELD_PATTERN.test(field)).toBe(false);
  });
});

describe('mapFields', () => {
  it('given a mapping, then remote names get the values, and fields without a value are left out (zeros and lists kept)', () => {
    const mapping = { loyalty_tier: 'tier.name', points: 'points', deadline: 'deadline', air: 'balance.air-miles.active', vip: 'customTiers', qp: 'qualifyingPoints' };

    expect(mapFields(event, mapping)).toEqual({ loyalty_tier: 'Gold', air: 0, vip: ['employee', 'vip'], qp: 1_250 });
  });

  it('given an empty mapping, then nothing', () => {
    expect(mapFields(event, {})).toEqual({});
  });
});
