// `npm run clock -- show | advance <n><d|h|m|s> | set <ISO time> | reset [--allow-backwards]`:
// moves the local stack's clock. Services started with LOYALTY_CLOCK_FILE (as `npm start` and
// `npm run up` do) re-read the file within ~200 ms, so activations, expiries and warnings can be
// demonstrated without waiting for days. Never in production: the services refuse the variable
// there, and this tool refuses to run.
import { join, resolve } from 'node:path';
import { readClockFile, writeClockFile } from '@loyalty/config';
import { type CurrentOffset, decideClock, formatOffset, parseClockArgs } from './clock-command';

const ROOT = join(__dirname, '..', '..');

const USAGE = `usage: npm run clock -- [show | advance <n><d|h|m|s> | set <ISO time> | reset] [--allow-backwards]
  show                         the offset and the shifted now (the default)
  advance 30d                  move the clock forward; cumulative; units d, h, m, s
  set 2027-01-01T00:00:00Z     move the clock to that time
  reset                        back to real time
  --allow-backwards            permit moving the clock back (day boundaries already passed would pass again)
The file is $LOYALTY_CLOCK_FILE, or .stack/clock.json: the one the local stack's services read.
`;

/** The same file infra/lib/services.sh hands to the services. */
function clockFilePath(env: NodeJS.ProcessEnv): string {
  const explicit = env['LOYALTY_CLOCK_FILE'];
  if (explicit !== undefined && explicit !== '') return resolve(explicit);
  const stackDir = env['STACK_DIR'];
  return join(stackDir !== undefined && stackDir !== '' ? resolve(stackDir) : join(ROOT, '.stack'), 'clock.json');
}

function summary(file: string, offsetMs: number): string {
  const real = Date.now();
  return [
    `clock file  ${file}`,
    `offset      ${formatOffset(offsetMs)}  (${offsetMs} ms)`,
    `now         ${new Date(real + offsetMs).toISOString()}  (real ${new Date(real).toISOString()})`,
  ].join('\n');
}

function fail(message: string, code: number): never {
  process.stderr.write(`clock: ${message}\n`);
  process.exit(code);
}

function main(): void {
  if (process.env['NODE_ENV'] === 'production') fail('refused: NODE_ENV is production, and an adjustable clock never runs there', 78);
  const request = parseClockArgs(process.argv.slice(2));
  if ('error' in request) fail(`${request.error}\n${USAGE}`, 64);
  const { command, allowBackwards } = request;
  if (command.kind === 'help') {
    process.stdout.write(USAGE);
    return;
  }
  const file = clockFilePath(process.env);
  const read = readClockFile(file);
  const current: CurrentOffset = read.kind === 'ok' ? read.offsetMs : read.kind === 'missing' ? 0 : 'malformed';
  if (command.kind === 'show') {
    if (read.kind === 'malformed') fail(`${file} ${read.problem}; services keep their last good offset. Fix it with set or reset (with --allow-backwards)`, 1);
    process.stdout.write(`${summary(file, current as number)}\n`);
    return;
  }
  const decision = decideClock(command, current, Date.now(), allowBackwards);
  if (decision.kind === 'refused') fail(`refused: ${decision.reason}`, 1);
  writeClockFile(file, decision.offsetMs);
  process.stdout.write(`${summary(file, decision.offsetMs)}\nRunning services with LOYALTY_CLOCK_FILE=${file} follow within a second.\n`);
}

main();
