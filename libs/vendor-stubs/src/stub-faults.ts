import { z } from 'zod';

/** Faults injected into one vendor's answers; the decisions come from a PRNG seeded with `seed`. */
export interface StubFaults {
  /** probability of answering a 5xx (500/502/503/504 chosen by the PRNG) without persisting anything */
  errorRate?: number;
  /**
   * 429 injection without persisting: `rate` probability per request, or bursts: after every
   * `burstEvery` requests, the next `burstLength` (default 1) requests get 429. The vendor's retry
   * header is sent only when `retryAfterSeconds` is a number (unset means none, like null).
   */
  rateLimit?: { rate?: number; burstEvery?: number; burstLength?: number; retryAfterSeconds?: number | null };
  /** extra latency before answering: `latencyMs` on a `latencyRate` fraction of requests (default 1) */
  latencyMs?: number;
  latencyRate?: number;
  /** probability that an individual item inside an otherwise accepted request fails (Bloomreach batch result success:false, Braze errors[] entry, Voucherify 400 on that request, webhook 400) */
  itemFailureRate?: number;
  /** PRNG seed; default 1, so even an unseeded run is reproducible */
  seed?: number;
}

const probability = z.number().min(0).max(1);

export const stubFaultsSchema: z.ZodType<StubFaults> = z.strictObject({
  errorRate: probability.optional(),
  rateLimit: z
    .strictObject({
      rate: probability.optional(),
      burstEvery: z.number().int().min(1).optional(),
      burstLength: z.number().int().min(1).optional(),
      retryAfterSeconds: z.number().int().min(0).nullable().optional(),
    })
    .optional(),
  latencyMs: z.number().int().min(0).max(600_000).optional(),
  latencyRate: probability.optional(),
  itemFailureRate: probability.optional(),
  seed: z.number().int().optional(),
});

/** Validates faults; throws a RangeError naming the bad field. */
export function parseStubFaults(faults: unknown): StubFaults {
  const parsed = stubFaultsSchema.safeParse(faults);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  throw new RangeError(`invalid stub faults: ${issue?.path.map(String).join('.') ?? ''}: ${issue?.message ?? ''}`);
}
