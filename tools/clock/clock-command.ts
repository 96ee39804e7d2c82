import { z } from 'zod';
import { clockFileSchema } from '@loyalty/config';

const UNIT_MS = { d: 86_400_000, h: 3_600_000, m: 60_000, s: 1_000 } as const;
const DURATION = /^([+-]?)(\d+)([dhms])$/;
const isoTime = z.iso.datetime({ offset: true });

export type ClockCommand =
  | { readonly kind: 'show' }
  | { readonly kind: 'help' }
  | { readonly kind: 'advance'; readonly byMs: number }
  | { readonly kind: 'set'; readonly atMs: number }
  | { readonly kind: 'reset' };

export interface ClockRequest {
  readonly command: ClockCommand;
  readonly allowBackwards: boolean;
}

/** The offset in the file now: a number, or `malformed` when the file cannot be trusted. */
export type CurrentOffset = number | 'malformed';

export type ClockDecision = { readonly kind: 'write'; readonly offsetMs: number } | { readonly kind: 'refused'; readonly reason: string };

/** `npm run clock -- <args>` into a request; `{ error }` for anything it does not understand. */
export function parseClockArgs(args: readonly string[]): ClockRequest | { readonly error: string } {
  const allowBackwards = args.includes('--allow-backwards');
  const rest = args.filter((a) => a !== '--allow-backwards');
  if (rest.some((a) => a === '-h' || a === '--help' || a === 'help')) return { command: { kind: 'help' }, allowBackwards };
  // "-1d" is a duration, not an option.
  const unknown = rest.find((a) => a.startsWith('-') && !DURATION.test(a));
  if (unknown !== undefined) return { error: `unknown option ${unknown}` };
  const [name = 'show', ...operands] = rest;
  const arity = (n: number) => (operands.length === n ? null : `${name} takes ${n === 0 ? 'no argument' : 'one argument'}`);
  switch (name) {
    case 'show':
    case 'reset': {
      const problem = arity(0);
      return problem === null ? { command: { kind: name }, allowBackwards } : { error: problem };
    }
    case 'advance': {
      const match = operands.length === 1 ? DURATION.exec(operands[0] ?? '') : null;
      if (match === null) return { error: 'advance takes one duration: <n><d|h|m|s>, e.g. 30d, 12h, -1d' };
      const [, sign, amount, unit] = match as unknown as [string, string, string, keyof typeof UNIT_MS];
      return { command: { kind: 'advance', byMs: (sign === '-' ? -1 : 1) * Number(amount) * UNIT_MS[unit] }, allowBackwards };
    }
    case 'set': {
      const at = operands[0];
      if (operands.length !== 1 || at === undefined || !isoTime.safeParse(at).success) return { error: 'set takes one ISO-8601 time with a zone, e.g. 2027-01-01T00:00:00Z' };
      return { command: { kind: 'set', atMs: Date.parse(at) }, allowBackwards };
    }
    default:
      return { error: `unknown command ${name}` };
  }
}

/**
 * The offset a changing command leads to, or why it is refused. Moving back is refused unless
 * allowed: services have already acted on the day boundaries in between (activations, expiries,
 * warnings) and would meet them again.
 */
export function decideClock(command: Extract<ClockCommand, { kind: 'advance' | 'set' | 'reset' }>, current: CurrentOffset, realNowMs: number, allowBackwards: boolean): ClockDecision {
  if (current === 'malformed' && command.kind === 'advance') return { kind: 'refused', reason: 'the clock file is malformed, so there is nothing to advance from: use set or reset (with --allow-backwards)' };
  const next = command.kind === 'advance' ? (current as number) + command.byMs : command.kind === 'set' ? command.atMs - realNowMs : 0;
  if (!clockFileSchema.safeParse({ offsetMs: next }).success) return { kind: 'refused', reason: `an offset of ${formatOffset(next)} is beyond what the clock accepts (a century either way)` };
  if (!allowBackwards) {
    if (current === 'malformed') return { kind: 'refused', reason: 'the clock file is malformed, so whether this moves the clock back is unknown: add --allow-backwards to overwrite it' };
    if (next < current) return { kind: 'refused', reason: `this moves the clock back by ${formatOffset(current - next).slice(1)}; day boundaries already passed would pass again. Add --allow-backwards to do it anyway` };
  }
  return { kind: 'write', offsetMs: next };
}

/** `+30d`, `-1d 2h`, `+1m 0.5s`, `0`: an offset as a person reads it. */
export function formatOffset(ms: number): string {
  if (ms === 0) return '0';
  let rest = Math.abs(ms);
  const parts: string[] = [];
  for (const [unit, size] of Object.entries(UNIT_MS).slice(0, 3)) {
    const n = Math.floor(rest / size);
    rest -= n * size;
    if (n > 0) parts.push(`${n}${unit}`);
  }
  if (rest > 0) parts.push(`${rest / 1_000}s`);
  return `${ms < 0 ? '-' : '+'}${parts.join(' ')}`;
}
