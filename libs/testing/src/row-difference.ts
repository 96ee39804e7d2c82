import { isDeepStrictEqual } from 'node:util';

/** How two sets of rows differ, by key; every list empty means equal (as multisets). */
export interface RowDifference<T> {
  /** Expected rows with no actual row of their key. */
  readonly missing: readonly T[];
  /** Actual rows with no expected row of their key. */
  readonly unexpected: readonly T[];
  /** Rows of the same key with other values. */
  readonly different: readonly { readonly key: string; readonly expected: T; readonly actual: T | undefined }[];
  /** Keys that stand more than once among the actual rows. */
  readonly duplicated: readonly string[];
}

/** What a spec expects of two equal sets of rows. */
export const NO_ROW_DIFFERENCE: RowDifference<never> = { missing: [], unexpected: [], different: [], duplicated: [] };

/**
 * What differs between two sets of rows, by key: at most 20 of each kind, so a failure stays
 * readable. Compare the result with `NO_ROW_DIFFERENCE`.
 */
export function rowDifference<T>(actual: readonly T[], expected: readonly T[], key: (row: T) => string): RowDifference<T> {
  const mine = new Map<string, T>();
  const duplicated = new Set<string>();
  for (const row of actual) {
    const k = key(row);
    if (mine.has(k)) duplicated.add(k);
    mine.set(k, row);
  }
  const theirs = new Map(expected.map((r) => [key(r), r]));
  const missing = [...theirs].filter(([k]) => !mine.has(k)).map(([, r]) => r);
  const unexpected = [...mine].filter(([k]) => !theirs.has(k)).map(([, r]) => r);
  const different = [...theirs].filter(([k, r]) => mine.has(k) && !isDeepStrictEqual(mine.get(k), r)).map(([k, r]) => ({ key: k, expected: r, actual: mine.get(k) }));
  return { missing: missing.slice(0, 20), unexpected: unexpected.slice(0, 20), different: different.slice(0, 20), duplicated: [...duplicated].slice(0, 20) };
}
