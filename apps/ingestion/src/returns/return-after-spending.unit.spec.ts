import { DEFAULT_PROGRAM, type Decision, INITIAL_MEMBER_STATE, type MemberState, type ProgramConfig, availablePoints, evolveMember } from '@loyalty/domain';
import { decideAdjustPoints } from '../adjustments/adjust-points.decide';
import { decidePurchaseFixture } from '../test/purchase.fixture';
import { decideCancelRedemption } from '../redemptions/cancel-redemption.decide';
import { decideRedeemPoints } from '../redemptions/redeem-points.decide';
import { decisionContext } from '../test/decision-context.fixture';
import { decideRecordReturn } from './record-return.decide';

const context = decisionContext('2026-11-23T10:00:00.000Z');
const active = (policy: ProgramConfig['returns']['whenAlreadySpent']): ProgramConfig => ({ ...DEFAULT_PROGRAM, pendingDays: 0, returns: { whenAlreadySpent: policy } });

function apply(state: MemberState, decision: Decision): MemberState {
  if (decision.kind !== 'accepted') throw new Error(`rejected: ${decision.code}: ${decision.message}`);
  return decision.events.reduce(evolveMember, state);
}

const fullReturn = { tenantId: 'acme', returnId: 'r-1', transactionId: 'tx-1', memberId: 'm-1', occurredAt: '2026-11-23T09:00:00Z', lines: [{ lineId: 'tee', quantity: 3, amountMinor: null }] };

describe('returns of points already spent', () => {
  it('naming a line twice in one return reverses no more than the line earned', () => {
    const state = apply(INITIAL_MEMBER_STATE, decidePurchaseFixture(INITIAL_MEMBER_STATE, active('deduct-available')));
    const decision = decideRecordReturn({ ...fullReturn, lines: [fullReturn.lines[0]!, fullReturn.lines[0]!] }, state, active('deduct-available'), context);
    const reversed = decision.kind === 'accepted' ? decision.events.find((e) => e.type === 'PointsReversed') : undefined;
    expect(reversed?.type === 'PointsReversed' && reversed.data.points).toBe(200);
  });

  it('spend, return (written off), cancel the spend: the points of the returned goods do not come back', () => {
    const program = active('deduct-available');
    let state = apply(INITIAL_MEMBER_STATE, decidePurchaseFixture(INITIAL_MEMBER_STATE, program)); // 200 points
    state = apply(state, decideRedeemPoints({ tenantId: 'acme', redemptionId: 'red-1', memberId: 'm-1', points: 200, reward: null }, state, program, context));
    const returned = decideRecordReturn(fullReturn, state, program, context);
    state = apply(state, returned);
    expect(returned.kind === 'accepted' && returned.events.find((e) => e.type === 'PointsReversed')?.data).toMatchObject({ points: 200, writtenOff: 200, buckets: [] });

    const cancel = decideCancelRedemption({ tenantId: 'acme', redemptionId: 'red-1', memberId: 'm-1' }, state, program.version, context);
    expect(cancel.kind === 'accepted' && cancel.events[0]?.data).toMatchObject({ points: 0, buckets: [] });
    state = apply(state, cancel);
    expect(availablePoints(state, context.now)).toBe(0);
  });

  it('a partial write-off: the cancellation gives back only what the return did not claim', () => {
    const program = active('deduct-available');
    let state = apply(INITIAL_MEMBER_STATE, decidePurchaseFixture(INITIAL_MEMBER_STATE, program)); // 200
    state = apply(state, decideRedeemPoints({ tenantId: 'acme', redemptionId: 'red-1', memberId: 'm-1', points: 200, reward: null }, state, program, context));
    state = apply(state, decideRecordReturn({ ...fullReturn, lines: [{ lineId: 'tee', quantity: 1, amountMinor: null }] }, state, program, context)); // 66 written off
    state = apply(state, decideCancelRedemption({ tenantId: 'acme', redemptionId: 'red-1', memberId: 'm-1' }, state, program.version, context));
    expect(availablePoints(state, context.now)).toBe(200 - 66);
  });

  it('allow-negative: the debt is owed before anything can be spent, and later credits repay it', () => {
    const program = active('allow-negative');
    let state = apply(INITIAL_MEMBER_STATE, decidePurchaseFixture(INITIAL_MEMBER_STATE, program)); // 200
    state = apply(state, decideRedeemPoints({ tenantId: 'acme', redemptionId: 'red-1', memberId: 'm-1', points: 200, reward: null }, state, program, context));
    state = apply(state, decideRecordReturn(fullReturn, state, program, context));
    expect(state.debt).toBe(200);

    const credit = { tenantId: 'acme', adjustmentId: 'adj-1', memberId: 'm-1', points: 500, currency: null, reason: 'goodwill', actor: 'ops' };
    state = apply(state, decideAdjustPoints(credit, state, program, context));
    expect(state.debt).toBe(0); // the credit repaid the debt first
    expect(availablePoints(state, context.now)).toBe(300);
    expect(decideRedeemPoints({ tenantId: 'acme', redemptionId: 'red-2', memberId: 'm-1', points: 301, reward: null }, state, program, context)).toMatchObject({
      kind: 'rejected',
      code: 'LEDGER.INSUFFICIENT_POINTS',
    });
  });
});
