/** A row of the member's tier history, as the fold needs it. */
export interface TierHistoryEvent {
  readonly eventType: string;
  readonly tier: string;
}

/**
 * The tiers a member held after these tier events, in log order: the threshold tier of the latest
 * TierChanged (null before the first), and the custom tiers assigned and not revoked since.
 */
export function foldTierHistory(events: readonly TierHistoryEvent[]): { tierId: string | null; customTiers: string[] } {
  let tierId: string | null = null;
  let customTiers: string[] = [];
  for (const e of events) {
    if (e.eventType === 'TierChanged') tierId = e.tier;
    else if (e.eventType === 'CustomTierAssigned' && !customTiers.includes(e.tier)) customTiers = [...customTiers, e.tier].sort();
    else if (e.eventType === 'CustomTierRevoked') customTiers = customTiers.filter((t) => t !== e.tier);
  }
  return { tierId, customTiers };
}
