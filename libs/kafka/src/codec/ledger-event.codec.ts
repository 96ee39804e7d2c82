import avro from 'avsc';
import { LEDGER_EVENT_NAMESPACE, LEDGER_EVENT_TYPES, type LedgerEvent, type LedgerEventType } from '@loyalty/domain';
import { InfrastructureError } from '../infrastructure-error';
import { type SchemaRegistryPort } from '../registry/schema-registry';
import { frame, unframe } from '../registry/wire-format';
import { type AvroSchemaJson } from '../schemas/avro-schema';

export type Decoded = { ok: true; event: LedgerEvent } | { ok: false; reason: string };

/**
 * Encodes records of one subject to Kafka's Avro wire format (magic byte, schema id, body) and
 * back. Writes use the schema this build was compiled with (looked up by content, so a schema
 * missing from the registry fails loudly); reads resolve whatever schema wrote the message to that
 * same schema, so old messages stay readable.
 */
export class AvroRecordCodec {
  private readonly readerType: avro.Type;
  private writerId: Promise<number> | undefined;
  private readonly resolvers = new Map<number, Promise<avro.Resolver | string>>();

  constructor(
    private readonly registry: SchemaRegistryPort,
    private readonly subject: string,
    private readonly schema: AvroSchemaJson,
  ) {
    this.readerType = avro.Type.forSchema(schema as avro.Schema);
  }

  async encodeRecord(record: unknown): Promise<Buffer> {
    const id = await this.schemaId();
    return frame(id, this.readerType.toBuffer(record));
  }

  /** Malformed input is a value (for a dead-letter topic); an unreachable registry throws (retry). */
  async decodeRecord(message: Buffer | null): Promise<{ ok: true; record: unknown } | { ok: false; reason: string }> {
    if (message === null) return { ok: false, reason: 'message has no value' };
    const framed = unframe(message);
    if (!framed.ok) return framed;
    const resolver = await this.resolverFor(framed.schemaId);
    if (typeof resolver === 'string') return { ok: false, reason: resolver };
    try {
      return { ok: true, record: this.readerType.fromBuffer(framed.body, resolver) };
    } catch (error) {
      return { ok: false, reason: `undecodable Avro body (schema ${framed.schemaId}): ${(error as Error).message}` };
    }
  }

  private schemaId(): Promise<number> {
    this.writerId ??= this.registry.idOf(this.subject, this.schema).catch((error: unknown) => {
      this.writerId = undefined; // not cached: the next write asks again
      throw error;
    });
    return this.writerId;
  }

  private resolverFor(schemaId: number): Promise<avro.Resolver | string> {
    let resolver = this.resolvers.get(schemaId);
    if (resolver === undefined) {
      resolver = this.registry.schemaById(schemaId).then(
        (writer) => {
          try {
            return this.readerType.createResolver(avro.Type.forSchema(writer as avro.Schema));
          } catch (error) {
            return `schema ${schemaId} cannot be read as ${this.subject}: ${(error as Error).message}`;
          }
        },
        (error: unknown) => {
          this.resolvers.delete(schemaId);
          if (error instanceof InfrastructureError && !error.retriable) return `unknown schema id ${schemaId}`;
          throw error;
        },
      );
      this.resolvers.set(schemaId, resolver);
    }
    return resolver;
  }
}

/** The ledger topic's codec: domain events as the envelope-and-union record of ledger-event.avsc. */
export class LedgerEventCodec extends AvroRecordCodec {
  encode(event: LedgerEvent): Promise<Buffer> {
    return this.encodeRecord(toAvro(event));
  }

  async decode(message: Buffer | null): Promise<Decoded> {
    const decoded = await this.decodeRecord(message);
    if (!decoded.ok) return decoded;
    try {
      return { ok: true, event: fromAvro(decoded.record) };
    } catch (error) {
      return { ok: false, reason: (error as Error).message };
    }
  }
}

/** Domain `{type, data, metadata}` to the Avro record, whose `data` union branch names the type. */
export function toAvro(event: LedgerEvent): Record<string, unknown> {
  return { metadata: event.metadata, data: { [`${LEDGER_EVENT_NAMESPACE}.${event.type}`]: event.data } };
}

export function fromAvro(value: unknown): LedgerEvent {
  const record = value as { metadata: LedgerEvent['metadata']; data: Record<string, unknown> };
  const [branch, data] = Object.entries(record.data)[0] ?? [];
  const type = branch?.slice(LEDGER_EVENT_NAMESPACE.length + 1);
  if (!LEDGER_EVENT_TYPES.includes(type as LedgerEventType)) throw new Error(`unknown event type ${String(branch)}`);
  // The Avro schema guarantees the payload's shape for the branch that names the type.
  return { type, data, metadata: record.metadata } as LedgerEvent;
}
