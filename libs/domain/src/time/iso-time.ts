const DAY_MS = 86_400_000;

/** ISO-8601 UTC with milliseconds, the one time format of events (e.g. 2026-11-22T10:00:00.000Z). */
export type IsoTime = string;

/** Adds whole days to an ISO time. Pure: the time is an argument, never the clock. */
export function addDays(time: IsoTime, days: number): IsoTime {
  return new Date(Date.parse(time) + days * DAY_MS).toISOString();
}

/** Normalises any ISO-8601 timestamp with an offset to UTC with milliseconds. */
export function toUtcIso(time: string): IsoTime {
  const ms = Date.parse(time);
  if (Number.isNaN(ms)) throw new RangeError(`not an ISO-8601 time: ${time}`);
  return new Date(ms).toISOString();
}
