// The query API's answers as the demo reads them, and their rendering as aligned text tables.
import { z } from 'zod';

const int = z.number().int();

/** The figures of a balance, in the order the demo prints them. */
export const BALANCE_FIGURES = ['active', 'pending', 'spent', 'reversed', 'debited', 'expired', 'qualifying'] as const;

const figures = { active: int, pending: int, spent: int, reversed: int, debited: int, expired: int, qualifying: int };
const currencyFigures = z.object({ currency: z.string(), ...figures });

export const balanceSchema = z.object({ currencies: z.array(currencyFigures), total: z.object(figures), debt: int, position: z.string() });
export type Balance = z.infer<typeof balanceSchema>;

const tierSchema = z.object({ id: z.string(), name: z.string() });
const nextTierSchema = z.object({ id: z.string(), name: z.string(), threshold: int, pointsNeeded: int });

/** The balance with the member's standing for tiers, as the query API answers it. */
export const tierBalanceSchema = balanceSchema.extend({ tier: tierSchema, customTiers: z.array(z.string()), qualifyingPoints: int, nextTier: nextTierSchema.nullable() });
export type TierBalance = z.infer<typeof tierBalanceSchema>;

/** `tier Gold (gold), 5100 qualifying points; the top tier` or `tier Silver (silver), …; next Gold (gold) at 5000: 100 points to go`. */
export function tierStanding(balance: Pick<TierBalance, 'tier' | 'qualifyingPoints' | 'nextTier'>): string {
  const next = balance.nextTier === null ? 'the top tier' : `next ${balance.nextTier.name} (${balance.nextTier.id}) at ${balance.nextTier.threshold}: ${balance.nextTier.pointsNeeded} points to go`;
  return `tier ${balance.tier.name} (${balance.tier.id}), ${balance.qualifyingPoints} qualifying points; ${next}`;
}

export const balanceAsOfSchema = z.object({ asOf: z.string(), currencies: z.array(currencyFigures), total: z.object(figures), debt: int, movementCount: int });
export type BalanceAsOf = z.infer<typeof balanceAsOfSchema>;

const bucketSchema = z.object({
  bucketId: z.string(),
  currency: z.string(),
  amount: int,
  remaining: int,
  pending: z.boolean(),
  earnedAt: z.string(),
  expiresAt: z.string().nullable(),
  sourceTransactionId: z.string().nullable(),
});
export const bucketsSchema = z.object({ buckets: z.array(bucketSchema) });
export type Bucket = z.infer<typeof bucketSchema>;

const historyEntrySchema = z.object({
  type: z.string(),
  points: int,
  causeId: z.string().nullable(),
  reason: z.string().nullable(),
  buckets: z.array(z.object({ bucketId: z.string(), points: int })),
  recordedAt: z.string(),
  position: z.string(),
});
export const historySchema = z.object({ items: z.array(historyEntrySchema), nextCursor: z.string().nullable() });
export type HistoryEntry = z.infer<typeof historyEntrySchema>;

const expirationSchema = z.object({ expiresAt: z.string(), currency: z.string(), points: int, bucketId: z.string(), pending: z.boolean() });
export const expirationsSchema = z.object({ expirations: z.array(expirationSchema), totals: z.record(z.string(), int) });
export type Expiration = z.infer<typeof expirationSchema>;

// ---------------------------------------------------------------------------------------------
// Tables

interface Column<T> {
  readonly header: string;
  readonly right?: boolean;
  readonly cell: (row: T) => string;
}

/** Lines of a text table: a header, then one line per row, columns padded to their widest cell. */
export function table<T>(columns: readonly Column<T>[], rows: readonly T[]): string[] {
  const cells = rows.map((row) => columns.map((c) => c.cell(row)));
  const widths = columns.map((c, i) => Math.max(c.header.length, ...cells.map((line) => (line[i] ?? '').length)));
  const render = (values: readonly string[]) =>
    values
      .map((value, i) => (columns[i]?.right === true ? value.padStart(widths[i] ?? 0) : value.padEnd(widths[i] ?? 0)))
      .join('  ')
      .trimEnd();
  return [render(columns.map((c) => c.header)), ...cells.map(render)];
}

/** Bucket ids are UUIDs; their first 8 characters tell a member's buckets apart. */
export const shortId = (id: string): string => id.slice(0, 8);

/** An ISO time to the second (the query API answers milliseconds). */
export const toSecond = (iso: string): string => iso.replace(/\.\d+Z$/, 'Z');

const signed = (n: number): string => (n > 0 ? `+${n}` : String(n));

type FigureRow = { readonly label: string } & Record<(typeof BALANCE_FIGURES)[number], number>;

/** One line per currency and one for the total, a column per figure. */
export function balanceTable(balance: Pick<Balance, 'currencies' | 'total'>): string[] {
  const rows: FigureRow[] = [...balance.currencies.map((c) => ({ ...c, label: c.currency })), { ...balance.total, label: 'total' }];
  return table<FigureRow>([{ header: 'currency', cell: (r) => r.label }, ...BALANCE_FIGURES.map((f) => ({ header: f, right: true, cell: (r: FigureRow) => String(r[f]) }))], rows);
}

export function bucketsTable(buckets: readonly Bucket[]): string[] {
  return table(
    [
      { header: 'bucket', cell: (b: Bucket) => shortId(b.bucketId) },
      { header: 'currency', cell: (b) => b.currency },
      { header: 'amount', right: true, cell: (b) => String(b.amount) },
      { header: 'remaining', right: true, cell: (b) => String(b.remaining) },
      { header: 'state', cell: (b) => (b.pending ? 'pending' : b.remaining === 0 ? 'empty' : 'active') },
      { header: 'earned', cell: (b) => toSecond(b.earnedAt) },
      { header: 'expires', cell: (b) => (b.expiresAt === null ? 'never' : toSecond(b.expiresAt)) },
      { header: 'source', cell: (b) => b.sourceTransactionId ?? '-' },
    ],
    buckets,
  );
}

export function historyTable(items: readonly HistoryEntry[]): string[] {
  return table(
    [
      { header: 'recorded', cell: (e: HistoryEntry) => e.recordedAt },
      { header: 'type', cell: (e) => e.type },
      { header: 'points', right: true, cell: (e) => signed(e.points) },
      { header: 'cause', cell: (e) => e.causeId ?? '-' },
      { header: 'buckets touched', cell: (e) => (e.buckets.length === 0 ? '-' : e.buckets.map((b) => `${shortId(b.bucketId)} ${signed(b.points)}`).join(', ')) },
      { header: 'position', cell: (e) => e.position },
    ],
    items,
  );
}

export function expirationsTable(expirations: readonly Expiration[]): string[] {
  return table(
    [
      { header: 'expires', cell: (e: Expiration) => toSecond(e.expiresAt) },
      { header: 'currency', cell: (e) => e.currency },
      { header: 'points', right: true, cell: (e) => String(e.points) },
      { header: 'bucket', cell: (e) => `${shortId(e.bucketId)}${e.pending ? ' (pending)' : ''}` },
    ],
    expirations,
  );
}
