// `npm run bench:ingestion`: the write path of the ingestion service under load on the local
// stack, everything co-located. Phases, in this order so that the phases that leave the largest
// backlogs for the projector come last:
//   1. Kafka raw limit (kafkajs alone, one ceiling everything else is a fraction of);
//   2. Postgres raw limit (pg alone, ingestion's insert technique: the other ceiling);
//   3. single-event POSTs with ingestion restarted in INGESTION_PUBLISH_MODE=naive;
//   4. single-event POSTs with ingestion restarted in its normal (batched) mode;
//   5. the batch endpoint, same process.
// Ingestion is left running in its normal mode at the end, also on failure or Ctrl-C.
import { randomUUID } from 'node:crypto';
import { Cleanup, guardWithCleanup } from '../shared/cleanup';
import { type SettleResult, settleBefore } from '../shared/cpu-settle';
import { ensureStackUp } from '../shared/ensure-stack';
import { loopbackBrokers } from '../shared/loopback-brokers';
import { machineInfo } from '../shared/machine-info';
import { type PeakRss, readPeak, trackPeaks } from '../shared/peak-rss';
import { fromCrash, fromTimedWrites } from '../shared/phase-outcome';
import { PostgresRssSampler } from '../shared/postgres-rss';
import { PAYLOAD_SHAPE, purchaseFactory } from '../shared/purchase-factory';
import { RESULTS_FILE, appendRun } from '../shared/results-file';
import { type TableLayout, renderRun } from '../shared/results-table';
import { runMain } from '../shared/run-main';
import { readStackDatabase } from '../shared/stack-database';
import { pidfileOf, readDevApiKey, readPidfile, readStackEnv, stackFiles } from '../shared/stack-files';
import { type HttpPhaseSpec, runHttpPhase } from './autocannon-phase';
import { countBatchResponse } from './batch-response';
import { type BenchConfig, loadBenchConfig } from './bench-config';
import { type IngestionTarget, restartIngestion } from './ingestion-process';
import { measureKafkaRawLimit } from './kafka-raw-limit';
import { type PhaseId, type PhaseMeta, type PhaseOutcome, fromHttpPhase } from './phase-outcome';
import { measurePostgresRawLimit } from './postgres-raw-limit';

const OTHER_PROCESSES = ['ledger-projector', 'rules', 'connector', 'kafka', 'registry'] as const;
const SINGLE_TARGET = { minRate: 3_000, maxP99Ms: 25 };
const BATCH_TARGET = { minRate: 30_000 };

/** The service's phases are shares of both raw limits; the ratio column is what coalescing sends buys. */
const TABLE: TableLayout<PhaseId> = {
  headingLevel: 3,
  kafkaRaw: 'kafka-raw',
  postgresRaw: 'postgres-raw',
  sharesOf: ['single-batched', 'single-naive', 'batch'],
  ratio: { column: 'batched ÷ naive', row: 'single-batched', numerator: 'single-batched', denominator: 'single-naive', digits: 2 },
  escapeNotes: false,
};

/** Generous, but finite: every phase, settle, restart and the cleanup at their own limits. */
function timeBudgetMs(config: BenchConfig): number {
  const perPhase = config.warmupS + config.durationS + 60 + config.settleMaxS;
  return (config.phases.size * perPhase + 2 * 160 + 180 + 60) * 1_000;
}

const settle = (config: BenchConfig, label: string): Promise<SettleResult> => settleBefore(label, config.settleMaxS);

async function main(): Promise<number> {
  const config = loadBenchConfig(process.env);
  const files = stackFiles();
  const baseUrl = `http://127.0.0.1:${config.ingestionPort}`;
  await ensureStackUp(files, baseUrl, config.upTimeoutS);
  const apiKey = readDevApiKey(files);
  const brokers = loopbackBrokers(readStackEnv(files)['KAFKA_BROKERS']);
  // Read up front, like the brokers: missing credentials stop the run before any load is sent.
  const database = config.phases.has('postgres') ? readStackDatabase(files) : undefined;
  const runId = randomUUID().slice(0, 8);
  const startedAt = new Date();
  const ingestion: IngestionTarget = { files, port: config.ingestionPort };

  const cleanup = new Cleanup();
  const disarm = guardWithCleanup(cleanup, timeBudgetMs(config));
  let ingestionIsNormal = true;
  cleanup.add('restore ingestion', async () => {
    if (ingestionIsNormal) return;
    await restartIngestion(ingestion, {});
    ingestionIsNormal = true;
  });

  const others = trackPeaks(OTHER_PROCESSES.map((name) => ({ process: name, pid: readPidfile(pidfileOf(files, name)) })));
  const postgres = new PostgresRssSampler(files.postgresDataDir);
  postgres.start();

  const nextPurchase = purchaseFactory(config.tenantId, runId);
  const single = (title: string): HttpPhaseSpec => ({
    title,
    baseUrl,
    path: '/v1/purchases',
    apiKey,
    connections: config.singleConnections,
    warmupS: config.warmupS,
    durationS: config.durationS,
    nextBody: () => JSON.stringify(nextPurchase()),
    countUnits: () => ({ accepted: 1, failed: 0 }),
  });
  const batch: HttpPhaseSpec = {
    title: 'batch endpoint',
    baseUrl,
    path: '/v1/purchases/batch',
    apiKey,
    connections: config.batchConnections,
    warmupS: config.warmupS,
    durationS: config.durationS,
    nextBody: () => JSON.stringify({ purchases: Array.from({ length: config.batchSize }, nextPurchase) }),
    countUnits: (body) => countBatchResponse(body, config.batchSize),
  };

  const phases: PhaseOutcome[] = [];
  const peaks: PeakRss[] = [];
  const singleLoad = `${config.singleConnections} connections`;
  try {
    if (config.phases.has('kafka')) {
      const meta: PhaseMeta = {
        id: 'kafka-raw',
        label: 'Kafka raw (kafkajs, acks=-1, idempotent)',
        unit: 'msg/s',
        load: `${config.kafkaConcurrency} sends × ${config.kafkaBatch} msgs, 3 partitions`,
        settle: await settle(config, 'kafka raw limit'),
      };
      const spec = { brokers, runId, tenantId: config.tenantId, warmupS: config.warmupS, durationS: config.durationS, batchSize: config.kafkaBatch, concurrency: config.kafkaConcurrency };
      phases.push(await measureKafkaRawLimit(spec, (name, fn) => cleanup.add(name, fn)).then((r) => fromTimedWrites(meta, r, 'failed sends'), (e: unknown) => fromCrash(meta, e)));
    }

    if (database !== undefined) {
      const meta: PhaseMeta = {
        id: 'postgres-raw',
        label: 'Postgres raw (pg, insert … unnest)',
        unit: 'rows/s',
        load: `${config.postgresConnections} connections × ${config.postgresBatch}-row transactions`,
        settle: await settle(config, 'postgres raw limit'),
      };
      const spec = { database, runId, tenantId: config.tenantId, warmupS: config.warmupS, durationS: config.durationS, batchSize: config.postgresBatch, connections: config.postgresConnections };
      phases.push(
        await measurePostgresRawLimit(spec, (name, fn) => cleanup.add(name, fn)).then(
          // The row size goes with the load: rows/s means little without it.
          (r) => fromTimedWrites({ ...meta, load: `${meta.load}, ${(r.jsonBytesPerRow / 1024).toFixed(1)} KB JSON/row` }, r, 'failed transactions'),
          (e: unknown) => fromCrash(meta, e),
        ),
      );
    }

    if (config.phases.has('naive')) {
      const meta: PhaseMeta = { id: 'single-naive', label: 'POST /v1/purchases, naive mode', unit: 'events/s', load: singleLoad };
      try {
        ingestionIsNormal = false;
        const [tracked] = trackPeaks([{ process: 'ingestion (naive mode)', pid: await restartIngestion(ingestion, { INGESTION_PUBLISH_MODE: 'naive' }) }]);
        const settled = await settle(config, 'naive mode');
        try {
          phases.push(fromHttpPhase({ ...meta, settle: settled }, await runHttpPhase(single('single POSTs, naive mode'))));
        } finally {
          if (tracked !== undefined) peaks.push(readPeak(tracked));
        }
      } catch (error) {
        phases.push(fromCrash(meta, error));
      }
    }

    if (config.phases.has('single') || config.phases.has('batch')) {
      // Restarted even when it already runs normally: a process left in naive mode by an earlier
      // run that was killed outright must not pass for the batched one, and the peak RSS starts fresh.
      ingestionIsNormal = false;
      let tracked: ReturnType<typeof trackPeaks>[number] | undefined;
      let restartError: unknown;
      try {
        [tracked] = trackPeaks([{ process: 'ingestion (normal, batched)', pid: await restartIngestion(ingestion, {}) }]);
        ingestionIsNormal = true;
      } catch (error) {
        restartError = error;
      }
      const run = async (meta: PhaseMeta, spec: HttpPhaseSpec) => {
        if (restartError !== undefined) return fromCrash(meta, restartError);
        const settled = await settle(config, spec.title);
        return runHttpPhase(spec).then((r) => fromHttpPhase({ ...meta, settle: settled }, r), (e: unknown) => fromCrash(meta, e));
      };
      if (config.phases.has('single')) {
        const meta: PhaseMeta = { id: 'single-batched', label: 'POST /v1/purchases, batched mode', unit: 'events/s', load: singleLoad, target: SINGLE_TARGET };
        phases.push(await run(meta, single('single POSTs, batched mode')));
      }
      if (config.phases.has('batch')) {
        const load = `${config.batchConnections} connections × ${config.batchSize} purchases`;
        phases.push(await run({ id: 'batch', label: 'POST /v1/purchases/batch', unit: 'purchases/s', load, target: BATCH_TARGET }, batch));
      }
      if (tracked !== undefined) peaks.push(readPeak(tracked));
    }
  } finally {
    await cleanup.run();
    disarm();
  }

  const pg = postgres.stop();
  peaks.push(...others.map((p) => readPeak(p)));
  const pss = pg.pssKib === undefined ? 'unknown' : `${Math.round(pg.pssKib / 1024)} MiB`;
  const pgNote = `VmRSS summed over ${pg.processes} processes, sampled each second (shared buffers counted once per process; PSS sum ${pss})`;
  peaks.push({ process: 'postgres (sum)', pid: undefined, kib: pg.rssKib, note: pgNote });
  peaks.push({ process: 'bench harness', pid: process.pid, kib: process.resourceUsage().maxRSS, note: 'autocannon, kafkajs and pg, on the same cores' });

  const notes = ['Batch latency is per request (one request carries all its purchases).'];
  if (phases.some((p) => p.id === 'postgres-raw' && p.rate !== undefined)) {
    notes.push('`of Postgres raw` is purchases (events) per second over rows per second: ingestion writes three rows per purchase plus its share of a batch\'s outbox row (with the events\' JSON), and the projector its own, so its honest ceiling is well below 100 %.');
  }
  const naive = phases.find((p) => p.id === 'single-naive')?.rate;
  const batched = phases.find((p) => p.id === 'single-batched')?.rate;
  if (naive !== undefined && batched !== undefined && Math.abs(batched / naive - 1) < 0.1) {
    notes.push('batched ≈ naive: check that ingestion honours INGESTION_PUBLISH_MODE (it does not report which mode it runs in).');
  }
  const setup = `Warm-up ${config.warmupS} s, measured ${config.durationS} s per phase. Payload: ${PAYLOAD_SHAPE}.`;
  const markdown = renderRun({ startedAt, machine: machineInfo(), setup, smoke: false, phases, peaks, notes }, TABLE);
  console.log(`\n${markdown}`);
  appendRun(markdown);
  console.error(`[bench] appended to ${RESULTS_FILE}`);
  return phases.some((p) => p.failed) ? 1 : 0;
}

runMain(main);
