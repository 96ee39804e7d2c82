/**
 * Keyset pagination over a member's history, newest first. A member's events all live in one
 * partition, so the log offset orders them; the cursor is the offset of the last row returned.
 * Opaque to clients (`h1.<offset>`), so its meaning can change with its version.
 */
const CURSOR = /^h1\.(\d{1,15})$/;

export function encodeHistoryCursor(lastOffset: number): string {
  return `h1.${lastOffset}`;
}

/** The offset to continue below, or null when the cursor is not one of ours. */
export function decodeHistoryCursor(cursor: string): number | null {
  const match = CURSOR.exec(cursor);
  return match === null ? null : Number(match[1]);
}
