import { httpEnvSchema, kafkaEnvSchema, parseEnvAll, type Env, type HttpConfig, type KafkaConfig } from '@loyalty/config';

export interface ConnectorSettings {
  readonly kafka: KafkaConfig;
  readonly http: HttpConfig;
}

export function connectorSettings(env: Env): ConnectorSettings {
  return parseEnvAll({ kafka: kafkaEnvSchema, http: httpEnvSchema('CONNECTOR_PORT', 3004) }, env);
}
