import { join } from 'node:path';
import {
  type AdminAuthConfig,
  type AuthConfig,
  ConfigError,
  type DatabaseConfig,
  type Env,
  type HttpConfig,
  type KafkaConfig,
  adminEnvSchema,
  authEnvSchema,
  databaseEnvSchema,
  httpEnvSchema,
  kafkaEnvSchema,
  parseEnvAll,
} from '@loyalty/config';
import { type ProgramCatalog, loadProgramCatalog } from '@loyalty/programs';
import { z } from 'zod';
import { type Destination, loadDestinations } from './destinations/load-destinations';

export interface ConnectorSettings {
  readonly kafka: KafkaConfig;
  readonly database: DatabaseConfig;
  readonly http: HttpConfig;
  readonly auth: AuthConfig;
  readonly admin: AdminAuthConfig;
  readonly programs: ProgramCatalog;
  readonly destinations: readonly Destination[];
  /** The feed's consumer group on the ledger, also the key of its stored offsets. */
  readonly feedGroup: string;
  /** Prepended to each destination's consumer group (`connector.<name>.v1`). */
  readonly groupPrefix: string;
}

const connectorEnvSchema = z.object({
  CONNECTOR_DESTINATIONS_FILE: z.string().min(1).default(join(__dirname, '..', '..', '..', 'config', 'connector', 'destinations.json')),
  CONNECTOR_FEED_GROUP: z.string().regex(/^[a-zA-Z0-9._-]+$/).default('connector.feed.v1'),
  CONNECTOR_GROUP_PREFIX: z.string().regex(/^[a-zA-Z0-9._-]*$/).default(''),
  PROGRAMS_DIR: z.string().min(1).default(join(__dirname, '..', '..', '..', 'config', 'programs')),
});

export function connectorSettings(env: Env): ConnectorSettings {
  const parsed = parseEnvAll(
    { kafka: kafkaEnvSchema, database: databaseEnvSchema, http: httpEnvSchema('CONNECTOR_PORT', 3004), auth: authEnvSchema, admin: adminEnvSchema, connector: connectorEnvSchema },
    env,
  );
  const destinations = loadDestinations(parsed.connector.CONNECTOR_DESTINATIONS_FILE, env);
  if (!destinations.ok) throw new ConfigError(destinations.problems);
  return {
    kafka: parsed.kafka,
    database: parsed.database,
    http: parsed.http,
    auth: parsed.auth,
    admin: parsed.admin,
    programs: loadProgramCatalog(parsed.connector.PROGRAMS_DIR),
    destinations: destinations.destinations,
    feedGroup: parsed.connector.CONNECTOR_FEED_GROUP,
    groupPrefix: parsed.connector.CONNECTOR_GROUP_PREFIX,
  };
}
