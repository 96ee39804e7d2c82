import { type Decision, type MemberState, type ProgramConfig } from '@loyalty/domain';
import { decideRecordPurchase } from '../purchases/record-purchase.decide';
import { decisionContext } from './decision-context.fixture';

/** tx-1 of member m-1: three apparel tees for 100.00 EUR, 200 points at the default rates. */
export function decidePurchaseFixture(state: MemberState, program: ProgramConfig): Decision {
  return decideRecordPurchase(
    {
      tenantId: 'acme',
      transactionId: 'tx-1',
      memberId: 'm-1',
      occurredAt: '2026-11-22T10:00:00Z',
      channel: 'web',
      currency: 'EUR',
      lines: [{ lineId: 'tee', sku: 'TEE', category: 'apparel', quantity: 3, unitPriceMinor: 3_500, discountMinor: 500 }],
    },
    state,
    program,
    decisionContext('2026-11-22T10:00:01.000Z'),
  );
}
