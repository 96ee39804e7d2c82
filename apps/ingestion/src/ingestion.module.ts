import { type DynamicModule, Inject, Injectable, Module, type OnApplicationShutdown } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { AUTH_CONFIG, ApiKeyGuard, HEALTH_CHECKS, HealthHttpController, type DependencyCheck, nestKafkaLogger, serviceLoggerModule } from '@loyalty/http';
import { EVENT_PUBLISHER, KafkaEventPublisher, KafkaHealthProbe, createKafkaClient, ledgerTopology } from '@loyalty/kafka';
import { CLOCK, systemClock } from './clock/clock';
import { type IngestionSettings } from './ingestion.config';
import { PROGRAM } from './program/program.provider';
import { RecordPurchaseHandler } from './purchases/record-purchase.handler';
import { RecordPurchaseHttpController } from './purchases/record-purchase.http.controller';

const KAFKA_PROBE = Symbol('KafkaHealthProbe');

@Injectable()
class KafkaShutdown implements OnApplicationShutdown {
  constructor(
    @Inject(EVENT_PUBLISHER) private readonly publisher: KafkaEventPublisher,
    @Inject(KAFKA_PROBE) private readonly probe: KafkaHealthProbe,
  ) {}

  async onApplicationShutdown(): Promise<void> {
    await Promise.all([this.publisher.close(), this.probe.close()]);
  }
}

/** The write side: storefront requests in, point events out to the ledger topic. */
@Module({})
export class IngestionModule {
  static forRoot(settings: IngestionSettings): DynamicModule {
    const kafka = createKafkaClient(settings.kafka, 'ingestion', nestKafkaLogger());
    const topology = ledgerTopology(settings.kafka);
    const probe = new KafkaHealthProbe(kafka);
    const checks: DependencyCheck[] = [{ name: 'kafka', probe: () => probe.reachable(), downMessage: 'kafka unreachable: writes answer 503' }];
    return {
      module: IngestionModule,
      imports: [serviceLoggerModule('ingestion'), TerminusModule],
      controllers: [RecordPurchaseHttpController, HealthHttpController],
      providers: [
        { provide: AUTH_CONFIG, useValue: settings.auth },
        { provide: PROGRAM, useValue: settings.program },
        { provide: CLOCK, useValue: systemClock },
        { provide: KAFKA_PROBE, useValue: probe },
        { provide: HEALTH_CHECKS, useValue: checks },
        {
          provide: EVENT_PUBLISHER,
          useValue: new KafkaEventPublisher(kafka, topology.codec, { topic: topology.topic, timeoutMs: settings.publishTimeoutMs }),
        },
        ApiKeyGuard,
        RecordPurchaseHandler,
        KafkaShutdown,
      ],
    };
  }
}
