import fc from 'fast-check';
import { DEFAULT_PROGRAM, type ProgramConfig } from '../program/program-config';
import { MAX_LINE_AMOUNT_MINOR, linePoints } from './line-points';

describe('linePoints', () => {
  it('earns the category rate per whole euro, rounded down per line', () => {
    expect(linePoints(DEFAULT_PROGRAM, 'ski-equipment', 19_999)).toBe(599); // 199.99 x 3 = 599.97
    expect(linePoints(DEFAULT_PROGRAM, 'apparel', 4_550)).toBe(91); // 45.50 x 2
    expect(linePoints(DEFAULT_PROGRAM, 'groceries', 999)).toBe(9); // default rate 1
    expect(linePoints(DEFAULT_PROGRAM, 'gift-cards', 50_000)).toBe(0);
  });

  it('supports fractional rates exactly (1.5 points per unit is 150 hundredths)', () => {
    const program: ProgramConfig = { ...DEFAULT_PROGRAM, earning: { ...DEFAULT_PROGRAM.earning, defaultRateHundredths: 150 } };
    expect(linePoints(program, 'books', 1_000)).toBe(15);
    expect(linePoints(program, 'books', 1_099)).toBe(16); // 16.485 rounds down
  });

  it('refuses amounts that are not non-negative safe integers', () => {
    expect(() => linePoints(DEFAULT_PROGRAM, 'apparel', -1)).toThrow(RangeError);
    expect(() => linePoints(DEFAULT_PROGRAM, 'apparel', 10.5)).toThrow(RangeError);
    expect(() => linePoints(DEFAULT_PROGRAM, 'apparel', MAX_LINE_AMOUNT_MINOR + 1)).toThrow(RangeError);
  });

  describe('properties', () => {
    const amount = fc.integer({ min: 0, max: MAX_LINE_AMOUNT_MINOR });
    const rate = fc.integer({ min: 0, max: 100_000 });
    const programWith = (r: number): ProgramConfig => ({ ...DEFAULT_PROGRAM, earning: { ...DEFAULT_PROGRAM.earning, defaultRateHundredths: r } });

    it('is an integer within one point below the exact product', () => {
      fc.assert(
        fc.property(amount, rate, (a, r) => {
          const points = linePoints(programWith(r), 'any', a);
          const exactTimes10000 = BigInt(a) * BigInt(r); // points x 100 x 100 minor units
          return Number.isSafeInteger(points) && BigInt(points) * 10_000n <= exactTimes10000 && exactTimes10000 < BigInt(points + 1) * 10_000n;
        }),
      );
    });

    it('never earns more for less money, and splitting a line never earns more than the whole', () => {
      fc.assert(
        fc.property(amount, amount, rate, (a, b, r) => {
          const program = programWith(r);
          const [lo, hi] = a <= b ? [a, b] : [b, a];
          const monotonic = linePoints(program, 'x', lo) <= linePoints(program, 'x', hi);
          const split = hi - lo;
          const splitting = linePoints(program, 'x', lo) + linePoints(program, 'x', split) <= linePoints(program, 'x', hi);
          return monotonic && splitting;
        }),
      );
    });
  });
});
