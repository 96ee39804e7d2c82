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

const tierLevelSchema = z.strictObject({
  id: slug,
  name: z.string().min(1).max(64),
  /** Qualifying points from which a member holds this tier. */
  threshold: z.number().int().min(0).max(1_000_000_000),
});

/** The seeds' Bronze / Silver / Gold ladder; Bronze is held from enrolment. */
export const DEFAULT_TIERS = {
  levels: [
    { id: 'bronze', name: 'Bronze', threshold: 0 },
    { id: 'silver', name: 'Silver', threshold: 1000 },
    { id: 'gold', name: 'Gold', threshold: 5000 },
  ],
  downgrade: 'to-supported' as const,
  graceDays: 0,
};

const tiersSchema = z
  .strictObject({
    /** Ascending thresholds; the first is 0 (the tier every member starts in). */
    levels: z.array(tierLevelSchema).min(1).max(20),
    /** Down to the tier the qualifying points support, or one tier at a time. */
    downgrade: z.enum(['to-supported', 'one-tier']),
    /** Days a member keeps a tier after dropping below it; re-earning within them keeps it. */
    graceDays: z.number().int().min(0).max(365),
  })
  .superRefine((t, ctx) => {
    if (t.levels[0]?.threshold !== 0) ctx.addIssue({ code: 'custom', path: ['levels', 0, 'threshold'], message: 'the first tier starts at 0' });
    t.levels.forEach((level, i) => {
      const previous = t.levels[i - 1];
      if (previous !== undefined && level.threshold <= previous.threshold) ctx.addIssue({ code: 'custom', path: ['levels', i, 'threshold'], message: 'thresholds must increase' });
    });
    if (new Set(t.levels.map((l) => l.id)).size !== t.levels.length) ctx.addIssue({ code: 'custom', path: ['levels'], message: 'tier ids must be unique' });
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
    tiers: tiersSchema.default(DEFAULT_TIERS),
    /** Days ahead a member is warned, once per bucket, that points expire (and that a tier is at risk). */
    expiryWarningDays: z.number().int().min(1).max(365).default(7),
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
  tiers: DEFAULT_TIERS,
  expiryWarningDays: 7,
};
