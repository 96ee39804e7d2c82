/**
 * A small seeded PRNG (the mulberry32 construction): the same seed gives the same sequence, so a
 * fault pattern seen in a failing test can be replayed exactly. Not for anything secret.
 *
 * @example
 * const next = seededRandom(42);
 * next(); // a number in [0, 1), the same on every run with seed 42
 */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let mixed = Math.imul(state ^ (state >>> 15), state | 1);
    mixed ^= mixed + Math.imul(mixed ^ (mixed >>> 7), mixed | 61);
    return ((mixed ^ (mixed >>> 14)) >>> 0) / 4_294_967_296;
  };
}
