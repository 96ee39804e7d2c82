// The local stack's adjustable clock as the demo uses it: the offset in the file `npm run clock`
// writes and every service started by `npm start`/`npm run up` reads (within ~200 ms). The demo's
// business times (enrolledAt, occurredAt) come from here, never from Date.now() alone: after an
// earlier `npm run demo` the stack runs days ahead, and writes dated in its past would be decided
// against a program, limits and expiry dates the services have already left behind.
import { join, resolve } from 'node:path';
import { readClockFile, writeClockFile } from '@loyalty/config';
import { type ClockCommand, decideClock } from '../clock/clock-command';
import { STACK_DIR } from './demo-settings';

export const DAY_MS = 86_400_000;

export interface StackClock {
  readonly file: string;
  /** The offset in the file now (0 when there is none). */
  readonly offsetMs: () => number;
  /** The stack's now: the real time plus the offset, ISO-8601 UTC. */
  readonly now: () => string;
  /** Moves the clock forward as `npm run clock -- advance` or `set` would; returns the new offset. */
  readonly move: (command: Extract<ClockCommand, { kind: 'advance' | 'set' }>) => number;
}

/** The same file as tools/clock/clock.ts and infra/lib/services.sh: $LOYALTY_CLOCK_FILE, or <stack>/clock.json. */
function clockFilePath(): string {
  const explicit = process.env['LOYALTY_CLOCK_FILE'];
  return explicit !== undefined && explicit !== '' ? resolve(explicit) : join(STACK_DIR, 'clock.json');
}

export function stackClock(): StackClock {
  const file = clockFilePath();
  const offsetMs = (): number => {
    const read = readClockFile(file);
    if (read.kind === 'malformed') throw new Error(`the stack's clock file ${file} ${read.problem}: fix it with \`npm run clock -- set <time> --allow-backwards\``);
    return read.kind === 'ok' ? read.offsetMs : 0;
  };
  return {
    file,
    offsetMs,
    now: () => new Date(Date.now() + offsetMs()).toISOString(),
    move: (command) => {
      // The clock tool's own decision: never backwards (day boundaries the services have passed stay passed).
      const decision = decideClock(command, offsetMs(), Date.now(), false);
      if (decision.kind === 'refused') throw new Error(`cannot move the stack's clock: ${decision.reason}`);
      writeClockFile(file, decision.offsetMs);
      return decision.offsetMs;
    },
  };
}
