// How both harnesses read their knobs from the environment: parsed once, and a bad value stops the
// run before anything is created or loaded, naming the variable (as the services do with theirs).
// Each harness has its own schema (bench-config.ts) over the knobs they share; the kinds of knob
// and the failure are the same.
import { z } from 'zod';

export const int = (fallback: number, min: number, max: number) => z.coerce.number().int().min(min).max(max).default(fallback);
export const seconds = (fallback: number, max: number) => int(fallback, 1, max);
export const port = (fallback: number) => int(fallback, 1, 65_535);
export const tenant = () => z.string().regex(/^[A-Za-z0-9._:@-]+$/).default('demo');

/** BENCH_PHASES: a comma-separated subset of `phases`, all of them by default. */
export const phaseList = <const P extends readonly [string, ...string[]]>(phases: P) =>
  z
    .string()
    .default(phases.join(','))
    .transform((s) => s.split(',').map((p) => p.trim()).filter((p) => p.length > 0))
    .pipe(z.array(z.enum(phases)).min(1));

/**
 * The knobs both harnesses have, with the same meaning and defaults: a harness's schema extends
 * this one, and its config spreads commonConfig's fields.
 */
export const commonKnobs = z.object({
  BENCH_WARMUP_S: seconds(5, 120),
  BENCH_DURATION_S: seconds(20, 600),
  // How long to wait for the CPU to calm down before each phase (the projector drains the events
  // the previous phase left; measuring during that would charge its CPU to the next phase).
  BENCH_SETTLE_MAX_S: seconds(90, 600),
  BENCH_UP_TIMEOUT_S: seconds(1_200, 3_600),
  INGESTION_PORT: port(3_001),
  DEV_TENANT: tenant(),
});

export interface CommonConfig {
  readonly warmupS: number;
  readonly durationS: number;
  readonly settleMaxS: number;
  readonly upTimeoutS: number;
  readonly ingestionPort: number;
  readonly tenantId: string;
}

export function commonConfig(e: z.output<typeof commonKnobs>): CommonConfig {
  return {
    warmupS: e.BENCH_WARMUP_S,
    durationS: e.BENCH_DURATION_S,
    settleMaxS: e.BENCH_SETTLE_MAX_S,
    upTimeoutS: e.BENCH_UP_TIMEOUT_S,
    ingestionPort: e.INGESTION_PORT,
    tenantId: e.DEV_TENANT,
  };
}

export function parseBenchEnv<S extends z.ZodType>(schema: S, env: NodeJS.ProcessEnv): z.output<S> {
  const parsed = schema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`).join('\n');
    throw new Error(`bad benchmark environment:\n${problems}`);
  }
  return parsed.data;
}
