import { statSync } from 'node:fs';
import { type Clock } from './clock';
import { readClockFile } from './clock-file';

export interface AdjustableClockOptions {
  /** The file is looked at no more often than this (default 200 ms): `now()` runs on hot paths. */
  readonly checkEveryMs?: number;
  /** Where a malformed file is reported (default: stderr, i.e. the service's log). */
  readonly report?: (message: string) => void;
  /** The real clock underneath, in epoch milliseconds (default `Date.now`). */
  readonly realNow?: () => number;
}

export interface AdjustableClock extends Clock {
  /** The offset in force, as of the last look at the file. */
  readonly offsetMs: () => number;
}

/**
 * A clock running `offsetMs` ahead of the real one, the offset read from a JSON file
 * (`{"offsetMs": 2592000000}`) that `npm run clock` writes. The file is re-read when it changes,
 * so running services follow without a restart. A missing file means offset 0; a malformed one
 * keeps the last good offset and is reported once. Never for production: see `clockFromEnv`.
 *
 * @example
 * const clock = adjustableClock('.stack/clock.json');
 * clock.now(); // '2026-12-22T10:00:00.000Z' with a 30-day offset on 2026-11-22
 */
export function adjustableClock(file: string, options: AdjustableClockOptions = {}): AdjustableClock {
  const checkEveryMs = options.checkEveryMs ?? 200;
  const report = options.report ?? ((message: string) => process.stderr.write(`${message}\n`));
  const realNow = options.realNow ?? Date.now;
  let offset = 0;
  let seenVersion: string | undefined;
  let reported = false;
  let checkedAt = Number.NEGATIVE_INFINITY;

  const refresh = (): void => {
    const version = versionOf(file);
    // A stat is cheap; reading and parsing only when the file really changed keeps `now()` cheap.
    if (version === seenVersion) return;
    seenVersion = version;
    const read = readClockFile(file);
    if (read.kind === 'malformed') {
      if (!reported) report(`clock: ${file} ${read.problem}; keeping the offset ${offset} ms`);
      reported = true;
      return;
    }
    offset = read.kind === 'ok' ? read.offsetMs : 0;
    reported = false;
  };

  const check = (at: number): void => {
    // `at < checkedAt`: the real clock stepped back (NTP); look again rather than wait.
    if (at - checkedAt < checkEveryMs && at >= checkedAt) return;
    checkedAt = at;
    refresh();
  };

  return {
    now: () => {
      const at = realNow();
      check(at);
      return new Date(at + offset).toISOString();
    },
    offsetMs: () => {
      check(realNow());
      return offset;
    },
  };
}

/**
 * Identifies one version of the file. `npm run clock` renames a new file into place, so the inode
 * changes on every write; size and nanosecond mtime catch editors that write in place.
 */
function versionOf(file: string): string {
  try {
    const stat = statSync(file, { bigint: true, throwIfNoEntry: false });
    return stat === undefined ? 'missing' : `${stat.ino}:${stat.size}:${stat.mtimeNs}`;
  } catch (error) {
    // Unreadable (e.g. a permission problem): let the read report it, once.
    return `error:${(error as NodeJS.ErrnoException).code ?? 'unknown'}`;
  }
}
