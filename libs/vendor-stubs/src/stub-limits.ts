import { z } from 'zod';

/**
 * Vendor limits. The vendors change them over time and per plan, so they are configuration; the
 * defaults are the documented values (docs/vendor-contracts.md).
 */
export interface StubLimits {
  /** Bloomreach requests per minute per client IP; default 6000. */
  bloomreachRequestsPerMinute?: number;
  /** Status of a failed single-route Bloomreach request: the endpoint page says 200 (default), the error guide 4xx. */
  bloomreachSingleErrorStatus?: 200 | 400;
  /** Commands per Bloomreach `/batch`; default 50. */
  bloomreachMaxBatchCommands?: number;
  /**
   * Refuse a Bloomreach `timestamp`/`update_timestamp` above 1e11 (milliseconds sent as seconds);
   * default true. Real Bloomreach accepts such a value and misdates the event, so refusing it is
   * what catches the bug in our tests.
   */
  bloomreachRejectMillisecondTimestamps?: boolean;
  /** Braze `/users/track` requests per 3 s; default 3000. */
  brazeRequestsPer3s?: number;
  /** 'total' (current docs, default): the object limit is across the three arrays; 'per-array': legacy accounts. */
  brazeObjectLimitMode?: 'total' | 'per-array';
  /** Braze objects per request; default 75. */
  brazeMaxObjects?: number;
  /** Voucherify requests per minute; default 2000 (Organization plan). */
  voucherifyRequestsPerMinute?: number;
}

export type ResolvedLimits = Required<StubLimits>;

export const DEFAULT_LIMITS: ResolvedLimits = {
  bloomreachRequestsPerMinute: 6000,
  bloomreachSingleErrorStatus: 200,
  bloomreachMaxBatchCommands: 50,
  bloomreachRejectMillisecondTimestamps: true,
  brazeRequestsPer3s: 3000,
  brazeObjectLimitMode: 'total',
  brazeMaxObjects: 75,
  voucherifyRequestsPerMinute: 2000,
};

const positiveInteger = z.number().int().min(1);

export const stubLimitsSchema: z.ZodType<StubLimits> = z.strictObject({
  bloomreachRequestsPerMinute: positiveInteger.optional(),
  bloomreachSingleErrorStatus: z.union([z.literal(200), z.literal(400)]).optional(),
  bloomreachMaxBatchCommands: positiveInteger.optional(),
  bloomreachRejectMillisecondTimestamps: z.boolean().optional(),
  brazeRequestsPer3s: positiveInteger.optional(),
  brazeObjectLimitMode: z.enum(['total', 'per-array']).optional(),
  brazeMaxObjects: positiveInteger.optional(),
  voucherifyRequestsPerMinute: positiveInteger.optional(),
});

/** Fills in the documented defaults; throws a RangeError naming the bad field. */
export function resolveLimits(limits: StubLimits = {}): ResolvedLimits {
  const parsed = stubLimitsSchema.safeParse(limits);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new RangeError(`invalid stub limits: ${issue?.path.map(String).join('.') ?? ''}: ${issue?.message ?? ''}`);
  }
  const defined = Object.fromEntries(Object.entries(parsed.data).filter(([, value]) => value !== undefined));
  return { ...DEFAULT_LIMITS, ...defined };
}
