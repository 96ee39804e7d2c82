import { z } from 'zod';

/**
 * Earning rates are integers in hundredths of a point per whole unit of money, so 1.5 points per
 * euro is 150: the arithmetic stays exact (no floats in the ledger).
 */
const rateHundredths = z.number().int().min(0).max(100_000);

export const programConfigSchema = z.object({
  version: z.string().min(1),
  moneyCurrency: z.string().regex(/^[A-Z]{3}$/),
  minorUnitsPerUnit: z.number().int().positive(),
  earning: z.object({
    pointCurrency: z.string().min(1),
    defaultRateHundredths: rateHundredths,
    categoryRatesHundredths: z.record(z.string(), rateHundredths),
  }),
  pendingDays: z.number().int().min(0).max(365),
});

export type ProgramConfig = z.infer<typeof programConfigSchema>;

/** The seeds' default program: 1 point per euro, ski equipment 3, apparel 2, gift cards 0, 14-day return window. */
export const DEFAULT_PROGRAM: ProgramConfig = {
  version: 'default-2026-11-01',
  moneyCurrency: 'EUR',
  minorUnitsPerUnit: 100,
  earning: {
    pointCurrency: 'permanent',
    defaultRateHundredths: 100,
    categoryRatesHundredths: { 'ski-equipment': 300, apparel: 200, 'gift-cards': 0 },
  },
  pendingDays: 14,
};
