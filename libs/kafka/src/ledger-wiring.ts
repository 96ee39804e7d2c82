import { type KafkaConfig } from '@loyalty/config';
import { LedgerEventCodec } from './codec/ledger-event.codec';
import { ConfluentSchemaRegistry } from './registry/schema-registry';
import { assembleValueSchema } from './schemas/avro-schema';
import { LEDGER_DLQ_TOPIC, LEDGER_TOPIC, findTopic, loadTopicCatalog, prefixed, schemasDir } from './topics/topic-catalog';

export interface LedgerTopology {
  readonly topic: string;
  readonly deadLetterTopic: string;
  readonly codec: LedgerEventCodec;
}

/**
 * The ledger topic's names (with the environment's prefix) and its codec, built from the catalog.
 *
 * @example
 * const { topic, codec } = ledgerTopology(config); // topic: 'loyalty.ledger.events.v1'
 */
export function ledgerTopology(config: KafkaConfig): LedgerTopology {
  const dir = schemasDir();
  const value = findTopic(loadTopicCatalog(dir), LEDGER_TOPIC).value;
  if (value === null) throw new Error(`${LEDGER_TOPIC} has no value schema in schemas/topics.json`);
  const registry = new ConfluentSchemaRegistry(config.SCHEMA_REGISTRY_URL);
  return {
    topic: prefixed(config.KAFKA_TOPIC_PREFIX, LEDGER_TOPIC),
    deadLetterTopic: prefixed(config.KAFKA_TOPIC_PREFIX, LEDGER_DLQ_TOPIC),
    codec: new LedgerEventCodec(registry, prefixed(config.KAFKA_TOPIC_PREFIX, value.subject), assembleValueSchema(dir, value)),
  };
}
