import { Logger } from '@nestjs/common';

/** Routes kafkajs' log lines into the service's logger. */
export function nestKafkaLogger(context = 'kafkajs') {
  const logger = new Logger(context);
  return {
    warn: (obj: object, msg: string) => logger.warn(`${msg} ${JSON.stringify(obj)}`),
    error: (obj: object, msg: string) => logger.error(`${msg} ${JSON.stringify(obj)}`),
    info: (obj: object, msg: string) => logger.log(`${msg} ${JSON.stringify(obj)}`),
  };
}
