import { z } from 'zod';

/**
 * Rates and multipliers are integers in hundredths (1.5 points per euro is 150; x2 is 200), so the
 * arithmetic stays exact: no float ever touches the ledger.
 */
const hundredths = z.number().int().min(0).max(100_000);
const slug = z.string().regex(/^[a-z0-9-]+$/, 'must be a lower-case slug');

const currencySchema = z.strictObject({
  /** Days after becoming active that points of this currency expire; null = never. */
  expiresAfterDays: z.number().int().min(1).max(3650).nullable(),
});

const activitySchema = z.strictObject({
  points: z.number().int().min(0).max(1_000_000),
  currency: slug,
  limit: z.strictObject({ count: z.number().int().min(1).max(10_000), period: z.enum(['day', 'week', 'month', 'year']) }).nullable(),
});

export const CUSTOM_TIERS = ['vip', 'employee'] as const;
export type CustomTier = (typeof CUSTOM_TIERS)[number];

export const programConfigSchema = z
  .strictObject({
    version: z.string().min(1).max(64),
    /** When this version takes effect (ISO-8601); a request is decided by the version in force when it happened. */
    effectiveFrom: z.iso.datetime({ offset: true }),
    timeZone: z.string().refine((tz) => {
      try {
        new Intl.DateTimeFormat('en-CA', { timeZone: tz });
        return true;
      } catch {
        return false;
      }
    }, 'must be an IANA time zone such as Europe/Berlin'),
    moneyCurrency: z.string().regex(/^[A-Z]{3}$/),
    minorUnitsPerUnit: z.number().int().positive(),
    currencies: z.record(slug, currencySchema).refine((c) => Object.keys(c).length > 0, 'needs at least one currency'),
    earning: z.strictObject({
      pointCurrency: slug,
      defaultRateHundredths: hundredths,
      categoryRatesHundredths: z.record(slug, hundredths),
    }),
    /** Return window of purchase points; 0 = active at once. */
    pendingDays: z.number().int().min(0).max(365),
    customTiers: z.strictObject({
      multipliersHundredths: z.strictObject({ vip: hundredths, employee: hundredths }),
      /** How several multipliers combine: the highest wins, or they multiply. */
      combine: z.enum(['highest', 'multiply']),
      /** VIPs' temporary points do not expire while they are VIP (the rules service applies it). */
      vipTemporaryPointsNeverExpire: z.boolean(),
    }),
    activities: z.record(slug, activitySchema),
    returns: z.strictObject({ whenAlreadySpent: z.enum(['deduct-available', 'allow-negative']) }),
    reengagement: z.strictObject({ activityType: slug, bonusPoints: z.number().int().min(0), currency: slug, windowDays: z.number().int().min(1).max(365) }),
  })
  .superRefine((p, ctx) => {
    const currencies = new Set(Object.keys(p.currencies));
    const check = (currency: string, path: (string | number)[]) => {
      if (!currencies.has(currency)) ctx.addIssue({ code: 'custom', path, message: `names the undefined currency ${currency}` });
    };
    check(p.earning.pointCurrency, ['earning', 'pointCurrency']);
    check(p.reengagement.currency, ['reengagement', 'currency']);
    for (const [type, activity] of Object.entries(p.activities)) check(activity.currency, ['activities', type, 'currency']);
  });

export type ProgramConfig = z.infer<typeof programConfigSchema>;

/** The seeds' default program (product.md); every value can be changed per tenant. */
export const DEFAULT_PROGRAM: ProgramConfig = {
  version: 'default-2026-11-01',
  effectiveFrom: '2000-01-01T00:00:00.000Z',
  timeZone: 'Europe/Berlin',
  moneyCurrency: 'EUR',
  minorUnitsPerUnit: 100,
  currencies: { permanent: { expiresAfterDays: null }, temporary: { expiresAfterDays: 90 } },
  earning: {
    pointCurrency: 'permanent',
    defaultRateHundredths: 100,
    categoryRatesHundredths: { 'ski-equipment': 300, apparel: 200, 'gift-cards': 0 },
  },
  pendingDays: 14,
  customTiers: { multipliersHundredths: { vip: 150, employee: 200 }, combine: 'highest', vipTemporaryPointsNeverExpire: true },
  activities: {
    'product-usage': { points: 20, currency: 'temporary', limit: { count: 1, period: 'day' } },
    'review-written': { points: 50, currency: 'temporary', limit: { count: 5, period: 'month' } },
  },
  returns: { whenAlreadySpent: 'deduct-available' },
  reengagement: { activityType: 'product-usage', bonusPoints: 200, currency: 'temporary', windowDays: 14 },
};
