// The tier story's numbers, derived from the tenant's program so the demo checks what the program
// says rather than constants that could drift from it. A program the story cannot be told with
// stops the demo before the story writes anything, saying what is missing.
import { type ProgramConfig, type TierLevel, linePoints } from '@loyalty/domain';

const REVIEW = 'review-written';
const REVIEWS = 4;
/** 4,900 EUR of a category at the default rate: 4,900 permanent points, Silver but not Gold on their own. */
const PURCHASE_LINE = { lineId: '1', sku: 'BOOK-ATLAS-XXL', category: 'books', quantity: 1, unitPriceMinor: 490_000, discountMinor: 0 } as const;

export interface StoryNumbers {
  readonly reviews: number;
  readonly review: { readonly type: string; readonly points: number; readonly currency: string; readonly expiresAfterDays: number };
  readonly purchase: { readonly line: typeof PURCHASE_LINE; readonly points: number; readonly rate: number; readonly amountLabel: string };
  /** The ladder's first tier (every member's on enrolment), the one below the top, and the top. */
  readonly first: TierLevel;
  readonly second: TierLevel;
  readonly top: TierLevel;
  readonly qualifyingAtTop: number;
  /** How many review buckets must expire to take the member below the top, and what that leaves missing. */
  readonly bucketsToFall: number;
  readonly riskPointsNeeded: number;
  /** Clock moves: into the warning window, then past the expiry. */
  readonly warnAfterDays: number;
  readonly expireAfterDays: number;
  /** What the re-engagement activity earns on its own. */
  readonly usagePoints: number;
}

export function storyNumbers(program: ProgramConfig): StoryNumbers {
  const unfit = (why: string): never => {
    throw new Error(`the tier story needs a program like config/programs/demo.json, but program ${program.version} ${why}`);
  };
  const activity = program.activities[REVIEW] ?? unfit(`has no ${REVIEW} activity`);
  const expiresAfterDays = program.currencies[activity.currency]?.expiresAfterDays ?? unfit(`lets ${activity.currency} points (what ${REVIEW} earns) never expire`);
  if (activity.limit !== null && activity.limit.count < REVIEWS) unfit(`limits ${REVIEW} to ${activity.limit.count} per ${activity.limit.period}`);
  if (program.earning.categoryRatesHundredths[PURCHASE_LINE.category] !== undefined) unfit(`has a rate of its own for ${PURCHASE_LINE.category}`);
  const { levels } = program.tiers;
  const [first, firstUp, second, top] = [levels[0], levels[1], levels.at(-2), levels.at(-1)];
  if (first === undefined || firstUp === undefined || second === undefined || top === undefined || levels.length < 3) return unfit('has fewer than 3 tiers');
  const purchasePoints = linePoints(program, PURCHASE_LINE.category, PURCHASE_LINE.unitPriceMinor);
  const reviewPoints = REVIEWS * activity.points;
  const qualifyingAtTop = reviewPoints + purchasePoints;
  if (reviewPoints >= firstUp.threshold || purchasePoints < second.threshold || purchasePoints >= top.threshold || qualifyingAtTop < top.threshold) {
    unfit(`does not give ${REVIEWS} reviews (${reviewPoints}) < ${firstUp.threshold} <= ${purchasePoints} purchase points < ${top.threshold} <= both together (${qualifyingAtTop})`);
  }
  const bucketsToFall = Math.floor((qualifyingAtTop - top.threshold) / activity.points) + 1;
  const usage = program.activities[program.reengagement.activityType] ?? unfit(`offers re-engagement for ${program.reengagement.activityType}, which it does not define`);
  if (purchasePoints + usage.points + program.reengagement.bonusPoints < top.threshold) unfit('gives too small a re-engagement bonus to reach the top tier again');
  if (program.expiryWarningDays >= expiresAfterDays) unfit(`warns ${program.expiryWarningDays} days ahead of an expiry after ${expiresAfterDays} days`);
  const minor = program.minorUnitsPerUnit;
  return {
    reviews: REVIEWS,
    review: { type: REVIEW, points: activity.points, currency: activity.currency, expiresAfterDays },
    purchase: {
      line: PURCHASE_LINE,
      points: purchasePoints,
      rate: program.earning.defaultRateHundredths / 100,
      amountLabel: `${(PURCHASE_LINE.unitPriceMinor / minor).toLocaleString('en')} ${program.moneyCurrency}`,
    },
    first,
    second,
    top,
    qualifyingAtTop,
    bucketsToFall,
    riskPointsNeeded: top.threshold - (qualifyingAtTop - bucketsToFall * activity.points),
    // The last midnight before "now" is then less than a day past expiry - warning window: warned.
    warnAfterDays: expiresAfterDays - program.expiryWarningDays + 1,
    expireAfterDays: program.expiryWarningDays,
    usagePoints: usage.points,
  };
}
