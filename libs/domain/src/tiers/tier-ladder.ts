import { type ProgramConfig } from '../program/program-config';

export type TierLevel = ProgramConfig['tiers']['levels'][number];
export type TierRules = ProgramConfig['tiers'];

/** Position of a tier on the ladder; an id the ladder no longer has ranks below all (-1). */
export function tierRank(tiers: TierRules, tierId: string | null): number {
  return tierId === null ? -1 : tiers.levels.findIndex((l) => l.id === tierId);
}

/** The highest tier the qualifying points reach. */
export function supportedTier(tiers: TierRules, qualifying: number): TierLevel {
  let supported = tiers.levels[0] as TierLevel;
  for (const level of tiers.levels) if (qualifying >= level.threshold) supported = level;
  return supported;
}

/** The tier above `tierId`, or null at the top. */
export function nextTierAbove(tiers: TierRules, tierId: string | null): TierLevel | null {
  return tiers.levels[tierRank(tiers, tierId) + 1] ?? null;
}

export function tierById(tiers: TierRules, tierId: string): TierLevel | undefined {
  return tiers.levels.find((l) => l.id === tierId);
}

/**
 * Where a member holding `held` lands when their points support only `supported`: all the way
 * down (`to-supported`) or one tier at a time (`one-tier`), never below what the points support.
 */
export function downgradeTarget(tiers: TierRules, held: string, supported: TierLevel): TierLevel {
  if (tiers.downgrade === 'to-supported') return supported;
  const oneDown = tiers.levels[Math.max(0, tierRank(tiers, held) - 1)] as TierLevel;
  return tierRank(tiers, oneDown.id) > tierRank(tiers, supported.id) ? oneDown : supported;
}
