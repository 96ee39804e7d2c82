import { type DatabaseConfig, type KafkaConfig } from '@loyalty/config';

/** The environment variables a service reads, for the given test Kafka and database settings. */
export function kafkaEnv(kafka: KafkaConfig): Record<string, string> {
  return {
    KAFKA_BROKERS: kafka.KAFKA_BROKERS.join(','),
    KAFKA_CLIENT_ID: kafka.KAFKA_CLIENT_ID,
    KAFKA_TOPIC_PREFIX: kafka.KAFKA_TOPIC_PREFIX,
    SCHEMA_REGISTRY_URL: kafka.SCHEMA_REGISTRY_URL,
  };
}

export function databaseEnv(db: DatabaseConfig): Record<string, string> {
  return {
    DATABASE_HOST: db.host,
    DATABASE_PORT: String(db.port),
    DATABASE_NAME: db.database,
    DATABASE_USER: db.user,
    DATABASE_PASSWORD: db.password,
  };
}
