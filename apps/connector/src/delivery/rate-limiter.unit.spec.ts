import { RateLimiter } from './rate-limiter';

/**
 * The limiter sleeps with setTimeout; Jest's fake timers drive both that and the injected clock,
 * so the waits below are exact and the spec takes no real time.
 */
describe('RateLimiter', () => {
  beforeEach(() => jest.useFakeTimers({ now: 1_000_000 }));
  afterEach(() => jest.useRealTimers());

  const fakeNow = () => Date.now();

  it('given a full bucket, then the first capacity (a tenth of a second) of takes do not wait', async () => {
    const limiter = new RateLimiter(1_000, fakeNow);

    const waits = await Promise.all(Array.from({ length: 100 }, () => limiter.take()));

    expect(waits).toEqual(Array.from({ length: 100 }, () => 0));
  });

  it('given the bucket emptied, then each further take waits for its own token, in the order asked', async () => {
    const limiter = new RateLimiter(1_000, fakeNow);
    const granted: number[] = [];
    const takes = Array.from({ length: 150 }, (_, i) =>
      limiter.take().then((waited) => {
        granted.push(i);
        return waited;
      }),
    );

    await jest.advanceTimersByTimeAsync(60);
    const waits = await Promise.all(takes);

    expect(granted).toEqual(Array.from({ length: 150 }, (_, i) => i));
    // 1 000 per second: the 101st token a millisecond later, the 150th 50 ms later.
    expect(waits.slice(0, 100).every((w) => w === 0)).toBe(true);
    expect(waits.slice(100)).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
  });

  it('given a sustained demand, then no more than capacity plus the rate over any stretch of time', async () => {
    const limiter = new RateLimiter(200, fakeNow); // capacity 20, one token per 5 ms
    const start = Date.now();
    const grantedAt: number[] = [];
    const takes = Array.from({ length: 60 }, () => limiter.take().then(() => grantedAt.push(Date.now() - start)));

    await jest.advanceTimersByTimeAsync(250);
    await Promise.all(takes);

    expect(grantedAt).toHaveLength(60);
    for (const t of [0, 4, 5, 50, 199, 200]) expect(grantedAt.filter((at) => at <= t).length).toBeLessThanOrEqual(20 + Math.floor((t * 200) / 1_000));
    expect(Math.max(...grantedAt)).toBe(200);
  });

  it('given a pause longer than the refill time, then the bucket is full again, never fuller', async () => {
    const limiter = new RateLimiter(1_000, fakeNow);
    await Promise.all(Array.from({ length: 100 }, () => limiter.take()));

    await jest.advanceTimersByTimeAsync(10_000);
    const takes = Array.from({ length: 101 }, () => limiter.take());
    await jest.advanceTimersByTimeAsync(5);
    const waits = await Promise.all(takes);

    expect(waits.filter((w) => w === 0)).toHaveLength(100);
    expect(waits[100]).toBe(1);
  });

  it('given a rate under ten per second, then bursts of one', async () => {
    const limiter = new RateLimiter(2, fakeNow);
    const takes = [limiter.take(), limiter.take()];

    await jest.advanceTimersByTimeAsync(500);

    expect(await Promise.all(takes)).toEqual([0, 500]);
  });
});
