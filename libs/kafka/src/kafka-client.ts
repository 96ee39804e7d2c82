import { Kafka, logLevel, type LogEntry } from 'kafkajs';
import { type KafkaConfig } from '@loyalty/config';

export interface KafkaLogger {
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

/**
 * Creates the kafkajs client with short connection timeouts: a write waiting on a dead broker
 * must fail fast enough to answer 503, and the retry policy lives with the caller.
 */
export function createKafkaClient(config: KafkaConfig, clientId: string, logger?: KafkaLogger): Kafka {
  return new Kafka({
    clientId: `${config.KAFKA_CLIENT_ID}-${clientId}`,
    brokers: config.KAFKA_BROKERS,
    connectionTimeout: 2_000,
    requestTimeout: 10_000,
    retry: { retries: 3, initialRetryTime: 100, maxRetryTime: 1_000 },
    logLevel: logLevel.WARN,
    logCreator:
      () =>
      ({ level, log }: LogEntry) => {
        const { message, ...rest } = log;
        if (logger === undefined) return;
        if (level === logLevel.ERROR) logger.error({ kafka: rest }, message);
        else logger.warn({ kafka: rest }, message);
      },
  });
}
