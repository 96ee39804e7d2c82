import { type SchemaRegistryPort } from '../registry/schema-registry';
import { assembleValueSchema } from '../schemas/avro-schema';
import { type TopicCatalog, prefixed } from '../topics/topic-catalog';

/**
 * Registers every topic's value schema under its subject with the catalog's compatibility level.
 * Registering an unchanged schema is a no-op; an incompatible one is refused by the registry.
 */
export async function registerSchemas(
  registry: SchemaRegistryPort,
  catalog: TopicCatalog,
  schemasDir: string,
  prefix: string,
): Promise<{ subject: string; id: number }[]> {
  const registered: { subject: string; id: number }[] = [];
  for (const topic of catalog.topics) {
    if (topic.value === null) continue;
    const subject = prefixed(prefix, topic.value.subject);
    const id = await registry.register(subject, assembleValueSchema(schemasDir, topic.value), topic.value.compatibility);
    registered.push({ subject, id });
  }
  return registered;
}
