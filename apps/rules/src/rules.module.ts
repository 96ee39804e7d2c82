import { type DynamicModule, Inject, Injectable, Module, type OnApplicationShutdown } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { HEALTH_CHECKS, HealthHttpController, nestKafkaLogger, serviceLoggerModule } from '@loyalty/http';
import { KafkaHealthProbe, createKafkaClient } from '@loyalty/kafka';
import { type RulesSettings } from './rules.config';

@Injectable()
class ProbeShutdown implements OnApplicationShutdown {
  constructor(@Inject(KafkaHealthProbe) private readonly probe: KafkaHealthProbe) {}

  async onApplicationShutdown(): Promise<void> {
    await this.probe.close();
  }
}

/** Derives tier changes, activations, expiries and warnings from the ledger (arrives with the rules issue). For now: the service shell, its configuration and its health. */
@Module({})
export class RulesModule {
  static forRoot(settings: RulesSettings): DynamicModule {
    const probe = new KafkaHealthProbe(createKafkaClient(settings.kafka, 'rules', nestKafkaLogger()));
    return {
      module: RulesModule,
      imports: [serviceLoggerModule('rules'), TerminusModule],
      controllers: [HealthHttpController],
      providers: [
        { provide: KafkaHealthProbe, useValue: probe },
        { provide: HEALTH_CHECKS, useValue: [{ name: 'kafka', probe: () => probe.reachable(), downMessage: 'kafka unreachable' }] },
        ProbeShutdown,
      ],
    };
  }
}
