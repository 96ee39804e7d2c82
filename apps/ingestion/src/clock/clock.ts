/** The only source of "now" for the write side; the domain receives time as an argument. */
export interface Clock {
  now(): string;
}

export const CLOCK = Symbol('Clock');

export const systemClock: Clock = { now: () => new Date().toISOString() };
