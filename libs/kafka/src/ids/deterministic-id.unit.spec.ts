import { deterministicId } from './deterministic-id';

describe('deterministicId', () => {
  it('is a version 5 UUID, the same for the same parts', () => {
    const id = deterministicId('acme', 'purchase', 'tx-1', 'PointsEarned');
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(deterministicId('acme', 'purchase', 'tx-1', 'PointsEarned')).toBe(id);
  });

  it('differs when any part differs, including where the boundaries fall', () => {
    const ids = new Set([
      deterministicId('acme', 'purchase', 'tx-1'),
      deterministicId('acme', 'purchase', 'tx-2'),
      deterministicId('globex', 'purchase', 'tx-1'),
      deterministicId('acme|purchase', 'tx-1'),
      deterministicId('acme', 'purchase|tx-1'),
    ]);
    expect(ids.size).toBe(5);
  });
});
