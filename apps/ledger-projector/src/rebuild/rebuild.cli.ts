import 'reflect-metadata';
import { SingleBar } from 'cli-progress';
import { z } from 'zod';
import { databaseEnvSchema, kafkaEnvSchema, loadConfigOrExit, parseEnvAll } from '@loyalty/config';
import { createDatabase } from '@loyalty/db';
import { createKafkaClient, ledgerTopology } from '@loyalty/kafka';
import { type RebuildOutcome, type RebuildProgress, LedgerRebuild } from './ledger-rebuild';
import { LIVE_SCHEMA, dropSchema, listProjectionSchemas, previousSchema } from './projection-schemas';
import { rollbackProjection } from './projection-swap';

const USAGE = `usage: npm run rebuild -- <command>
  ledger [--swap-on-differences]
                    build a new version of the ledger projection from offset zero beside the live
                    one; once caught up, compare it member by member and swap only if they match
                    (with the flag: swap anyway, after a change of projection logic, and list
                    the differences)
  status            list the versions kept beside the live one
  rollback          make the newest kept version live again (the projectors seek back to its
                    offsets and catch it up with the log)
  drop <schema>     drop a kept or failed version (ledger_prev_<n> or ledger_build_<n>)`;

const settingsSchema = {
  kafka: kafkaEnvSchema,
  database: databaseEnvSchema,
  projector: z.object({ LEDGER_PROJECTOR_GROUP: z.string().regex(/^[a-zA-Z0-9._-]+$/).default('ledger-projector.v1') }),
};

const formatSeconds = (s: number | null) => (s === null || !Number.isFinite(s) ? '--' : s < 90 ? `${Math.ceil(s)} s` : `${Math.ceil(s / 60)} min`);

/** The terminal's progress bar: events applied against the log's end, events/s, lag and ETA. */
function progressBar(): { update(p: RebuildProgress): void; stop(): void } {
  const bar = new SingleBar({
    format: ' {phase} |{bar}| {percentage}% | {value}/{total} events | {rate} events/s | lag {lag} | ETA {eta_text}',
    hideCursor: true,
    etaBuffer: 20,
    // The bar goes to stderr (stdout stays for the report); not a terminal (a log, CI): a plain
    // line every couple of seconds instead of redrawing.
    stream: process.stderr,
    noTTYOutput: !process.stderr.isTTY,
    notTTYSchedule: 2_000,
  });
  let started = false;
  return {
    update(p) {
      const total = p.applied + p.lag;
      const payload = { phase: p.phase.padEnd(8), rate: Math.round(p.eventsPerSecond).toLocaleString('en'), lag: p.lag.toLocaleString('en'), eta_text: formatSeconds(p.etaSeconds) };
      if (!started) {
        bar.start(Math.max(total, 1), p.applied, payload);
        started = true;
      }
      bar.setTotal(Math.max(total, 1));
      bar.update(p.applied, payload);
    },
    stop() {
      if (started) bar.stop();
    },
  };
}

function report(outcome: RebuildOutcome): number {
  switch (outcome.kind) {
    case 'swapped':
      if (outcome.comparison.differing > 0) {
        console.log(`\nswapped although ${outcome.comparison.differing} of ${outcome.comparison.members} members differ (--swap-on-differences), e.g.:`);
        for (const d of outcome.comparison.examples) console.log(`  ${d.tenantId}/${d.memberId}: live ${d.live ?? '(absent)'} rebuilt ${d.rebuilt ?? '(absent)'}`);
      }
      console.log(
        `\nversion ${outcome.version} is live: ${outcome.applied.toLocaleString('en')} events built in ${outcome.buildSeconds.toFixed(2)} s ` +
          `(${Math.round(outcome.applied / Math.max(outcome.buildSeconds, 0.001)).toLocaleString('en')} events/s), ${outcome.seconds.toFixed(2)} s with indexes, compare and swap; ` +
          `${outcome.comparison.members} members compared. The previous version is kept as ${outcome.keptAs} ` +
          `(npm run rebuild -- rollback; npm run rebuild -- drop ${outcome.keptAs}).`,
      );
      return 0;
    case 'differences':
      console.error(`\nNOT swapped: ${outcome.comparison.differing} of ${outcome.comparison.members} members differ between the live version and ${outcome.schema}:`);
      for (const d of outcome.comparison.examples) console.error(`  ${d.tenantId}/${d.memberId}: live ${d.live ?? '(absent)'} rebuilt ${d.rebuilt ?? '(absent)'}`);
      console.error(`The rebuilt version stays in ${outcome.schema} for inspection (npm run rebuild -- drop ${outcome.schema}).`);
      return 2;
    case 'poison':
      console.error(`\nstopped: the event at partition ${outcome.partition}, offset ${outcome.offset} cannot be decoded (${outcome.reason}).`);
      console.error(`Nothing was swapped; the partial version stays in ${outcome.schema} (npm run rebuild -- drop ${outcome.schema}).`);
      return 3;
    case 'failed':
      console.error(`\nstopped: ${outcome.detail}. Nothing was swapped; the partial version stays in ${outcome.schema} (npm run rebuild -- drop ${outcome.schema}).`);
      return 1;
    case 'not-caught-up':
      console.error(`\nNOT swapped: ${outcome.detail}. The rebuilt version stays in ${outcome.schema}.`);
      return 4;
  }
}

async function main(argv: readonly string[]): Promise<number> {
  const [command, argument, ...extra] = argv;
  const valid =
    (command === 'ledger' && (argument === undefined || argument === '--swap-on-differences')) ||
    ((command === 'status' || command === 'rollback') && argument === undefined) ||
    (command === 'drop' && argument !== undefined);
  if (!valid || extra.length > 0) {
    console.error(USAGE);
    return 64;
  }
  const settings = loadConfigOrExit('rebuild', () => parseEnvAll(settingsSchema, process.env));
  const db = createDatabase(settings.database, 'ledger-rebuild');
  try {
    if (command === 'status') {
      const { builds, previous } = await listProjectionSchemas(db);
      console.log(`live: ${LIVE_SCHEMA}\nkept for rollback: ${previous.map(previousSchema).join(', ') || '(none)'}\nunfinished builds: ${builds.map((v) => `ledger_build_${v}`).join(', ') || '(none)'}`);
      return 0;
    }
    if (command === 'drop') {
      if (argument === undefined) throw new Error('name the schema to drop');
      await dropSchema(db, argument);
      console.log(`dropped ${argument}`);
      return 0;
    }
    const group = settings.projector.LEDGER_PROJECTOR_GROUP;
    if (command === 'rollback') {
      const { restored, keptAs } = await rollbackProjection(db, group);
      console.log(`${restored} is live again; the version it replaced is kept as ${keptAs}. The projectors catch it up with the log on their own.`);
      return 0;
    }
    const kafka = createKafkaClient(settings.kafka, 'ledger-rebuild');
    const bar = progressBar();
    const outcome = await new LedgerRebuild({
      db,
      databaseConfig: settings.database,
      kafka,
      topology: ledgerTopology(settings.kafka),
      liveGroup: group,
      swapOnDifferences: argument === '--swap-on-differences',
      onProgress: (p) => bar.update(p),
      log: (m) => console.log(m),
    })
      .run()
      .finally(() => bar.stop());
    return report(outcome);
  } finally {
    await db.destroy();
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(`rebuild failed: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  },
);
