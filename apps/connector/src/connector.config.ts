import { httpEnvSchema, kafkaEnvSchema, parseEnv, type Env, type HttpConfig, type KafkaConfig } from '@loyalty/config';

export interface ConnectorSettings {
  readonly kafka: KafkaConfig;
  readonly http: HttpConfig;
}

export function connectorSettings(env: Env): ConnectorSettings {
  return { kafka: parseEnv(kafkaEnvSchema, env), http: parseEnv(httpEnvSchema('CONNECTOR_PORT', 3004), env) };
}
