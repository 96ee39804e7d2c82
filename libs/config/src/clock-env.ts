import { z } from 'zod';
import { type Clock, systemClock } from './clock';
import { type AdjustableClockOptions, adjustableClock } from './clock-adjustable';
import { type Env, parseEnv } from './parse-env';

/**
 * LOYALTY_CLOCK_FILE: the adjustable clock's file (`npm run clock` writes it). The local stack sets
 * it; production must not, since a movable clock there would activate and expire real points.
 */
export const clockEnvSchema = z
  .object({
    NODE_ENV: z.string().optional(),
    LOYALTY_CLOCK_FILE: z.string().min(1, 'must not be empty (unset it to use the system clock)').optional(),
  })
  .transform((env, ctx) => {
    if (env.LOYALTY_CLOCK_FILE === undefined) return { clockFile: null };
    if (env.NODE_ENV === 'production') {
      ctx.addIssue({ code: 'custom', path: ['LOYALTY_CLOCK_FILE'], message: 'must not be set when NODE_ENV is production (an adjustable clock never runs in production)' });
      return z.NEVER;
    }
    return { clockFile: env.LOYALTY_CLOCK_FILE };
  });
export type ClockConfig = z.infer<typeof clockEnvSchema>;

/** The clock a configuration asks for: adjustable when it names a clock file, the system clock otherwise. */
export function clockFromConfig(config: ClockConfig, options?: AdjustableClockOptions): Clock {
  return config.clockFile === null ? systemClock : adjustableClock(config.clockFile, options);
}

/**
 * The clock for a service's time-driven decisions: the adjustable clock when LOYALTY_CLOCK_FILE is
 * set (outside production), the system clock otherwise. Throws a ConfigError naming
 * LOYALTY_CLOCK_FILE when it is set with NODE_ENV=production.
 *
 * @example
 * const clock = clockFromEnv(process.env);
 * clock.now(); // '2026-11-22T10:00:05.000Z'
 */
export function clockFromEnv(env: Env, options?: AdjustableClockOptions): Clock {
  return clockFromConfig(parseEnv(clockEnvSchema, env), options);
}
