/** The calendar parts of a moment in a time zone. */
function localParts(time: string, timeZone: string): { year: string; month: string; day: string } {
  const parts = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).formatToParts(new Date(Date.parse(time)));
  const get = (type: string) => parts.find((p) => p.type === type)?.value ?? '';
  return { year: get('year'), month: get('month'), day: get('day') };
}

/**
 * The limit period a moment falls in, in the tenant's time zone: `2026-11-22` (day), `2026-W47`
 * (ISO week), `2026-11` (month), `2026` (year). Pure: the time is an argument.
 */
export function periodKey(time: string, timeZone: string, period: 'day' | 'week' | 'month' | 'year'): string {
  const { year, month, day } = localParts(time, timeZone);
  switch (period) {
    case 'day':
      return `${year}-${month}-${day}`;
    case 'month':
      return `${year}-${month}`;
    case 'year':
      return year;
    case 'week': {
      // ISO 8601 week of the local calendar date: the week with the year's first Thursday is week 1.
      const date = new Date(Date.UTC(Number(year), Number(month) - 1, Number(day)));
      const weekday = date.getUTCDay() === 0 ? 7 : date.getUTCDay();
      date.setUTCDate(date.getUTCDate() + 4 - weekday);
      const weekYear = date.getUTCFullYear();
      const week = Math.ceil(((date.getTime() - Date.UTC(weekYear, 0, 1)) / 86_400_000 + 1) / 7);
      return `${weekYear}-W${String(week).padStart(2, '0')}`;
    }
    default: {
      const unreachable: never = period;
      throw new Error(`unknown period ${String(unreachable)}`);
    }
  }
}
