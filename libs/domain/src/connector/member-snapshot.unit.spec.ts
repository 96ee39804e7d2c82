import fc from 'fast-check';
import { foldLedgerBalances } from '../balances/ledger-balances';
import { type BucketAmount } from '../events/generated/ledger-event.types';
import { type LedgerEvent } from '../events/ledger-event';
import {
  activated,
  cancelled,
  customTierAssigned,
  customTierRevoked,
  debited,
  earned,
  expired,
  meta,
  reversed,
  spent,
  tierChanged,
} from '../rules/test/rules-fixtures';
import { EMPTY_SNAPSHOT, type MemberSnapshot, RECENT_EVENT_IDS_KEPT, evolveSnapshot, hasSeen, snapshotBalances } from './member-snapshot';

const given = (...events: readonly LedgerEvent[]): MemberSnapshot => events.reduce(evolveSnapshot, EMPTY_SNAPSHOT);
/** The same event under another id: a distinct ledger event, not a resend. */
const asNew = <E extends LedgerEvent>(event: E, eventId: string): E => ({ ...event, metadata: { ...event.metadata, eventId } });

const enrolledWith = (contact: { email: string | null; phone: string | null; loyaltyCardNumber: string | null }): LedgerEvent => ({
  type: 'MemberEnrolled',
  data: { enrolledAt: '2026-10-01T10:00:00.000Z', ...contact },
  metadata: meta('enrol'),
});
const profileUpdated = (eventId: string, changed: readonly string[], values: { email: string | null; phone: string | null; loyaltyCardNumber: string | null }): LedgerEvent => ({
  type: 'MemberProfileUpdated',
  data: { changed, ...values },
  metadata: meta(eventId),
});
const purchase = (eventId: string): LedgerEvent => ({
  type: 'PurchaseRecorded',
  data: { transactionId: `tx-${eventId}`, channel: 'web', moneyCurrency: 'EUR', totalMinor: 1_000, lines: [] },
  metadata: meta(eventId),
});

describe('evolveSnapshot', () => {
  it('given no events, then no points, no tier and no contact points', () => {
    expect(snapshotBalances(EMPTY_SNAPSHOT)).toEqual([]);
    expect(EMPTY_SNAPSHOT).toMatchObject({ tier: null, customTiers: [], qualifyingPoints: 0, contact: { email: null, phone: null, loyaltyCardNumber: null } });
  });

  describe('earning', () => {
    it('given an active earning, then its points are active and count towards the tier', () => {
      const after = given(earned('b1', 120));

      expect(snapshotBalances(after)).toEqual([{ currency: 'permanent', active: 120, pending: 0 }]);
      expect(after.qualifyingPoints).toBe(120);
    });

    it('given a pending earning, then its points are pending and do not count towards the tier yet', () => {
      const after = given(earned('b1', 120, { pending: true }));

      expect(snapshotBalances(after)).toEqual([{ currency: 'permanent', active: 0, pending: 120 }]);
      expect(after.qualifyingPoints).toBe(0);
    });

    it('given an earning that repays debt, then the bucket holds the rest and all its points count towards the tier', () => {
      const after = given(earned('b1', 100, { debtRecovered: 30 }));

      expect(snapshotBalances(after)).toEqual([{ currency: 'permanent', active: 70, pending: 0 }]);
      expect(after.qualifyingPoints).toBe(100);
    });

    it('given a second earning naming a bucket already opened, then the first bucket stands', () => {
      const after = given(earned('b1', 100), asNew(earned('b1', 999), 'other-earning'));

      expect(snapshotBalances(after)).toEqual([{ currency: 'permanent', active: 100, pending: 0 }]);
      expect(after.qualifyingPoints).toBe(100);
    });

    it('given earnings in several currencies, then balances come one per currency, sorted by currency', () => {
      const after = given(earned('t1', 5, { currency: 'temporary' }), earned('p1', 7), earned('a1', 3, { currency: 'air-miles' }), earned('p2', 1, { pending: true }));

      expect(snapshotBalances(after)).toEqual([
        { currency: 'air-miles', active: 3, pending: 0 },
        { currency: 'permanent', active: 7, pending: 1 },
        { currency: 'temporary', active: 5, pending: 0 },
      ]);
    });
  });

  describe('activation', () => {
    it('given a pending bucket, when it is activated, then its points become active and count towards the tier', () => {
      const after = given(earned('b1', 120, { pending: true }), activated('b1', 120));

      expect(snapshotBalances(after)).toEqual([{ currency: 'permanent', active: 120, pending: 0 }]);
      expect(after.qualifyingPoints).toBe(120);
    });

    it('given an active bucket, when an activation names it, then nothing changes but the recent ids', () => {
      const before = given(earned('b1', 120));
      const after = evolveSnapshot(before, activated('b1', 120));

      expect({ ...after, recentEventIds: [] }).toEqual({ ...before, recentEventIds: [] });
    });

    it('given no such bucket, when an activation names it, then nothing changes but the recent ids', () => {
      const after = given(activated('unknown', 50));

      expect(snapshotBalances(after)).toEqual([]);
      expect(after.qualifyingPoints).toBe(0);
    });
  });

  describe('expiry', () => {
    it('given an active bucket, when it expires, then what remained leaves the balance and the qualifying points', () => {
      const after = given(earned('b1', 100, { currency: 'temporary' }), spent('r1', [['b1', 30]]), expired('b1', 70, '2027-01-01T00:00:00.000Z'));

      expect(snapshotBalances(after)).toEqual([{ currency: 'temporary', active: 0, pending: 0 }]);
      expect(after.qualifyingPoints).toBe(30);
    });

    it('given an expired bucket, when another expiry names it, then it expires only once', () => {
      const expiry = expired('b1', 70, '2027-01-01T00:00:00.000Z');
      const after = given(earned('b1', 100, { currency: 'temporary' }), expiry, asNew(expiry, 'second-expiry'));

      expect(snapshotBalances(after)).toEqual([{ currency: 'temporary', active: 30, pending: 0 }]);
      expect(after.qualifyingPoints).toBe(30);
    });
  });

  describe('spending and cancelling', () => {
    it('given active buckets, when points are spent, then the named buckets lose them and the qualifying points stay', () => {
      const after = given(earned('b1', 100), earned('b2', 50), spent('r1', [['b1', 100], ['b2', 20]]));

      expect(snapshotBalances(after)).toEqual([{ currency: 'permanent', active: 30, pending: 0 }]);
      expect(after.buckets).toMatchObject({ b1: { remaining: 0 }, b2: { remaining: 30 } });
      expect(after.qualifyingPoints).toBe(150);
    });

    it('given a redemption, when it is cancelled, then the same points go back to the same buckets', () => {
      const taken = [['b1', 100], ['b2', 20]] as const;
      const after = given(earned('b1', 100), earned('b2', 50), spent('r1', taken), cancelled('r1', taken));

      expect(after.buckets).toMatchObject({ b1: { remaining: 100 }, b2: { remaining: 50 } });
      expect(after.qualifyingPoints).toBe(150);
    });

    it('given no such bucket, when a spend names it, then the buckets that exist are the only ones moved', () => {
      const after = given(earned('b1', 100), spent('r1', [['b1', 10], ['ghost', 5]]));

      expect(Object.keys(after.buckets)).toEqual(['b1']);
      expect(snapshotBalances(after)).toEqual([{ currency: 'permanent', active: 90, pending: 0 }]);
    });
  });

  describe('reversal', () => {
    it('given an active bucket, when a return reverses points, then they leave the bucket and the qualifying points, debt included', () => {
      const after = given(earned('b1', 100), spent('r1', [['b1', 80]]), reversed('ret1', [['b1', 20]], { debt: 30 }));

      expect(snapshotBalances(after)).toEqual([{ currency: 'permanent', active: 0, pending: 0 }]);
      expect(after.qualifyingPoints).toBe(50);
    });

    it('given a pending bucket, when a return reverses its points, then they leave the pending balance and never touch the qualifying points', () => {
      const after = given(earned('b1', 100), earned('p1', 60, { pending: true }), reversed('ret1', [['p1', 40]]));

      expect(snapshotBalances(after)).toEqual([{ currency: 'permanent', active: 100, pending: 20 }]);
      expect(after.qualifyingPoints).toBe(100);
    });

    it('given a reversal from a pending and an active bucket, then only the active part leaves the qualifying points', () => {
      const after = given(earned('b1', 100), earned('p1', 60, { pending: true }), reversed('ret1', [['p1', 60], ['b1', 10]]));

      expect(snapshotBalances(after)).toEqual([{ currency: 'permanent', active: 90, pending: 0 }]);
      expect(after.qualifyingPoints).toBe(90);
    });
  });

  it('given active buckets, when an operator debits points, then they leave the buckets and the qualifying points', () => {
    const after = given(earned('b1', 100), debited('adj1', [['b1', 25]]));

    expect(snapshotBalances(after)).toEqual([{ currency: 'permanent', active: 75, pending: 0 }]);
    expect(after.qualifyingPoints).toBe(75);
  });

  describe('tiers', () => {
    it("given tier changes, then the tier is the latest change's target", () => {
      expect(given(tierChanged(null, 'bronze', 'UP', 'ENROLLED')).tier).toBe('bronze');
      expect(given(tierChanged(null, 'bronze', 'UP', 'ENROLLED'), tierChanged('bronze', 'gold', 'UP', 'EARNED'), tierChanged('gold', 'silver', 'DOWN', 'EXPIRED')).tier).toBe('silver');
    });

    it('given custom tiers assigned, then they are held once each, sorted', () => {
      const after = given(customTierAssigned('vip'), customTierAssigned('employee'), asNew(customTierAssigned('vip'), 'assign-vip-again'));

      expect(after.customTiers).toEqual(['employee', 'vip']);
    });

    it('given a custom tier revoked, then it is no longer held and the others stay', () => {
      const after = given(customTierAssigned('vip'), customTierAssigned('employee'), customTierRevoked('vip'));

      expect(after.customTiers).toEqual(['employee']);
    });
  });

  describe('contact points', () => {
    const contact = { email: 'ana@example.com', phone: '+49111', loyaltyCardNumber: 'C-1' };

    it('given an enrolment, then the snapshot holds its contact points', () => {
      expect(given(enrolledWith(contact)).contact).toEqual(contact);
    });

    it('given a profile update, then only the fields it names change, and a named null clears its field', () => {
      const after = given(enrolledWith(contact), profileUpdated('p1', ['email', 'phone'], { email: 'new@example.com', phone: null, loyaltyCardNumber: 'IGNORED' }));

      expect(after.contact).toEqual({ email: 'new@example.com', phone: null, loyaltyCardNumber: 'C-1' });
    });

    it('given a profile update naming no field, then the contact points stay', () => {
      const after = given(enrolledWith(contact), profileUpdated('p1', [], { email: null, phone: null, loyaltyCardNumber: null }));

      expect(after.contact).toEqual(contact);
    });
  });

  describe('events carried twice', () => {
    it('given an event already seen, when it comes again, then the snapshot is unchanged', () => {
      const before = given(earned('b1', 100), spent('r1', [['b1', 40]]));

      expect(hasSeen(before, 'spend-r1')).toBe(true);
      expect(evolveSnapshot(before, spent('r1', [['b1', 40]]))).toBe(before);
      expect(snapshotBalances(before)).toEqual([{ currency: 'permanent', active: 60, pending: 0 }]);
    });

    it('given a resend a few events later, then points move once', () => {
      const reversal = reversed('ret1', [['b1', 10]]);
      const after = given(earned('b1', 100), reversal, earned('b2', 5), reversal, tierChanged(null, 'gold', 'UP', 'EARNED'), reversal);

      expect(snapshotBalances(after)).toEqual([{ currency: 'permanent', active: 95, pending: 0 }]);
      expect(after.qualifyingPoints).toBe(95);
    });

    it('given events that concern no points, tiers or contact, then they only join the recent ids', () => {
      const before = given(earned('b1', 100));
      const after = evolveSnapshot(before, purchase('buy-1'));

      expect(after).toEqual({ ...before, recentEventIds: [...before.recentEventIds, 'buy-1'] });
      expect(hasSeen(after, 'buy-1')).toBe(true);
      expect(hasSeen(after, 'buy-2')).toBe(false);
    });

    it(`given more than ${RECENT_EVENT_IDS_KEPT} events, then only the latest ${RECENT_EVENT_IDS_KEPT} ids are kept, oldest first`, () => {
      const ids = Array.from({ length: RECENT_EVENT_IDS_KEPT + 5 }, (_, i) => `buy-${i}`);
      const after = given(...ids.map(purchase));

      expect(after.recentEventIds).toEqual(ids.slice(5));
      expect(hasSeen(after, 'buy-4')).toBe(false);
      expect(hasSeen(after, 'buy-5')).toBe(true);
    });
  });
});

/**
 * Valid logs of one member, as the write side decides them: spends and debits take only what
 * active buckets hold, cancellations give back what their redemption took, reversals beyond what
 * a bucket holds become debt and later earnings repay it first, activations activate what is left
 * of a pending bucket, expiries take what is left of an active bucket once; contact and internal
 * events are mixed in. Then the ledger's at-least-once writes: copies of events a few places later.
 */
// `size: 'max'` below: without it fast-check keeps arrays to about ten items, too short for debts and resends.
const stepArb = fc.record({
  kind: fc.constantFrom('earn', 'earn', 'earn', 'spend', 'spend', 'cancel', 'reverse', 'adjust', 'activate', 'activate', 'expire', 'tier', 'assign', 'revoke', 'enrol', 'profile', 'purchase'),
  points: fc.integer({ min: 1, max: 500 }),
  pending: fc.boolean(),
  currency: fc.constantFrom('permanent', 'temporary'),
  pick: fc.nat(),
});
type Step = typeof stepArb extends fc.Arbitrary<infer T> ? T : never;

interface Bucket {
  readonly id: string;
  readonly currency: string;
  remaining: number;
  pending: boolean;
  expired: boolean;
}

function memberLog(steps: readonly Step[]): LedgerEvent[] {
  const buckets: Bucket[] = [];
  const redemptions: { id: string; taken: BucketAmount[]; cancelled: boolean }[] = [];
  let debt = 0;
  const AT = '2026-11-22T10:00:00.000Z';
  const events: LedgerEvent[] = [];
  steps.forEach((step, n) => {
    const metadata = meta(`e${n}`);
    const sum = (taken: readonly BucketAmount[]) => taken.reduce((s, t) => s + t.points, 0);
    const spendable = buckets.filter((b) => !b.pending && b.remaining > 0);
    switch (step.kind) {
      case 'earn': {
        const debtRecovered = Math.min(debt, step.points);
        debt -= debtRecovered;
        buckets.push({ id: `b${n}`, currency: step.currency, remaining: step.points - debtRecovered, pending: step.pending, expired: false });
        const data = { bucketId: `b${n}`, currency: step.currency, points: step.points, basePoints: step.points, multiplierHundredths: 100, debtRecovered, earnedAt: AT, activeFrom: AT, pending: step.pending, expiresAt: null };
        events.push({ type: 'PointsEarned', data: { ...data, source: { kind: 'PURCHASE', sourceId: `tx${n}`, lines: [] } }, metadata });
        return;
      }
      case 'spend': {
        const available = spendable.reduce((s, b) => s + b.remaining, 0);
        if (available === 0) return;
        let want = 1 + (step.pick % available);
        const taken: BucketAmount[] = [];
        for (const b of spendable) {
          const take = Math.min(want, b.remaining);
          if (take === 0) break;
          b.remaining -= take;
          want -= take;
          taken.push({ bucketId: b.id, points: take });
        }
        redemptions.push({ id: `r${n}`, taken, cancelled: false });
        events.push({ type: 'PointsSpent', data: { redemptionId: `r${n}`, points: sum(taken), reward: null, buckets: taken }, metadata });
        return;
      }
      case 'cancel': {
        const open = redemptions.filter((r) => !r.cancelled);
        const redemption = open[step.pick % Math.max(1, open.length)];
        if (redemption === undefined) return;
        redemption.cancelled = true;
        for (const t of redemption.taken) buckets.find((b) => b.id === t.bucketId)!.remaining += t.points;
        events.push({ type: 'RedemptionCancelled', data: { redemptionId: redemption.id, points: sum(redemption.taken), buckets: redemption.taken }, metadata });
        return;
      }
      case 'reverse': {
        const bucket = buckets[step.pick % Math.max(1, buckets.length)];
        if (bucket === undefined) return;
        const take = Math.min(step.points, bucket.remaining);
        bucket.remaining -= take;
        debt += step.points - take;
        const taken = take > 0 ? [{ bucketId: bucket.id, points: take }] : [];
        events.push({ type: 'PointsReversed', data: { returnId: `ret${n}`, transactionId: 'tx', points: step.points, buckets: taken, writtenOff: 0, debt: step.points - take, lines: [] }, metadata });
        return;
      }
      case 'adjust': {
        const bucket = spendable[step.pick % Math.max(1, spendable.length)];
        if (bucket === undefined) return;
        const points = Math.min(step.points, bucket.remaining);
        bucket.remaining -= points;
        events.push({ type: 'PointsAdjusted', data: { adjustmentId: `adj${n}`, points, reason: 'correction', actor: 'ops', buckets: [{ bucketId: bucket.id, points }] }, metadata });
        return;
      }
      case 'activate': {
        const waiting = buckets.filter((b) => b.pending);
        const bucket = waiting[step.pick % Math.max(1, waiting.length)];
        if (bucket === undefined) return;
        bucket.pending = false;
        events.push({ type: 'PointsActivated', data: { bucketId: bucket.id, currency: bucket.currency, points: bucket.remaining, activatedAt: AT }, metadata });
        return;
      }
      case 'expire': {
        const live = buckets.filter((b) => !b.pending && !b.expired);
        const bucket = live[step.pick % Math.max(1, live.length)];
        if (bucket === undefined) return;
        const points = bucket.remaining;
        bucket.remaining = 0;
        bucket.expired = true;
        events.push({ type: 'PointsExpired', data: { bucketId: bucket.id, currency: bucket.currency, points, expiresAt: AT, expiredAt: AT }, metadata });
        return;
      }
      case 'tier': {
        const to = ['bronze', 'silver', 'gold'][step.pick % 3]!;
        events.push({ type: 'TierChanged', data: { from: null, to, direction: 'UP', reason: 'EARNED', qualifyingPoints: 0, customTiers: [], changedAt: AT }, metadata });
        return;
      }
      case 'assign':
      case 'revoke':
        events.push({ type: step.kind === 'assign' ? 'CustomTierAssigned' : 'CustomTierRevoked', data: { tier: step.pick % 2 === 0 ? 'vip' : 'employee' }, metadata });
        return;
      case 'enrol':
        events.push({ type: 'MemberEnrolled', data: { enrolledAt: AT, email: 'ana@example.com', phone: null, loyaltyCardNumber: null }, metadata });
        return;
      case 'profile':
        events.push({ type: 'MemberProfileUpdated', data: { changed: ['phone'], email: null, phone: `+49${n}`, loyaltyCardNumber: null }, metadata });
        return;
      case 'purchase':
        events.push(purchase(`e${n}`));
        return;
    }
  });
  return events;
}

/** Copies of events, each at most `within` places after its original. */
function withResends(events: readonly LedgerEvent[], resends: readonly (readonly [number, number])[], within: number): LedgerEvent[] {
  const out = [...events];
  for (const [from, offset] of resends) {
    if (out.length === 0) break;
    const i = from % out.length;
    out.splice(Math.min(out.length, i + 1 + (offset % within)), 0, out[i]!);
  }
  return out;
}

describe('evolveSnapshot (properties)', () => {
  it("agrees with foldLedgerBalances on a member's balances, qualifying points, tier and custom tiers, whatever the resends close together", () => {
    const logArb = fc.tuple(fc.array(stepArb, { maxLength: 150, size: 'max' }), fc.array(fc.tuple(fc.nat(), fc.nat()), { maxLength: 40, size: 'max' })).map(([steps, resends]) => withResends(memberLog(steps), resends, 10));
    fc.assert(
      fc.property(logArb, (events) => {
        const snapshot = events.reduce(evolveSnapshot, EMPTY_SNAPSHOT);
        const oracle = foldLedgerBalances(events);
        const standing = oracle.standings[0] ?? { qualifyingPoints: 0, tier: null, customTiers: [] };

        expect(snapshotBalances(snapshot)).toEqual(oracle.balances.map(({ currency, active, pending }) => ({ currency, active, pending })));
        expect(snapshot.qualifyingPoints).toBe(standing.qualifyingPoints);
        expect(snapshot.tier).toBe(standing.tier);
        expect(snapshot.customTiers).toEqual(standing.customTiers);
      }),
      { numRuns: 300 },
    );
  });

  it('folding a copy of the log with every event resent right after itself gives the same snapshot', () => {
    fc.assert(
      fc.property(fc.array(stepArb, { maxLength: 80, size: 'max' }).map(memberLog), (events) => {
        const once = events.reduce(evolveSnapshot, EMPTY_SNAPSHOT);
        const twice = events.flatMap((e) => [e, e]).reduce(evolveSnapshot, EMPTY_SNAPSHOT);

        expect(twice).toEqual(once);
      }),
    );
  });
});
