import { createHash } from 'node:crypto';

/** Namespace of the ledger's name-based ids (a fixed random UUID). */
const LEDGER_NAMESPACE = Buffer.from('6f1c2a4e9b0d4d7a8c3e5f6a7b8c9d0e', 'hex');

/**
 * A name-based UUID (RFC 9562 version 5) from the storefront's own ids: the same purchase sent
 * again yields the same event id, which is what makes resends harmless end to end.
 *
 * @example
 * deterministicId('acme', 'purchase', 'tx-1', 'PointsEarned'); // same uuid on every call
 */
export function deterministicId(...parts: readonly string[]): string {
  // JSON keeps part boundaries unambiguous: ('a|b','c') and ('a','b|c') differ.
  const hash = createHash('sha1').update(LEDGER_NAMESPACE).update(JSON.stringify(parts)).digest();
  hash.writeUInt8((hash.readUInt8(6) & 0x0f) | 0x50, 6); // version 5
  hash.writeUInt8((hash.readUInt8(8) & 0x3f) | 0x80, 8); // RFC 4122 variant
  const hex = hash.subarray(0, 16).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}
