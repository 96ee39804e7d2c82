import { type ProgramConfig } from '../program/program-config';

/** Largest line amount accepted, in minor units: keeps amount x rate an exact integer. */
export const MAX_LINE_AMOUNT_MINOR = 10_000_000_000;

/**
 * Points one purchase line earns: amount x category rate, rounded down per line.
 * Integer arithmetic throughout: amountMinor * rateHundredths stays below 2^53 for any
 * amount up to MAX_LINE_AMOUNT_MINOR and any rate the program schema allows.
 *
 * @example
 * linePoints(DEFAULT_PROGRAM, 'ski-equipment', 19_999); // 199.99 EUR x 3 = 599
 */
export function linePoints(program: ProgramConfig, category: string, amountMinor: number): number {
  if (!Number.isSafeInteger(amountMinor) || amountMinor < 0 || amountMinor > MAX_LINE_AMOUNT_MINOR) {
    throw new RangeError(`amountMinor must be an integer in [0, ${MAX_LINE_AMOUNT_MINOR}]`);
  }
  const rate = program.earning.categoryRatesHundredths[category] ?? program.earning.defaultRateHundredths;
  return Math.floor((amountMinor * rate) / (100 * program.minorUnitsPerUnit));
}
