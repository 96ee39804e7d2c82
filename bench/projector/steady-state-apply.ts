// Phase 3: the real projector draining the backlog. The clock starts when its consumer group is
// joined, as Kafka reports it (the group turns Stable with a member: polled every 50 ms through the
// admin API, since the process is not ours to instrument), so the Node start and the Nest boot are
// reported apart, not charged to the rate. It stops when every partition's stored offset has reached
// the end of the topic, read where the projector keeps it: the consumer_offsets rows it commits with
// its ledger rows (polled every 100 ms in the throwaway database). The projection is then checked
// against the backlog: one ledger entry per event, and the net points the backlog adds up to.
// With `keepRunning` the projector is left running afterwards, caught up, for the rebuild phase
// (which needs a live projector at the end of the log to hand its offsets over to); the cleanup
// registered here stops it in any case.
import { type DatabaseConfig } from '@loyalty/config';
import { createKafkaClient } from '@loyalty/kafka';
import { type PeakRss, readPeak, trackPeaks } from '../shared/peak-rss';
import { type StackFiles } from '../shared/stack-files';
import { type RegisterCleanup } from '../shared/cleanup';
import { type DrainResult, drainTimes, raceDrain } from './drain';
import { type BacklogTotals } from './ledger-backlog';
import { type ProjectionCheck, checkProjection } from './projection-check';
import { appliedOf, reachedEnd, storedOffsets } from './projector-offsets';
import { type ProjectorProcess, startProjector } from './projector-process';
import { clientOf } from './throwaway-database';
import { type EndOffsets, type ThrowawayLedger, totalOf } from './throwaway-kafka';

export interface SteadyStateSpec {
  readonly files: StackFiles;
  readonly ledger: ThrowawayLedger;
  readonly database: DatabaseConfig;
  readonly groupId: string;
  readonly endOffsets: EndOffsets;
  readonly expected: BacklogTotals;
  readonly timeoutS: number;
  readonly stallS: number;
  /** Leave the projector running (caught up) when the drain succeeded; stopped otherwise. */
  readonly keepRunning?: boolean;
}

export interface SteadyStateResult extends DrainResult {
  readonly check: ProjectionCheck | undefined;
  readonly peak: PeakRss;
  /** The projector, still running: only with `keepRunning` and a successful drain and check. */
  readonly running: ProjectorProcess | undefined;
}

const POLL_MS = 100;
const JOIN_POLL_MS = 50;

export async function measureSteadyStateApply(spec: SteadyStateSpec, registerCleanup: RegisterCleanup): Promise<SteadyStateResult> {
  const topic = spec.ledger.topology.topic;
  const total = totalOf(spec.endOffsets);
  const watcher = clientOf(spec.database, 'offsets-watch', { statement_timeout: 10_000 });
  await watcher.connect();
  registerCleanup('close the offsets watcher', () => watcher.end().catch(() => undefined));

  const admin = createKafkaClient(spec.ledger.kafka, 'bench-group-watch').admin();
  await admin.connect();
  registerCleanup('close the group watcher', () => admin.disconnect().catch(() => undefined));

  const started = performance.now();
  const projector = await startProjector({ files: spec.files, kafka: spec.ledger.kafka, database: spec.database, groupId: spec.groupId });
  registerCleanup(`stop the benchmark's projector (pid ${projector.pid})`, () => projector.stop());
  const [tracked] = trackPeaks([{ process: 'ledger-projector (benchmark instance, phase 3)', pid: projector.pid }]);

  let joinedAt: number | undefined;
  let firstAt: number | undefined;
  let progressAt = started;
  let lastCount = 0;
  let died: string | undefined;
  let finish: (() => void) | undefined;
  const drained = new Promise<void>((resolve) => (finish = resolve));
  let polling = true;
  const poll = async () => {
    while (polling) {
      if (joinedAt === undefined) {
        const { groups } = await admin.describeGroups([spec.groupId]);
        const group = groups[0];
        if (group?.state === 'Stable' && group.members.length > 0) joinedAt = performance.now();
      }
      const stored = await storedOffsets(watcher, spec.groupId, topic);
      const now = performance.now();
      const count = appliedOf(stored);
      if (count > lastCount) {
        lastCount = count;
        progressAt = now;
        firstAt ??= now;
      }
      if (reachedEnd(stored, spec.endOffsets)) {
        finish?.();
        return;
      }
      if (!projector.alive()) {
        died = `the projector exited (log ${projector.logFile}):\n${projector.logTail()}`;
        finish?.();
        return;
      }
      await new Promise((resolve) => setTimeout(resolve, joinedAt === undefined ? JOIN_POLL_MS : POLL_MS));
    }
  };
  console.error(`[bench] steady state: the projector drains ${total.toLocaleString('en-US')} events from ${topic}`);
  const polled = poll().catch((error: unknown) => {
    died = `watching the projector failed: ${error instanceof Error ? error.message : String(error)}`;
    finish?.();
  });
  const timedOut = await raceDrain(drained, () => ({ progressAt, started }), spec.timeoutS, spec.stallS);
  polling = false;
  await polled;
  const endAt = progressAt;
  // Read before the stop: the process's peak is gone with it.
  const peak = tracked === undefined ? { process: 'ledger-projector (benchmark instance)', pid: projector.pid, kib: undefined, note: 'not tracked' } : readPeak(tracked);
  const error =
    died ?? timedOut ?? (joinedAt === undefined ? 'the projector\'s group was never seen Stable (joined) before the drain ended' : lastCount < total ? `stored offsets reached ${lastCount} of ${total}` : undefined);
  const check = error === undefined ? await checkProjection(watcher, { entries: spec.expected.events, netPoints: spec.expected.netPoints }) : undefined;
  const failure = error ?? check?.mismatch;
  const keep = spec.keepRunning === true && failure === undefined;
  if (!keep) await projector.stop();
  await watcher.end().catch(() => undefined);
  await admin.disconnect().catch(() => undefined);
  return {
    events: lastCount,
    ...drainTimes(started, joinedAt, firstAt, endAt),
    error: failure,
    check,
    peak: keep ? { ...peak, note: [peak.note, 'read at the end of its drain; it then ran on for the rebuild phase'].filter((n) => n.length > 0).join('; ') } : peak,
    running: keep ? projector : undefined,
  };
}
