import { ConfigError } from './config-error';
import { databaseEnvSchema } from './database.config';
import { httpEnvSchema } from './http.config';
import { kafkaEnvSchema } from './kafka.config';
import { parseEnv } from './parse-env';

describe('parseEnv', () => {
  it('parses a valid environment with defaults', () => {
    expect(parseEnv(kafkaEnvSchema, { KAFKA_BROKERS: 'a:9092, b:9093', SCHEMA_REGISTRY_URL: 'http://r:8081' })).toEqual({
      KAFKA_BROKERS: ['a:9092', 'b:9093'],
      KAFKA_CLIENT_ID: 'loyalty-ledger',
      KAFKA_TOPIC_PREFIX: '',
      SCHEMA_REGISTRY_URL: 'http://r:8081',
    });
  });

  it('names every bad variable and never echoes values', () => {
    let error: unknown;
    try {
      parseEnv(kafkaEnvSchema, { KAFKA_BROKERS: 'no-port', SCHEMA_REGISTRY_URL: 'secret-not-a-url' });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const message = (error as ConfigError).message;
    expect(message).toContain('KAFKA_BROKERS');
    expect(message).toContain('SCHEMA_REGISTRY_URL');
    expect(message).not.toContain('secret-not-a-url');
  });

  it('requires a database password from the environment or a file', () => {
    expect(() => parseEnv(databaseEnvSchema, {})).toThrow(/DATABASE_PASSWORD/);
    expect(() => parseEnv(databaseEnvSchema, { DATABASE_PASSWORD_FILE: '/nonexistent/pw' })).toThrow(/DATABASE_PASSWORD_FILE: cannot be read/);
    expect(parseEnv(databaseEnvSchema, { DATABASE_PASSWORD: 'pw', DATABASE_PORT: '6543' })).toMatchObject({ port: 6543, password: 'pw' });
  });

  it('names the service port variable when it is not a port', () => {
    expect(() => parseEnv(httpEnvSchema('INGESTION_PORT', 3001), { INGESTION_PORT: 'eighty' })).toThrow(/INGESTION_PORT/);
    expect(parseEnv(httpEnvSchema('INGESTION_PORT', 3001), {})).toEqual({ port: 3001, host: '127.0.0.1' });
  });
});
