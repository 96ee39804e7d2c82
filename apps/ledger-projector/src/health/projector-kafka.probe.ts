import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { KafkaHealthProbe } from '@loyalty/kafka';
import { type Kafka } from 'kafkajs';
import { PROJECTOR_KAFKA } from '../ledger/ledger-projector.consumer';

/** Kafka reachability for /health, on the projector's client; its admin connection closes with the service. */
@Injectable()
export class ProjectorKafkaProbe extends KafkaHealthProbe implements OnApplicationShutdown {
  constructor(@Inject(PROJECTOR_KAFKA) kafka: Kafka) {
    super(kafka);
  }

  onApplicationShutdown(): Promise<void> {
    return this.close();
  }
}
