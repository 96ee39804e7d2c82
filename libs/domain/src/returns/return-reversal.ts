import { type TransactionLineState } from '../member/member-state';

/**
 * Money and points a return takes back from one purchase line. Computed on cumulative totals, so
 * several partial returns never reverse more than the line earned and rounding never drifts:
 * after returns totalling R of a line paid P that earned E, exactly floor(E x R / P) are reversed.
 */
export function lineReversal(
  line: TransactionLineState,
  returned: { readonly quantity: number | null; readonly amountMinor: number | null },
): { amountMinor: number; quantity: number | null; points: number } {
  let amountNow: number;
  let quantityNow: number | null = null;
  if (returned.quantity !== null) {
    quantityNow = Math.min(returned.quantity, line.quantity - line.returnedQuantity);
    const cumulativeQuantity = line.returnedQuantity + quantityNow;
    const cumulativeAmount = line.quantity === 0 ? 0 : Math.floor((line.amountMinor * cumulativeQuantity) / line.quantity);
    amountNow = Math.max(0, cumulativeAmount - line.returnedAmountMinor);
  } else {
    amountNow = Math.min(returned.amountMinor ?? 0, line.amountMinor - line.returnedAmountMinor);
  }
  const cumulativeReturned = line.returnedAmountMinor + amountNow;
  const cumulativePoints = line.amountMinor === 0 ? line.points : Math.floor((line.points * cumulativeReturned) / line.amountMinor);
  const points = Math.max(0, Math.min(line.points, cumulativePoints) - line.reversedPoints);
  return { amountMinor: amountNow, quantity: quantityNow, points };
}
