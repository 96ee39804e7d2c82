import { type DynamicModule, Inject, Injectable, Module, type OnApplicationShutdown } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { HEALTH_CHECKS, HealthHttpController, nestKafkaLogger, serviceLoggerModule } from '@loyalty/http';
import { KafkaHealthProbe, createKafkaClient } from '@loyalty/kafka';
import { type ConnectorSettings } from './connector.config';

@Injectable()
class ProbeShutdown implements OnApplicationShutdown {
  constructor(@Inject(KafkaHealthProbe) private readonly probe: KafkaHealthProbe) {}

  async onApplicationShutdown(): Promise<void> {
    await this.probe.close();
  }
}

/** Forwards ledger events to Bloomreach, Braze, Voucherify and webhooks (arrives with the connector issue). For now: the service shell, its configuration and its health. */
@Module({})
export class ConnectorModule {
  static forRoot(settings: ConnectorSettings): DynamicModule {
    const probe = new KafkaHealthProbe(createKafkaClient(settings.kafka, 'connector', nestKafkaLogger()));
    return {
      module: ConnectorModule,
      imports: [serviceLoggerModule('connector'), TerminusModule],
      controllers: [HealthHttpController],
      providers: [
        { provide: KafkaHealthProbe, useValue: probe },
        { provide: HEALTH_CHECKS, useValue: [{ name: 'kafka', probe: () => probe.reachable(), downMessage: 'kafka unreachable' }] },
        ProbeShutdown,
      ],
    };
  }
}
