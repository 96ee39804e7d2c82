import { FixedWindowLimiter } from './rate-limit';

describe('FixedWindowLimiter', () => {
  it('allows `limit` requests per window per key, then refuses until the window ends', () => {
    const limiter = new FixedWindowLimiter(2, 1000);
    expect([limiter.take('a', 0), limiter.take('a', 10), limiter.take('a', 999)].map((state) => state.allowed)).toEqual([true, true, false]);
    expect(limiter.take('b', 500).allowed).toBe(true);
    expect(limiter.take('a', 1000)).toEqual({ allowed: true, limit: 2, remaining: 1, resetAtMs: 2000 });
  });

  it('peeks without counting', () => {
    const limiter = new FixedWindowLimiter(1, 1000);
    expect(limiter.peek('a', 0)).toMatchObject({ allowed: true, remaining: 1 });
    expect(limiter.take('a', 0).allowed).toBe(true);
    expect(limiter.peek('a', 1)).toMatchObject({ allowed: false, remaining: 0, resetAtMs: 1000 });
  });
});
