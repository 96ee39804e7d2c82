import { type KafkaConfig } from '@loyalty/config';
import { AvroRecordCodec } from './codec/ledger-event.codec';
import { ConfluentSchemaRegistry } from './registry/schema-registry';
import { assembleValueSchema } from './schemas/avro-schema';
import { CONNECTOR_EVENTS_TOPIC, findTopic, loadTopicCatalog, prefixed, schemasDir } from './topics/topic-catalog';

export interface ConnectorTopology {
  readonly topic: string;
  readonly codec: AvroRecordCodec;
}

/**
 * The public connector topic's name (with the environment's prefix) and its Avro codec.
 *
 * @example
 * const { topic, codec } = connectorTopology(config); // topic: 'loyalty.connector.events.v1'
 */
export function connectorTopology(config: KafkaConfig): ConnectorTopology {
  const dir = schemasDir();
  const value = findTopic(loadTopicCatalog(dir), CONNECTOR_EVENTS_TOPIC).value;
  if (value === null) throw new Error(`${CONNECTOR_EVENTS_TOPIC} has no value schema in schemas/topics.json`);
  return {
    topic: prefixed(config.KAFKA_TOPIC_PREFIX, CONNECTOR_EVENTS_TOPIC),
    codec: new AvroRecordCodec(new ConfluentSchemaRegistry(config.SCHEMA_REGISTRY_URL), prefixed(config.KAFKA_TOPIC_PREFIX, value.subject), assembleValueSchema(dir, value)),
  };
}
