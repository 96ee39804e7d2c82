import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeClockFile } from '@loyalty/config';

/**
 * The adjustable clock of a spec's services (LOYALTY_CLOCK_FILE): every service started with
 * `env` reads the same offset, so moving it moves the whole system's time, as `npm run clock`
 * does for the local stack.
 */
export class TestClock {
  readonly file: string;
  private offsetMs = 0;

  constructor() {
    this.file = join(mkdtempSync(join(tmpdir(), 'loyalty-clock-')), 'clock.json');
    writeClockFile(this.file, 0);
  }

  get env(): Record<string, string> {
    return { LOYALTY_CLOCK_FILE: this.file };
  }

  /** The services' now. */
  now(): string {
    return new Date(Date.now() + this.offsetMs).toISOString();
  }

  /** Moves the services' time to `time` (never backwards). */
  set(time: string): void {
    const offset = Date.parse(time) - Date.now();
    if (offset < this.offsetMs) throw new Error(`the test clock only moves forward (${time} is before ${this.now()})`);
    this.offsetMs = offset;
    writeClockFile(this.file, offset);
  }

  advance(ms: number): void {
    this.set(new Date(Date.now() + this.offsetMs + ms).toISOString());
  }
}
