import { DEFAULT_TIERS } from '@loyalty/domain';
import { tierStanding } from './tier-standing';

describe("naming a member's tiers by the program's ladder", () => {
  it('given no tier change yet, then the first level, and the next one with the points still needed', () => {
    expect(tierStanding(DEFAULT_TIERS, null, 300, [])).toEqual({
      tier: { id: 'bronze', name: 'Bronze' },
      customTiers: [],
      qualifyingPoints: 300,
      nextTier: { id: 'silver', name: 'Silver', threshold: 1000, pointsNeeded: 700 },
    });
  });

  it('given a tier, then the tier above it; none at the top', () => {
    expect(tierStanding(DEFAULT_TIERS, 'silver', 1_200, ['vip']).nextTier).toEqual({ id: 'gold', name: 'Gold', threshold: 5000, pointsNeeded: 3_800 });
    expect(tierStanding(DEFAULT_TIERS, 'gold', 5_100, []).nextTier).toBeNull();
  });

  it('given points past the next threshold before the rules service moved the member up, then nothing more is needed', () => {
    expect(tierStanding(DEFAULT_TIERS, 'bronze', 1_500, []).nextTier).toMatchObject({ id: 'silver', pointsNeeded: 0 });
  });

  it('given a tier the ladder no longer has, then its id as its name, and the lowest tier the points do not reach', () => {
    expect(tierStanding(DEFAULT_TIERS, 'platinum', 2_000, [])).toMatchObject({ tier: { id: 'platinum', name: 'platinum' }, nextTier: { id: 'gold', pointsNeeded: 3_000 } });
  });
});
