import { type LedgerEvent } from '@loyalty/domain';
import { metadataFixture, pointsEarnedFixture } from '@loyalty/testing';
import { type StoredBucket, type StoredState, ledgerBatchEffects, stateKey } from './ledger-batch-effects';
import { type LedgerRowChanges, projectLedgerEvent } from './ledger.projection';

const meta = (eventId: string, recordedAt = '2026-12-07T00:00:01.000Z') => metadataFixture({ eventId, recordedAt });
const changesOf = (events: readonly LedgerEvent[]): LedgerRowChanges[] =>
  events.flatMap((e, offset) => {
    const c = projectLedgerEvent(e, { partition: 0, offset });
    return c === null ? [] : [c];
  });
const stored = (buckets: Partial<StoredBucket>[] = [], o: { created?: string[]; customTiers?: [string, string[]][] } = {}): StoredState => ({
  buckets: buckets.map((b) => ({ tenantId: 'acme', bucketId: 'b', memberId: 'm-1', currency: 'permanent', pending: false, remaining: 0, expired: false, sourceTransactionId: null, ...b })),
  created: new Set((o.created ?? []).map((id) => stateKey('acme', id))),
  customTiers: new Map((o.customTiers ?? []).map(([member, tiers]) => [stateKey('acme', member), tiers])),
});
const zero = { tenantId: 'acme', memberId: 'm-1', active: 0, pending: 0, spent: 0, reversed: 0, debited: 0, expired: 0, qualifying: 0 };

const activated = (eventId: string, bucketId: string, points: number): LedgerEvent => ({
  type: 'PointsActivated',
  data: { bucketId, currency: 'permanent', points, activatedAt: '2026-12-06T23:00:00.000Z' },
  metadata: meta(eventId),
});
const expired = (eventId: string, bucketId: string, points: number): LedgerEvent => ({
  type: 'PointsExpired',
  data: { bucketId, currency: 'temporary', points, expiresAt: '2027-02-20T23:00:00.000Z', expiredAt: '2027-02-20T23:00:00.000Z' },
  metadata: meta(eventId),
});
const reversed = (eventId: string, buckets: { bucketId: string; points: number }[], o: { points?: number; debt?: number; transactionId?: string } = {}): LedgerEvent => ({
  type: 'PointsReversed',
  data: {
    returnId: `ret-${eventId}`,
    transactionId: o.transactionId ?? 'tx-1',
    points: o.points ?? buckets.reduce((s, b) => s + b.points, 0),
    buckets,
    writtenOff: 0,
    debt: o.debt ?? 0,
    lines: [],
  },
  metadata: meta(eventId),
});

describe('the effects of a batch, resolved in log order against the stored state', () => {
  it('given a pending earning and its activation in one batch, then the bucket is active, the points active and qualifying', () => {
    const effects = ledgerBatchEffects(changesOf([pointsEarnedFixture({ points: 100, bucketId: 'w', metadata: { eventId: 'e' } }), activated('a', 'w', 100)]), stored([], { created: ['w'] }));
    expect(effects.buckets).toEqual([{ tenantId: 'acme', bucketId: 'w', delta: 0, activatedAt: '2026-12-06T23:00:00.000Z', expiredAt: null }]);
    expect(effects.balances).toEqual([{ ...zero, currency: 'permanent', active: 100, qualifying: 100, recordedAt: '2026-12-07T00:00:01.000Z' }]);
    expect(effects.members).toEqual([{ tenantId: 'acme', memberId: 'm-1', qualifyingPoints: 100, tier: null, customTiers: null }]);
  });

  it('given a stored pending bucket partly cancelled by a return, when activated, then what is left moves and qualifies; the cancelled points never did', () => {
    const effects = ledgerBatchEffects(
      changesOf([reversed('r', [{ bucketId: 'w', points: 30 }]), activated('a', 'w', 70)]),
      stored([{ bucketId: 'w', pending: true, remaining: 100, sourceTransactionId: 'tx-1' }]),
    );
    expect(effects.balances).toEqual([{ ...zero, currency: 'permanent', active: 70, pending: -100, reversed: 30, qualifying: 70, recordedAt: expect.any(String) }]);
    expect(effects.members[0]?.qualifyingPoints).toBe(70);
    expect(effects.buckets).toEqual([{ tenantId: 'acme', bucketId: 'w', delta: -30, activatedAt: '2026-12-06T23:00:00.000Z', expiredAt: null }]);
  });

  it('given an activation and then a return in one batch, then the return takes qualifying points: the bucket was active by then', () => {
    const effects = ledgerBatchEffects(changesOf([activated('a', 'w', 100), reversed('r', [{ bucketId: 'w', points: 30 }])]), stored([{ bucketId: 'w', pending: true, remaining: 100 }]));
    expect(effects.members[0]?.qualifyingPoints).toBe(70);
    expect(effects.balances).toEqual([{ ...zero, currency: 'permanent', active: 70, pending: -100, reversed: 30, qualifying: 70, recordedAt: expect.any(String) }]);
  });

  it('given an activation of a bucket already active, or never opened, then nothing changes', () => {
    const effects = ledgerBatchEffects(changesOf([activated('a', 'p', 100), activated('b', 'nowhere', 5)]), stored([{ bucketId: 'p', remaining: 100 }]));
    expect(effects.buckets).toEqual([]);
    expect(effects.balances).toEqual([]);
    expect(effects.members).toEqual([{ tenantId: 'acme', memberId: 'm-1', qualifyingPoints: 0, tier: null, customTiers: null }]);
  });

  it('given an expiry, then the rest leaves the bucket for the expired column and qualifying points; a second expiry of it changes nothing', () => {
    const effects = ledgerBatchEffects(changesOf([expired('x', 't', 15), expired('y', 't', 15)]), stored([{ bucketId: 't', currency: 'temporary', remaining: 15 }]));
    expect(effects.buckets).toEqual([{ tenantId: 'acme', bucketId: 't', delta: -15, activatedAt: null, expiredAt: '2027-02-20T23:00:00.000Z' }]);
    expect(effects.balances).toEqual([{ ...zero, currency: 'temporary', active: -15, expired: 15, qualifying: -15, recordedAt: expect.any(String) }]);
    expect(effects.members[0]?.qualifyingPoints).toBe(-15);
  });

  it('given an expiry of a bucket stored as expired, then nothing moves', () => {
    const effects = ledgerBatchEffects(changesOf([expired('x', 't', 15)]), stored([{ bucketId: 't', currency: 'temporary', remaining: 15, expired: true }]));
    expect(effects.buckets).toEqual([]);
    expect(effects.balances).toEqual([]);
  });

  it('given a return of spent points, then what it took beyond buckets counts in the currency of the purchase; without the purchase, for the member only', () => {
    const known = ledgerBatchEffects(
      changesOf([reversed('r', [{ bucketId: 'p', points: 20 }], { points: 50, debt: 30 })]),
      stored([{ bucketId: 'p', remaining: 20, sourceTransactionId: 'tx-1' }]),
    );
    expect(known.balances).toEqual([{ ...zero, currency: 'permanent', active: -20, reversed: 20, qualifying: -50, recordedAt: expect.any(String) }]);
    expect(known.members[0]?.qualifyingPoints).toBe(-50);
    expect(known.debts).toEqual([{ tenantId: 'acme', memberId: 'm-1', debt: 30 }]);

    const unknown = ledgerBatchEffects(changesOf([reversed('r', [], { points: 30, debt: 30, transactionId: 'tx-gone' })]), stored());
    expect(unknown.balances).toEqual([]);
    expect(unknown.members[0]?.qualifyingPoints).toBe(-30);
  });

  it('given spending and a cancellation, then qualifying points do not change', () => {
    const effects = ledgerBatchEffects(
      changesOf([
        { type: 'PointsSpent', data: { redemptionId: 'red', points: 30, reward: null, buckets: [{ bucketId: 'p', points: 30 }] }, metadata: meta('s') },
        { type: 'RedemptionCancelled', data: { redemptionId: 'red', points: 10, buckets: [{ bucketId: 'p', points: 10 }] }, metadata: meta('c') },
      ]),
      stored([{ bucketId: 'p', remaining: 100 }]),
    );
    expect(effects.balances).toEqual([{ ...zero, currency: 'permanent', active: -20, spent: 20, recordedAt: expect.any(String) }]);
    expect(effects.members[0]?.qualifyingPoints).toBe(0);
  });

  it('given a second earning naming a bucket, then only the first opened it and counts', () => {
    const effects = ledgerBatchEffects(
      changesOf([
        pointsEarnedFixture({ points: 100, pending: false, bucketId: 'b', metadata: { eventId: 'e1' } }),
        pointsEarnedFixture({ points: 999, pending: false, bucketId: 'b', metadata: { eventId: 'e2' } }),
      ]),
      stored([], { created: ['b'] }),
    );
    expect(effects.balances).toEqual([{ ...zero, currency: 'permanent', active: 100, qualifying: 100, recordedAt: expect.any(String) }]);
    expect(effects.members[0]?.qualifyingPoints).toBe(100);
  });

  it('given tier changes and custom tiers, then the latest tier and the custom tiers after the batch', () => {
    const tier = (eventId: string, to: string): LedgerEvent => ({
      type: 'TierChanged',
      data: { from: null, to, direction: 'UP', reason: 'EARNED', qualifyingPoints: 0, customTiers: [], changedAt: `2026-12-0${eventId.length}T00:00:00.000Z` },
      metadata: meta(eventId),
    });
    const effects = ledgerBatchEffects(
      changesOf([
        tier('t', 'silver'),
        tier('tt', 'gold'),
        { type: 'CustomTierAssigned', data: { tier: 'vip' }, metadata: meta('vip') },
        { type: 'CustomTierRevoked', data: { tier: 'employee' }, metadata: meta('emp-off') },
      ]),
      stored([], { customTiers: [['m-1', ['employee']]] }),
    );
    expect(effects.members).toEqual([
      {
        tenantId: 'acme',
        memberId: 'm-1',
        qualifyingPoints: 0,
        tier: { tierId: 'gold', changedAt: '2026-12-02T00:00:00.000Z', reason: 'EARNED', programVersion: 'default-2026-11-01' },
        customTiers: ['vip'],
      },
    ]);
    expect(effects.balances).toEqual([]);
  });

  it('given a movement of a bucket never opened, then nothing moves', () => {
    const effects = ledgerBatchEffects(changesOf([{ type: 'PointsSpent', data: { redemptionId: 'red', points: 5, reward: null, buckets: [{ bucketId: 'nope', points: 5 }] }, metadata: meta('s') }]), stored());
    expect(effects.buckets).toEqual([]);
    expect(effects.balances).toEqual([]);
  });
});
