import { type ProgramConfig, nextTierAbove, tierById } from '@loyalty/domain';

export interface TierView {
  readonly id: string;
  readonly name: string;
}

export interface NextTierView extends TierView {
  readonly threshold: number;
  /** Qualifying points still to earn; 0 when the points reach it and the rules service has yet to say so. */
  readonly pointsNeeded: number;
}

/** What the balance says of a member's tiers. */
export interface TierStandingView {
  readonly tier: TierView;
  readonly customTiers: readonly string[];
  /** All currencies together: what tiers are measured on. */
  readonly qualifyingPoints: number;
  /** The tier above the member's; null at the top. */
  readonly nextTier: NextTierView | null;
}

/**
 * A member's tiers named by a program's ladder. Before their first TierChanged a member holds the
 * ladder's first level. A tier the ladder no longer has (the program changed) keeps its id as its
 * name, and the next tier is then the lowest the points do not reach.
 *
 * @example
 * tierStanding(DEFAULT_TIERS, 'silver', 1_200, []).nextTier // { id: 'gold', name: 'Gold', threshold: 5000, pointsNeeded: 3800 }
 */
export function tierStanding(tiers: ProgramConfig['tiers'], tierId: string | null, qualifyingPoints: number, customTiers: readonly string[]): TierStandingView {
  const first = tiers.levels[0];
  const held = tierId === null ? first : tierById(tiers, tierId);
  const tier = held === undefined ? { id: tierId ?? '', name: tierId ?? '' } : { id: held.id, name: held.name };
  const next = held === undefined ? (tiers.levels.find((l) => l.threshold > qualifyingPoints) ?? null) : nextTierAbove(tiers, held.id);
  return {
    tier,
    customTiers,
    qualifyingPoints,
    nextTier: next === null ? null : { id: next.id, name: next.name, threshold: next.threshold, pointsNeeded: Math.max(0, next.threshold - qualifyingPoints) },
  };
}
