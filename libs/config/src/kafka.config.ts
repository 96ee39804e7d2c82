import { z } from 'zod';

const brokerList = z
  .string({ error: 'is required (comma-separated host:port list)' })
  .transform((value) => value.split(',').map((b) => b.trim()).filter((b) => b.length > 0))
  .pipe(z.array(z.string().regex(/^[^:\s]+:\d{1,5}$/, 'each broker must be host:port')).min(1, 'names no broker'));

/** Kafka connection settings. KAFKA_TOPIC_PREFIX isolates test runs and environments on one cluster. */
export const kafkaEnvSchema = z.object({
  KAFKA_BROKERS: brokerList,
  KAFKA_CLIENT_ID: z.string().min(1).default('loyalty-ledger'),
  KAFKA_TOPIC_PREFIX: z.string().regex(/^[a-zA-Z0-9._-]*$/, 'may hold letters, digits, . _ and -').default(''),
  SCHEMA_REGISTRY_URL: z.url({ error: 'must be the registry URL (Confluent API), e.g. http://127.0.0.1:8081/apis/ccompat/v7' }),
});
export type KafkaConfig = z.infer<typeof kafkaEnvSchema>;
