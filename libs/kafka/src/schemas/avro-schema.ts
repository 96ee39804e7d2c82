import avro from 'avsc';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type ValueSpec } from '../topics/topic-catalog';

/** A JSON Avro schema, as registered. */
export type AvroSchemaJson = Record<string, unknown>;

/**
 * Builds the self-contained schema of a topic's value from `schemas/avro/*.avsc`: the named types
 * are defined once each in their own file and inlined at their first use, which is the form the
 * registry stores. Defaults and docs are kept: compatibility depends on defaults.
 *
 * @example
 * const schema = assembleValueSchema(schemasDir(), findTopic(catalog, LEDGER_TOPIC).value!);
 */
export function assembleValueSchema(dir: string, spec: ValueSpec): AvroSchemaJson {
  const registry: Record<string, avro.Type> = {};
  for (const file of spec.types) {
    avro.Type.forSchema(readAvsc(dir, file), { registry });
  }
  const type = avro.Type.forSchema(readAvsc(dir, spec.schema), { registry });
  return type.schema({ exportAttrs: true }) as AvroSchemaJson;
}

function readAvsc(dir: string, file: string): avro.Schema {
  return JSON.parse(readFileSync(join(dir, file), 'utf8')) as avro.Schema;
}

/**
 * True when data written with `writer` can be read with `reader` (Avro schema resolution).
 * BACKWARD_TRANSITIVE means the newest schema can read data written with every earlier one.
 */
export function canRead(reader: AvroSchemaJson, writer: AvroSchemaJson): { ok: true } | { ok: false; reason: string } {
  try {
    avro.Type.forSchema(reader as avro.Schema).createResolver(avro.Type.forSchema(writer as avro.Schema));
    return { ok: true };
  } catch (error) {
    return { ok: false, reason: error instanceof Error ? error.message : String(error) };
  }
}
