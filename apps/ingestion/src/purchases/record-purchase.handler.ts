import { Inject, Injectable } from '@nestjs/common';
import { type ProgramConfig } from '@loyalty/domain';
import { EVENT_PUBLISHER, type EventPublisher, type LogPosition } from '@loyalty/kafka';
import { CLOCK, type Clock } from '../clock/clock';
import { deterministicId } from '../ids/deterministic-id';
import { PROGRAM } from '../program/program.provider';
import { type RecordPurchase, decideRecordPurchase } from './record-purchase.decide';

export type RecordPurchaseResult =
  | { readonly kind: 'recorded'; readonly eventIds: readonly string[]; readonly points: number; readonly position: LogPosition | null }
  | { readonly kind: 'rejected'; readonly code: string; readonly message: string };

/** Decides on a purchase and appends the resulting events to the ledger. */
@Injectable()
export class RecordPurchaseHandler {
  constructor(
    @Inject(EVENT_PUBLISHER) private readonly publisher: EventPublisher,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(PROGRAM) private readonly program: ProgramConfig,
  ) {}

  async handle(command: RecordPurchase, correlationId: string): Promise<RecordPurchaseResult> {
    const source = [command.tenantId, 'purchase', command.transactionId] as const;
    const decision = decideRecordPurchase(command, this.program, {
      now: this.clock.now(),
      eventId: deterministicId(...source, 'PointsEarned'),
      bucketId: deterministicId(...source, 'bucket'),
      correlationId,
    });
    switch (decision.kind) {
      case 'rejected':
        return decision;
      case 'no-points':
        return { kind: 'recorded', eventIds: [], points: 0, position: null };
      case 'points-earned': {
        const [position] = await this.publisher.publish([decision.event]);
        return { kind: 'recorded', eventIds: [decision.event.metadata.eventId], points: decision.event.data.points, position: position ?? null };
      }
      default: {
        const unreachable: never = decision;
        throw new Error(`unhandled decision ${JSON.stringify(unreachable)}`);
      }
    }
  }
}
