import { z } from 'zod';

const points = z.number().int();
const figures = {
  active: points.describe('Spendable now'),
  pending: points.describe('In the return window: not spendable, not qualifying yet'),
  spent: points.describe('Spent on redemptions, net of cancellations'),
  reversed: points.describe('Taken back by returns'),
  debited: points.describe("Taken by operators' debits"),
  expired: points.describe('Taken by expiries'),
  qualifying: points.describe("This currency's share of qualifying points"),
};
const tier = z.object({ id: z.string(), name: z.string() });

/**
 * The balance's answer, for the OpenAPI document (the handler returns MemberBalanceView and
 * MemberBalanceAsOfView; a spec checks an answer against this schema).
 */
export const memberBalanceResponseSchema = z.object({
  tenantId: z.string(),
  memberId: z.string(),
  currencies: z.array(z.object({ currency: z.string(), ...figures })),
  total: z.object(figures),
  debt: points.describe('Owed after returns of spent points (allow-negative policy); the balance is active - debt'),
  tier: tier.describe("The member's threshold tier (the ladder's first level before any tier change), named by the program in force"),
  customTiers: z.array(z.string()).describe('Assigned tiers held, such as vip and employee'),
  qualifyingPoints: points.describe(
    'What tiers are measured on, all currencies together: active points earned and activated, less those expired, reversed (except pending ones cancelled) and debited; spending does not lower them',
  ),
  nextTier: z
    .object({ id: z.string(), name: z.string(), threshold: points, pointsNeeded: points.describe('Qualifying points still to earn') })
    .nullable()
    .describe('The tier above the member’s; null at the top'),
  position: z.string().optional().describe('The last log position reflected (`v1.<partition>.<offset>`); absent with `asOf`'),
  asOf: z.string().optional().describe('With `asOf`: the time the answer stands at'),
  movementCount: z.number().int().optional().describe('With `asOf`: movements recorded up to then'),
  movements: z.array(z.record(z.string(), z.unknown())).optional().describe('With `asOf`: those movements, oldest first (the latest 1,000)'),
});
