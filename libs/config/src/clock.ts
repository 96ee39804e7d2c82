/**
 * Where services outside the domain get "now" from. The domain never reads a clock: adapters pass
 * `clock.now()` in, so a demo or a test can move time without touching decisions.
 *
 * `now` is a property, not a method: implementations are closures, so `clock.now` can be handed on
 * unbound (e.g. as a pipeline's `now` dependency).
 *
 * @example
 * const pipeline = new CommandPipeline({ ...deps, now: clockFromEnv(process.env).now }, settings);
 */
export interface Clock {
  /** ISO-8601 in UTC with milliseconds, e.g. `2026-11-22T10:00:05.000Z`. */
  readonly now: () => string;
}

/** The machine's clock: what production always uses. */
export const systemClock: Clock = { now: () => new Date().toISOString() };
