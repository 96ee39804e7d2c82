import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { type Kysely } from 'kysely';
import { type Database } from '@loyalty/db';
import { COMMAND_PIPELINE, type CommandPipeline } from './command-pipeline';
import { membersWithStaleOutbox } from './command-store';
import { type MemberCommand } from './member-command';
import { INGESTION_DATABASE } from './tokens';
import { NO_NEEDS } from './state-needs';

/** Commands older than this and still unpublished lost their writer (Kafka was down, or it died). */
const STALE_AFTER_MS = 5_000;
const SWEEP_EVERY_MS = 2_000;

/** A command that decides nothing: running it publishes the member's outbox, in order. */
function flushCommand(tenantId: string, memberId: string): MemberCommand {
  return {
    tenantId,
    memberId,
    commandKey: `flush:${memberId}`,
    needs: NO_NEEDS,
    requestHash: '',
    occurredAt: null,
    recorded: false,
    decide: () => ({ kind: 'accepted', events: [] }),
    summarize: () => ({}),
  };
}

/**
 * Publishes what a failed or dead writer left in the outbox, so nothing decided is ever lost: every
 * few seconds, members with stale unpublished commands get a flush through the pipeline (which
 * takes their lock and publishes their backlog first).
 */
@Injectable()
export class OutboxRelay implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(OutboxRelay.name);
  private timer: NodeJS.Timeout | undefined;
  private sweeping = false;

  constructor(
    @Inject(INGESTION_DATABASE) private readonly db: Kysely<Database>,
    @Inject(COMMAND_PIPELINE) private readonly pipeline: CommandPipeline,
  ) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => void this.sweep(), SWEEP_EVERY_MS);
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    clearInterval(this.timer);
  }

  async sweep(): Promise<number> {
    if (this.sweeping) return 0;
    this.sweeping = true;
    try {
      const members = await membersWithStaleOutbox(this.db, STALE_AFTER_MS, 500);
      const results = await Promise.allSettled(members.map((m) => this.pipeline.execute(flushCommand(m.tenantId, m.memberId), 'outbox-relay')));
      const failed = results.filter((r) => r.status === 'rejected').length;
      if (members.length > 0) this.logger.log(`outbox: flushed ${members.length - failed} members, ${failed} still waiting`);
      return members.length - failed;
    } catch (error) {
      this.logger.warn(`outbox sweep failed: ${(error as Error).message}`);
      return 0;
    } finally {
      this.sweeping = false;
    }
  }
}
