import { type LagPolicy, LagTrend, judgeLag } from './lag-trend';

const policy: LagPolicy = { maxHealthyLag: 1_000, windowMs: 60_000 };
const at = (seconds: number, totalLag: number) => ({ atMs: seconds * 1_000, totalLag });

describe('judgeLag', () => {
  it('is healthy while the lag is not measured yet', () => {
    expect(judgeLag([], undefined, policy)).toEqual({ healthy: true, state: 'unmeasured' });
  });

  it('is healthy within the bound, whatever the trend', () => {
    expect(judgeLag([at(0, 10)], at(120, 1_000), policy)).toEqual({ healthy: true, state: 'within-bound' });
  });

  it('gives a lag above the bound one window before judging its trend', () => {
    expect(judgeLag([at(0, 5_000), at(30, 5_000)], at(59, 5_000), policy)).toEqual({ healthy: true, state: 'observing' });
  });

  it('is healthy above the bound while the lag is lower than a window ago (a backlog draining)', () => {
    expect(judgeLag([at(0, 90_000), at(30, 50_000)], at(60, 40_000), policy)).toEqual({ healthy: true, state: 'draining' });
  });

  it('is down above the bound when the lag is no lower than a window ago', () => {
    expect(judgeLag([at(0, 5_000)], at(60, 5_000), policy)).toEqual({ healthy: false, state: 'stalled' });
    expect(judgeLag([at(0, 5_000)], at(90, 7_000), policy)).toEqual({ healthy: false, state: 'stalled' });
  });

  it('compares with the newest sample at least a window old, so a dip just before it is not missed', () => {
    // 61 s ago the lag was 9,000, 60 s ago 4,000: now 5,000 is growing, not draining.
    expect(judgeLag([at(0, 9_000), at(1, 4_000), at(40, 3_000)], at(61, 5_000), policy)).toEqual({ healthy: false, state: 'stalled' });
  });
});

describe('LagTrend', () => {
  it('judges each check against the checks before it', () => {
    const trend = new LagTrend(policy);
    expect(trend.judge(0, 50_000).state).toBe('observing');
    expect(trend.judge(30_000, 30_000).state).toBe('observing');
    expect(trend.judge(60_000, 20_000).state).toBe('draining');
    expect(trend.judge(90_000, 20_000).state).toBe('draining');
    expect(trend.judge(120_000, 20_000)).toEqual({ healthy: false, state: 'stalled' });
    expect(trend.judge(150_000, 500)).toEqual({ healthy: true, state: 'within-bound' });
  });

  it('keeps a reference a window old however often it is asked', () => {
    const trend = new LagTrend(policy);
    // Checks every 10 ms for two minutes, the lag stuck: the history stays small and still finds its reference.
    let verdict = trend.judge(0, 5_000);
    for (let ms = 10; ms <= 120_000; ms += 10) verdict = trend.judge(ms, 5_000);
    expect(verdict).toEqual({ healthy: false, state: 'stalled' });
  });

  it('does not record an unmeasured lag', () => {
    const trend = new LagTrend(policy);
    expect(trend.judge(0, undefined).state).toBe('unmeasured');
    expect(trend.judge(60_000, 5_000).state).toBe('observing');
  });
});
