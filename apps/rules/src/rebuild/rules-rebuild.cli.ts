import 'reflect-metadata';
import { SingleBar } from 'cli-progress';
import { Kysely, PostgresDialect } from 'kysely';
import { loadConfigOrExit } from '@loyalty/config';
import { type RulesDatabase, RULES_MIGRATIONS, createPool, migrateToLatest } from '@loyalty/db';
import { createKafkaClient, ledgerTopology } from '@loyalty/kafka';
import { rulesSettings } from '../rules.config';
import { rebuildRulesState } from './rules-rebuild';

// `npm run rebuild -- rules`: the rules state folded again from offset zero (see rebuildRulesState).
async function main(): Promise<number> {
  const settings = loadConfigOrExit('rules-rebuild', () => rulesSettings(process.env));
  const db = new Kysely<RulesDatabase>({ dialect: new PostgresDialect({ pool: createPool(settings.database, 'rules-rebuild') }) });
  const bar = new SingleBar({
    format: ' rules    |{bar}| {percentage}% | {value}/{total} events | {rate} events/s | lag {lag} | ETA {eta_text}',
    stream: process.stderr,
    hideCursor: true,
    noTTYOutput: !process.stderr.isTTY,
    notTTYSchedule: 2_000,
  });
  let started = false;
  try {
    await migrateToLatest(db, RULES_MIGRATIONS);
    const outcome = await rebuildRulesState({
      db,
      kafka: createKafkaClient(settings.kafka, 'rules-rebuild'),
      topology: ledgerTopology(settings.kafka),
      programs: settings.programs,
      liveGroup: settings.groupId,
      onProgress: (p) => {
        const payload = { rate: Math.round(p.eventsPerSecond).toLocaleString('en'), lag: p.lag.toLocaleString('en'), eta_text: p.etaSeconds === null ? '--' : `${Math.ceil(p.etaSeconds)} s` };
        if (!started) bar.start(Math.max(p.applied + p.lag, 1), p.applied, payload);
        started = true;
        bar.setTotal(Math.max(p.applied + p.lag, 1));
        bar.update(p.applied, payload);
      },
    });
    if (started) bar.stop();
    if (outcome.kind === 'service-running') {
      console.error(`refused: the rules service is consuming (${outcome.members} member(s) in group ${settings.groupId}); stop it first, then start it again after the rebuild.`);
      return 2;
    }
    console.log(
      `rules state rebuilt from the log: ${outcome.events.toLocaleString('en')} events in ${outcome.seconds.toFixed(1)} s ` +
        `(${Math.round(outcome.events / Math.max(outcome.seconds, 0.001)).toLocaleString('en')} events/s); ${outcome.members.toLocaleString('en')} members, ${outcome.buckets.toLocaleString('en')} buckets still changing by time.`,
    );
    return 0;
  } finally {
    await db.destroy();
  }
}

main()
  .then((code) => process.exit(code))
  .catch((error: unknown) => {
    console.error(`rules rebuild failed: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  });
