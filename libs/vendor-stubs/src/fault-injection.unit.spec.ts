import { FaultInjector, type RequestFault } from './fault-injection';
import { startVendorStubs } from './index';
import { accounts, call } from './test/stub-fixtures';

function decisions(injector: FaultInjector, count: number): RequestFault[] {
  return Array.from({ length: count }, () => injector.decide());
}

describe('FaultInjector', () => {
  const faults = { errorRate: 0.2, rateLimit: { rate: 0.1, retryAfterSeconds: 1 }, latencyMs: 5, latencyRate: 0.5, seed: 42 };

  it('decides the same faults for the same seed and request order', () => {
    const first = new FaultInjector();
    const second = new FaultInjector();
    first.set(faults);
    second.set(faults);
    expect(decisions(first, 200)).toEqual(decisions(second, 200));
  });

  it('decides differently with another seed, and restarts the sequence on set', () => {
    const injector = new FaultInjector();
    injector.set(faults);
    const run = decisions(injector, 200);
    injector.set({ ...faults, seed: 43 });
    expect(decisions(injector, 200)).not.toEqual(run);
    injector.set(faults);
    expect(decisions(injector, 200)).toEqual(run);
  });

  it('injects roughly the configured rates', () => {
    const injector = new FaultInjector();
    injector.set({ errorRate: 0.3, seed: 9 });
    const errors = decisions(injector, 10_000).filter((fault) => fault.outcome.kind === 'server-error');
    expect(errors.length / 10_000).toBeCloseTo(0.3, 1);
    expect(new Set(errors.map((fault) => (fault.outcome.kind === 'server-error' ? fault.outcome.status : 0)))).toEqual(new Set([500, 502, 503, 504]));
  });

  it('refuses burstLength requests after every burstEvery ones', () => {
    const injector = new FaultInjector();
    injector.set({ rateLimit: { burstEvery: 3, burstLength: 2, retryAfterSeconds: null } });
    expect(decisions(injector, 10).map((fault) => (fault.outcome.kind === 'pass' ? '.' : 'x')).join('')).toBe('...xx...xx');
  });

  it('injects nothing by default', () => {
    expect(decisions(new FaultInjector(), 5).every((fault) => fault.delayMs === 0 && fault.outcome.kind === 'pass')).toBe(true);
    expect(new FaultInjector().itemFails()).toBe(false);
  });
});

describe('fault injection through the server', () => {
  it('gives the same statuses for the same seed, and persists nothing it refused', async () => {
    const stubs = await startVendorStubs({ accounts });
    const url = `${stubs.urls.braze}/users/track`;
    const headers = { authorization: `Bearer ${accounts.braze.apiKey}` };
    const run = async (): Promise<number[]> => {
      stubs.reset('braze');
      stubs.setFaults('braze', { errorRate: 0.3, rateLimit: { rate: 0.2, retryAfterSeconds: 1 }, seed: 1234 });
      const statuses: number[] = [];
      for (let i = 0; i < 30; i += 1) {
        statuses.push((await call(url, { body: { events: [{ external_id: 'm', name: 'x', time: '2026-01-01T00:00:00Z' }] }, headers })).status);
      }
      return statuses;
    };
    try {
      const first = await run();
      expect(await run()).toEqual(first);
      const stats = stubs.stats('braze');
      expect(stats.injected.errors + stats.injected.rateLimited).toBe(first.filter((status) => status !== 201).length);
      expect(stats.injected.errors).toBeGreaterThan(0);
      expect(stats.injected.rateLimited).toBeGreaterThan(0);
      expect(stubs.received('braze')).toHaveLength(first.filter((status) => status === 201).length);
    } finally {
      await stubs.close();
    }
  });

  it('delays answers by latencyMs', async () => {
    const stubs = await startVendorStubs({ accounts });
    try {
      stubs.setFaults('webhooks', { latencyMs: 150 });
      const started = Date.now();
      await call(`${stubs.urls.webhooks}/x`, { body: '{}' });
      expect(Date.now() - started).toBeGreaterThanOrEqual(140);
      expect(stubs.stats('webhooks').injected.slow).toBe(1);
    } finally {
      await stubs.close();
    }
  });

  it('refuses invalid faults', async () => {
    const stubs = await startVendorStubs({ accounts });
    try {
      expect(() => stubs.setFaults('braze', { errorRate: 2 })).toThrow(RangeError);
    } finally {
      await stubs.close();
    }
  });
});
