import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { type AvroSchemaJson, ConfluentSchemaRegistry, LEDGER_TOPIC, assembleValueSchema, findTopic, loadTopicCatalog, schemasDir } from '@loyalty/kafka';
import { testStack, uniqueTestId } from '@loyalty/testing';

/** The ledger's released versions, oldest first, as recorded in schemas/registered/. */
function releasedLedgerVersions(subject: string): AvroSchemaJson[] {
  const dir = join(schemasDir(), 'registered', subject);
  return readdirSync(dir)
    .filter((f) => /^v\d+\.avsc$/.test(f))
    .sort((a, b) => Number(a.slice(1, -5)) - Number(b.slice(1, -5)))
    .map((f) => JSON.parse(readFileSync(join(dir, f), 'utf8')) as AvroSchemaJson);
}

describe('schema compatibility, enforced by the real registry (BACKWARD_TRANSITIVE)', () => {
  const value = findTopic(loadTopicCatalog(schemasDir()), LEDGER_TOPIC).value;
  if (value === null) throw new Error('ledger topic has no schema');
  const current = assembleValueSchema(schemasDir(), value);

  async function subjectWithHistory(): Promise<{ registry: ConfluentSchemaRegistry; subject: string }> {
    const registry = new ConfluentSchemaRegistry(testStack().schemaRegistryUrl);
    const subject = `${uniqueTestId('compat')}-value`;
    for (const released of releasedLedgerVersions(value!.subject)) {
      await registry.register(subject, released, 'BACKWARD_TRANSITIVE');
    }
    return { registry, subject };
  }

  it('accepts the current schema on top of every released version', async () => {
    const { registry, subject } = await subjectWithHistory();
    expect(await registry.isCompatible(subject, current)).toBe(true);
    await expect(registry.register(subject, current, 'BACKWARD_TRANSITIVE')).resolves.toBeGreaterThan(0);
  });

  it('refuses an incompatible change: a new envelope field without a default', async () => {
    const { registry, subject } = await subjectWithHistory();
    const broken = structuredClone(current) as { fields: { name: string; type: { fields: { name: string; type: unknown; default?: unknown }[] } }[] };
    const metadata = broken.fields.find((f) => f.name === 'metadata');
    metadata?.type.fields.push({ name: 'channel', type: 'string' });

    expect(await registry.isCompatible(subject, broken as unknown as AvroSchemaJson)).toBe(false);
    await expect(registry.register(subject, broken as unknown as AvroSchemaJson, 'BACKWARD_TRANSITIVE')).rejects.toMatchObject({
      code: 'SCHEMA_REGISTRY.REJECTED',
    });
  });
});
