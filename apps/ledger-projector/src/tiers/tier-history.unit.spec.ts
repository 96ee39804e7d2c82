import { foldTierHistory } from './tier-history';

describe('folding a tier history', () => {
  it('given no tier events, then no threshold tier and no custom tiers', () => {
    expect(foldTierHistory([])).toEqual({ tierId: null, customTiers: [] });
  });

  it('given tier changes and custom tiers assigned and revoked, then the latest tier and the custom tiers still held, sorted', () => {
    expect(
      foldTierHistory([
        { eventType: 'TierChanged', tier: 'bronze' },
        { eventType: 'CustomTierAssigned', tier: 'vip' },
        { eventType: 'CustomTierAssigned', tier: 'employee' },
        { eventType: 'TierChanged', tier: 'silver' },
        { eventType: 'CustomTierAssigned', tier: 'vip' },
        { eventType: 'CustomTierRevoked', tier: 'vip' },
      ]),
    ).toEqual({ tierId: 'silver', customTiers: ['employee'] });
  });
});
