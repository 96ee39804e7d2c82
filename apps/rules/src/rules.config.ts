import { httpEnvSchema, kafkaEnvSchema, parseEnv, type Env, type HttpConfig, type KafkaConfig } from '@loyalty/config';

export interface RulesSettings {
  readonly kafka: KafkaConfig;
  readonly http: HttpConfig;
}

export function rulesSettings(env: Env): RulesSettings {
  return { kafka: parseEnv(kafkaEnvSchema, env), http: parseEnv(httpEnvSchema('RULES_PORT', 3003), env) };
}
