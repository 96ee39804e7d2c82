import { type CustomTier, type ProgramConfig } from '../program/program-config';

/** 100 hundredths = x1. */
export const NO_MULTIPLIER = 100;

/**
 * The custom-tier multiplier for a member: the highest of their tiers' multipliers, or their
 * product, by program policy; x1 without custom tiers. In hundredths, rounded down.
 */
export function multiplierFor(program: ProgramConfig, tiers: readonly CustomTier[]): number {
  const multipliers = tiers.map((t) => program.customTiers.multipliersHundredths[t]);
  if (multipliers.length === 0) return NO_MULTIPLIER;
  if (program.customTiers.combine === 'highest') return Math.max(...multipliers);
  return multipliers.reduce((acc, m) => Math.floor((acc * m) / 100), NO_MULTIPLIER);
}

/** Points after a multiplier, rounded down: never negative for non-negative input. */
export function applyMultiplier(points: number, multiplierHundredths: number): number {
  return Math.floor((points * multiplierHundredths) / 100);
}
