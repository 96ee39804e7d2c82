/**
 * The consistency token: a position in the ledger log as the API shows it (`v1.<partition>.<offset>`).
 * Ingestion answers the position of a write's last event; a projection has reached it once it has
 * applied that partition past that offset, and its reads answer the position they reflect.
 */
export interface TokenPosition {
  readonly partition: number;
  readonly offset: number;
}

const TOKEN = /^v1\.(\d{1,5})\.(\d{1,15})$/;

/** The position a token names, or null when it is not a token this version understands. */
export function parseConsistencyToken(token: string): TokenPosition | null {
  const match = TOKEN.exec(token);
  if (match === null) return null;
  return { partition: Number(match[1]), offset: Number(match[2]) };
}

/** The token of a position; offsets may come as Kafka's decimal strings. */
export function consistencyTokenOf(position: { readonly partition: number; readonly offset: number | string }): string {
  return `v1.${position.partition}.${position.offset}`;
}
