import { DEFAULT_TIERS } from '../program/program-config';
import { type TierRules, downgradeTarget, nextTierAbove, supportedTier, tierById, tierRank } from './tier-ladder';

const toSupported: TierRules = { ...DEFAULT_TIERS, downgrade: 'to-supported' };
const oneTier: TierRules = { ...DEFAULT_TIERS, downgrade: 'one-tier' };
const fourTiers: TierRules = {
  levels: [...DEFAULT_TIERS.levels, { id: 'platinum', name: 'Platinum', threshold: 20_000 }],
  downgrade: 'one-tier',
  graceDays: 0,
};
const level = (tiers: TierRules, id: string) => tierById(tiers, id)!;

describe('supportedTier', () => {
  it.each([
    [0, 'bronze'],
    [999, 'bronze'],
    [1000, 'silver'],
    [1001, 'silver'],
    [4999, 'silver'],
    [5000, 'gold'],
    [1_000_000, 'gold'],
  ])('given %i qualifying points, then the points support %s', (points, tier) => {
    expect(supportedTier(toSupported, points).id).toBe(tier);
  });

  it('given negative qualifying points (a reversal after spending), then the bottom tier', () => {
    expect(supportedTier(toSupported, -50).id).toBe('bronze');
  });
});

describe('tierRank and nextTierAbove', () => {
  it('given the ladder, then ranks follow it and an unknown or missing tier ranks below all', () => {
    expect(['bronze', 'silver', 'gold'].map((t) => tierRank(toSupported, t))).toEqual([0, 1, 2]);
    expect(tierRank(toSupported, 'platinum')).toBe(-1);
    expect(tierRank(toSupported, null)).toBe(-1);
  });

  it('given a tier below the top, then the next tier above is the next rung', () => {
    expect(nextTierAbove(toSupported, 'bronze')?.id).toBe('silver');
    expect(nextTierAbove(toSupported, 'silver')?.id).toBe('gold');
    expect(nextTierAbove(toSupported, null)?.id).toBe('bronze');
  });

  it('given the top tier, then there is none above', () => {
    expect(nextTierAbove(toSupported, 'gold')).toBeNull();
    expect(nextTierAbove(fourTiers, 'platinum')).toBeNull();
  });
});

describe('downgradeTarget', () => {
  it('given to-supported, then the member lands on what the points support', () => {
    expect(downgradeTarget(toSupported, 'gold', level(toSupported, 'bronze')).id).toBe('bronze');
    expect(downgradeTarget(toSupported, 'gold', level(toSupported, 'silver')).id).toBe('silver');
    expect(downgradeTarget(toSupported, 'silver', level(toSupported, 'bronze')).id).toBe('bronze');
  });

  it('given one-tier, then the member goes one rung down however far the points fell', () => {
    expect(downgradeTarget(oneTier, 'gold', level(oneTier, 'bronze')).id).toBe('silver');
    expect(downgradeTarget(oneTier, 'silver', level(oneTier, 'bronze')).id).toBe('bronze');
    expect(downgradeTarget(fourTiers, 'platinum', level(fourTiers, 'bronze')).id).toBe('gold');
  });

  it('given one-tier and points that support exactly one rung down, then that rung', () => {
    expect(downgradeTarget(oneTier, 'gold', level(oneTier, 'silver')).id).toBe('silver');
  });

  it('given one-tier at the bottom, then it never goes below the first tier', () => {
    expect(downgradeTarget(oneTier, 'bronze', level(oneTier, 'bronze')).id).toBe('bronze');
  });
});
