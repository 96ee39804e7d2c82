import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { type AvroSchemaJson, assembleValueSchema, canRead, loadTopicCatalog, schemasDir } from '@loyalty/kafka';

/**
 * Every schema version ever released for a subject is kept in `schemas/registered/<subject>/vN.avsc`.
 * Compatibility is checked against all of them (BACKWARD_TRANSITIVE), not just the last.
 */
export function historyDir(subject: string): string {
  return join(schemasDir(), 'registered', subject);
}

export function releasedVersions(subject: string): { version: number; schema: AvroSchemaJson }[] {
  const dir = historyDir(subject);
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .map((file) => /^v(\d+)\.avsc$/.exec(file))
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m) => ({ version: Number(m[1]), schema: JSON.parse(readFileSync(join(dir, m[0]), 'utf8')) as AvroSchemaJson }))
    .sort((a, b) => a.version - b.version);
}

/** The reasons `current` cannot read data written with some released version; empty when it can. */
export function backwardTransitiveViolations(current: AvroSchemaJson, released: readonly { version: number; schema: AvroSchemaJson }[]): string[] {
  return released.flatMap(({ version, schema }) => {
    const result = canRead(current, schema);
    return result.ok ? [] : [`cannot read v${version} data: ${result.reason}`];
  });
}

/** Each topic with a value schema: its subject and the schema the .avsc files assemble to now. */
export function currentValueSchemas(): { subject: string; schema: AvroSchemaJson }[] {
  const dir = schemasDir();
  return loadTopicCatalog(dir).topics.flatMap((t) => (t.value === null ? [] : [{ subject: t.value.subject, schema: assembleValueSchema(dir, t.value) }]));
}
