/**
 * A position in the ledger log, as ingestion answers it after a write (`v1.<partition>.<offset>`:
 * the offset of the write's last event). A projection has reached it once it has applied that
 * partition past that offset.
 */
export interface LogPosition {
  readonly partition: number;
  readonly offset: number;
}

const TOKEN = /^v1\.(\d{1,5})\.(\d{1,15})$/;

/** The position a token names, or null when it is not a token this version understands. */
export function parseConsistencyToken(token: string): LogPosition | null {
  const match = TOKEN.exec(token);
  if (match === null) return null;
  return { partition: Number(match[1]), offset: Number(match[2]) };
}

/** The token of the last offset applied in a partition: what a read reflects. */
export function consistencyTokenOf(position: LogPosition): string {
  return `v1.${position.partition}.${position.offset}`;
}
