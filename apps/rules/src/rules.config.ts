import { join } from 'node:path';
import {
  type Clock,
  type DatabaseConfig,
  type Env,
  type HttpConfig,
  type KafkaConfig,
  clockEnvSchema,
  clockFromConfig,
  databaseEnvSchema,
  httpEnvSchema,
  kafkaEnvSchema,
  parseEnvAll,
} from '@loyalty/config';
import { type ProgramCatalog, loadProgramCatalog } from '@loyalty/programs';
import { z } from 'zod';

export interface RulesSettings {
  readonly kafka: KafkaConfig;
  readonly database: DatabaseConfig;
  readonly http: HttpConfig;
  readonly programs: ProgramCatalog;
  /** Outside production, an adjustable clock (`npm run clock`); the system clock otherwise. */
  readonly clock: Clock;
  /** Consumer group on the ledger, also the key of the stored offsets. */
  readonly groupId: string;
  /** Ingestion's group on the rules command topic: a day waits until it has consumed the day's commands. */
  readonly ingestionGroup: string;
  /** How often the scheduler looks at the clock. */
  readonly tickMs: number;
  /** How long after a tenant's midnight its day runs. */
  readonly dayDelayMs: number;
  /** `naive` (one transaction per event) exists for the benchmark's comparison. */
  readonly applyMode: 'batched' | 'naive';
}

const rulesEnvSchema = z.object({
  RULES_GROUP: z.string().regex(/^[a-zA-Z0-9._-]+$/).default('rules.v1'),
  RULES_INGESTION_GROUP: z.string().regex(/^[a-zA-Z0-9._-]+$/).default('ingestion.rules-commands.v1'),
  RULES_TICK_MS: z.coerce.number().int().min(50).max(60_000).default(1_000),
  RULES_DAY_DELAY_MS: z.coerce.number().int().min(0).max(86_400_000).default(0),
  RULES_APPLY_MODE: z.enum(['batched', 'naive']).default('batched'),
  PROGRAMS_DIR: z.string().min(1).default(join(__dirname, '..', '..', '..', 'config', 'programs')),
});

export function rulesSettings(env: Env): RulesSettings {
  const parsed = parseEnvAll(
    { kafka: kafkaEnvSchema, database: databaseEnvSchema, http: httpEnvSchema('RULES_PORT', 3003), clock: clockEnvSchema, rules: rulesEnvSchema },
    env,
  );
  return {
    kafka: parsed.kafka,
    database: parsed.database,
    http: parsed.http,
    programs: loadProgramCatalog(parsed.rules.PROGRAMS_DIR),
    clock: clockFromConfig(parsed.clock),
    groupId: parsed.rules.RULES_GROUP,
    ingestionGroup: parsed.rules.RULES_INGESTION_GROUP,
    tickMs: parsed.rules.RULES_TICK_MS,
    dayDelayMs: parsed.rules.RULES_DAY_DELAY_MS,
    applyMode: parsed.rules.RULES_APPLY_MODE,
  };
}
