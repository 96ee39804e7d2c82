import fc from 'fast-check';
import { backoffMs } from './backoff';

const policy = { baseMs: 250, maxMs: 60_000 };
const HOUR = 3_600_000;
/** A random() in [0, 1), as Math.random gives. */
const unit = fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true });
const constant = (x: number) => () => x;

describe('backoffMs', () => {
  it('given no vendor delay, then a whole number of ms in [0, min(max, base·2^attempt)) — full jitter', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 10_000 }), fc.integer({ min: 1, max: 600_000 }), fc.integer({ min: 1, max: 2_000 }), unit, (baseMs, maxMs, attempt, r) => {
        const wait = backoffMs({ baseMs, maxMs }, attempt, null, constant(r));
        const ceiling = Math.min(maxMs, baseMs * 2 ** Math.min(attempt, 30));

        expect(Number.isInteger(wait)).toBe(true);
        expect(wait).toBeGreaterThanOrEqual(0);
        expect(wait).toBeLessThan(ceiling);
        expect(wait).toBeLessThanOrEqual(maxMs);
      }),
    );
  });

  it('given the extremes of the random draw, then the bounds of the window: 0, and just under its ceiling', () => {
    expect(backoffMs(policy, 3, null, constant(0))).toBe(0);
    expect(backoffMs(policy, 3, null, constant(0.999_999))).toBe(1_999);
    expect(backoffMs(policy, 1, null, constant(0.999_999))).toBe(499);
  });

  it('given more attempts, then the window doubles until the cap', () => {
    const top = (attempt: number) => backoffMs(policy, attempt, null, constant(0.999_999_9)) + 1;

    expect([1, 2, 3, 4, 5, 6, 7, 8, 9].map(top)).toEqual([500, 1_000, 2_000, 4_000, 8_000, 16_000, 32_000, 60_000, 60_000]);
  });

  it('given a huge attempt number, then still capped, never Infinity or NaN', () => {
    expect(backoffMs(policy, 10_000, null, constant(0.5))).toBe(30_000);
  });

  it('given a vendor delay, then it wins, even above the policy cap, plus jitter under min(1 s, 2·base)', () => {
    expect(backoffMs(policy, 1, 5_000, constant(0.5))).toBe(5_250);
    expect(backoffMs(policy, 9, 120_000, constant(0))).toBe(120_000);
    fc.assert(
      fc.property(fc.integer({ min: 0, max: HOUR - 2_000 }), fc.integer({ min: 1, max: 5_000 }), fc.integer({ min: 1, max: 50 }), unit, (said, baseMs, attempt, r) => {
        const wait = backoffMs({ baseMs, maxMs: 1_000 }, attempt, said, constant(r));

        expect(wait).toBeGreaterThanOrEqual(said);
        expect(wait - said).toBeLessThan(Math.max(1, Math.min(1_000, 2 * baseMs)));
      }),
    );
  });

  it('given a vendor delay beyond an hour, then an hour', () => {
    expect(backoffMs(policy, 1, 10 * HOUR, constant(0.9))).toBe(HOUR);
    expect(backoffMs(policy, 1, HOUR - 10, constant(0.9))).toBe(HOUR);
  });

  it('given a vendor delay of 0, then a retry within the jitter', () => {
    expect(backoffMs(policy, 4, 0, constant(0.5))).toBe(250);
  });
});
