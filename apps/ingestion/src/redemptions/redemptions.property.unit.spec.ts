import fc from 'fast-check';
import { DEFAULT_PROGRAM, type Decision, INITIAL_MEMBER_STATE, type MemberState, addDays, availablePoints, evolveMember, isSpendable } from '@loyalty/domain';
import { decideAdjustPoints } from '../adjustments/adjust-points.decide';
import { decisionContext } from '../test/decision-context.fixture';
import { decideCancelRedemption } from './cancel-redemption.decide';
import { decideRedeemPoints } from './redeem-points.decide';

type Step =
  | { readonly kind: 'credit'; readonly points: number; readonly currency: 'permanent' | 'temporary' }
  | { readonly kind: 'redeem'; readonly points: number }
  | { readonly kind: 'cancel'; readonly pick: number }
  | { readonly kind: 'wait'; readonly days: number };

const stepArb: fc.Arbitrary<Step> = fc.oneof(
  fc.record({ kind: fc.constant('credit' as const), points: fc.integer({ min: 1, max: 10_000 }), currency: fc.constantFrom('permanent' as const, 'temporary' as const) }),
  fc.record({ kind: fc.constant('redeem' as const), points: fc.integer({ min: 1, max: 20_000 }) }),
  fc.record({ kind: fc.constant('cancel' as const), pick: fc.nat() }),
  // Time passes, so temporary buckets (90 days) expire between steps.
  fc.record({ kind: fc.constant('wait' as const), days: fc.integer({ min: 0, max: 60 }) }),
);

const sumRemaining = (state: MemberState) => Object.values(state.buckets).reduce((sum, b) => sum + b.remaining, 0);

function fold(state: MemberState, decision: Decision): MemberState {
  return decision.kind === 'accepted' ? decision.events.reduce(evolveMember, state) : state;
}

describe('redemptions and credits (property-based)', () => {
  it('never overspend, keep every bucket within [0, amount], and conserve points across credits, redemptions and cancellations', () => {
    fc.assert(
      fc.property(fc.array(stepArb, { maxLength: 40 }), (steps) => {
        let state = INITIAL_MEMBER_STATE;
        let now = '2026-01-01T00:00:00.000Z';
        let credited = 0;
        let redeemed = 0;
        let restored = 0;
        const accepted: { id: string; points: number }[] = [];
        const cancelled = new Set<string>();

        steps.forEach((step, i) => {
          const context = decisionContext(now);
          let decision: Decision = { kind: 'accepted', events: [] };
          switch (step.kind) {
            case 'credit': {
              const command = { tenantId: 'acme', adjustmentId: `c-${i}`, memberId: 'm-1', points: step.points, currency: step.currency, reason: 'property', actor: 'fc' };
              decision = decideAdjustPoints(command, state, DEFAULT_PROGRAM, context);
              expect(decision.kind).toBe('accepted');
              credited += step.points;
              break;
            }
            case 'redeem': {
              const available = availablePoints(state, now);
              decision = decideRedeemPoints({ tenantId: 'acme', redemptionId: `r-${i}`, memberId: 'm-1', points: step.points, reward: null }, state, DEFAULT_PROGRAM, context);
              if (step.points > available) {
                expect(decision).toMatchObject({ kind: 'rejected', code: 'LEDGER.INSUFFICIENT_POINTS', status: 409 });
                break;
              }
              expect(decision.kind).toBe('accepted');
              const spent = decision.kind === 'accepted' ? decision.events[0] : undefined;
              if (spent?.type !== 'PointsSpent') throw new Error('an accepted redemption must be a PointsSpent');
              // Covered: the buckets named add up to the points, each was spendable and held enough.
              expect(spent.data.buckets.reduce((sum, b) => sum + b.points, 0)).toBe(step.points);
              for (const taken of spent.data.buckets) {
                const bucket = state.buckets[taken.bucketId]!;
                expect(isSpendable(bucket, now)).toBe(true);
                expect(taken.points).toBeGreaterThan(0);
                expect(taken.points).toBeLessThanOrEqual(bucket.remaining);
              }
              redeemed += step.points;
              accepted.push({ id: `r-${i}`, points: step.points });
              break;
            }
            case 'cancel': {
              const target = accepted.length === 0 ? undefined : accepted[step.pick % accepted.length]!;
              decision = decideCancelRedemption({ tenantId: 'acme', redemptionId: target?.id ?? 'r-none', memberId: 'm-1' }, state, DEFAULT_PROGRAM.version, context);
              if (target === undefined) {
                expect(decision).toMatchObject({ kind: 'rejected', status: 404 });
              } else if (cancelled.has(target.id)) {
                expect(decision).toMatchObject({ kind: 'rejected', code: 'REDEMPTION.ALREADY_CANCELLED', status: 409 });
              } else {
                expect(decision.kind).toBe('accepted');
                cancelled.add(target.id);
                restored += target.points;
              }
              break;
            }
            case 'wait':
              now = addDays(now, step.days);
              break;
            default: {
              const unreachable: never = step;
              throw new Error(`unknown step ${JSON.stringify(unreachable)}`);
            }
          }
          state = fold(state, decision);

          expect(availablePoints(state, now)).toBeGreaterThanOrEqual(0);
          for (const bucket of Object.values(state.buckets)) {
            expect(bucket.remaining).toBeGreaterThanOrEqual(0);
            expect(bucket.remaining).toBeLessThanOrEqual(bucket.amount);
          }
          expect(sumRemaining(state)).toBe(credited - redeemed + restored);
        });
      }),
      { numRuns: 200 },
    );
  });
});
