import { httpEnvSchema, kafkaEnvSchema, parseEnvAll, type Env, type HttpConfig, type KafkaConfig } from '@loyalty/config';

export interface RulesSettings {
  readonly kafka: KafkaConfig;
  readonly http: HttpConfig;
}

export function rulesSettings(env: Env): RulesSettings {
  return parseEnvAll({ kafka: kafkaEnvSchema, http: httpEnvSchema('RULES_PORT', 3003) }, env);
}
