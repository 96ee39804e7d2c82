import { KafkaContainer } from '@testcontainers/kafka';
import { PostgreSqlContainer } from '@testcontainers/postgresql';
import { GenericContainer, Wait } from 'testcontainers';
import { type TestStack } from './test-stack';

/**
 * The same components as the local stack, in containers: Kafka (KRaft), Apicurio Registry (the
 * registry the local stack runs, with its Confluent-compatible API) and PostgreSQL 15. Ryuk
 * removes them when the test run ends.
 */
export async function startContainers(): Promise<TestStack> {
  const [kafka, postgres, registry] = await Promise.all([
    new KafkaContainer('confluentinc/cp-kafka:7.9.0').withKraft().start(),
    new PostgreSqlContainer('postgres:15').withUsername('loyalty').withPassword('loyalty-test').withDatabase('loyalty').start(),
    new GenericContainer('apicurio/apicurio-registry:3.0.9')
      .withExposedPorts(8080)
      .withWaitStrategy(Wait.forHttp('/apis/ccompat/v7/subjects', 8080))
      .start(),
  ]);
  return {
    kind: 'testcontainers',
    kafkaBrokers: `${kafka.getHost()}:${kafka.getMappedPort(9093)}`,
    schemaRegistryUrl: `http://${registry.getHost()}:${registry.getMappedPort(8080)}/apis/ccompat/v7`,
    database: {
      host: postgres.getHost(),
      port: postgres.getPort(),
      user: postgres.getUsername(),
      password: postgres.getPassword(),
      adminDatabase: postgres.getDatabase(),
    },
  };
}
