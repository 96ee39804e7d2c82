// prom-client with an own Registry, as in the projector: a handful of metrics and one endpoint.
import { Counter, Gauge, Registry, collectDefaultMetrics, prometheusContentType } from 'prom-client';

/**
 * The rules service's Prometheus metrics. Labels carry event and command types only: no tenant or
 * member data leaves through /metrics, which is unauthenticated.
 */
export class RulesMetrics {
  readonly contentType = prometheusContentType;
  private readonly registry = new Registry();
  private readonly applied: Counter;
  private readonly decided: Counter<'kind' | 'type'>;
  private readonly daySteps: Counter<'outcome'>;
  readonly outboxBacklog: Gauge;

  constructor(backlog: () => Promise<number>) {
    collectDefaultMetrics({ register: this.registry });
    const registers = [this.registry];
    this.applied = new Counter({ name: 'loyalty_rules_events_applied_total', help: 'Ledger events folded into the rules state.', registers });
    this.decided = new Counter({ name: 'loyalty_rules_decisions_total', help: 'Events and commands the rules decided, by kind and type.', labelNames: ['kind', 'type'], registers });
    this.daySteps = new Counter({ name: 'loyalty_rules_day_steps_total', help: 'Steps of tenant day runs, by outcome (progress, waiting).', labelNames: ['outcome'], registers });
    this.outboxBacklog = new Gauge({
      name: 'loyalty_rules_outbox_backlog',
      help: 'Decided events and commands not yet published.',
      registers,
      async collect() {
        this.set(await backlog());
      },
    });
  }

  eventsApplied(n: number): void {
    this.applied.inc(n);
  }

  decisions(items: readonly { kind: 'event' | 'command'; type: string }[]): void {
    for (const item of items) this.decided.inc({ kind: item.kind, type: item.type });
  }

  dayStep(outcome: string): void {
    this.daySteps.inc({ outcome });
  }

  render(): Promise<string> {
    return this.registry.metrics();
  }
}
