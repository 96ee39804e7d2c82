/**
 * Confluent wire format: one magic byte (0), the schema id as a 4-byte big-endian integer, then
 * the Avro binary body.
 */
const MAGIC_BYTE = 0;
const HEADER_LENGTH = 5;

export function frame(schemaId: number, body: Buffer): Buffer {
  const header = Buffer.alloc(HEADER_LENGTH);
  header.writeUInt8(MAGIC_BYTE, 0);
  header.writeUInt32BE(schemaId, 1);
  return Buffer.concat([header, body]);
}

export type Unframed = { ok: true; schemaId: number; body: Buffer } | { ok: false; reason: string };

/** Splits a message into schema id and body; malformed input is a value, not a throw. */
export function unframe(message: Buffer): Unframed {
  if (message.length < HEADER_LENGTH) return { ok: false, reason: `message of ${message.length} bytes is shorter than the 5-byte header` };
  if (message.readUInt8(0) !== MAGIC_BYTE) return { ok: false, reason: `unknown magic byte ${message.readUInt8(0)}` };
  return { ok: true, schemaId: message.readUInt32BE(1), body: message.subarray(HEADER_LENGTH) };
}
