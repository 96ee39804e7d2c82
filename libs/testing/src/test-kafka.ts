import { type KafkaConfig } from '@loyalty/config';
import { ConfluentSchemaRegistry, createKafkaClient, ensureTopics, loadTopicCatalog, registerSchemas, schemasDir } from '@loyalty/kafka';
import { testStack } from './test-stack';
import { uniqueTestId } from './unique-id';

/**
 * Kafka settings with a prefix of their own: the spec gets its own topics (3 partitions, so
 * keyed ordering is exercised) and its own registry subjects.
 */
export async function provisionTestKafka(label = 'k'): Promise<KafkaConfig> {
  const stack = testStack();
  const config: KafkaConfig = {
    KAFKA_BROKERS: stack.kafkaBrokers.split(','),
    KAFKA_CLIENT_ID: 'loyalty-test',
    KAFKA_TOPIC_PREFIX: `${uniqueTestId(label)}.`,
    SCHEMA_REGISTRY_URL: stack.schemaRegistryUrl,
  };
  const dir = schemasDir();
  const catalog = loadTopicCatalog(dir);
  await ensureTopics(createKafkaClient(config, 'test-provision'), catalog, { prefix: config.KAFKA_TOPIC_PREFIX, partitions: 3 });
  await registerSchemas(new ConfluentSchemaRegistry(config.SCHEMA_REGISTRY_URL), catalog, dir, config.KAFKA_TOPIC_PREFIX);
  return config;
}
