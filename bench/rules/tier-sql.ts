// The tier the bench program's ladder gives a number of qualifying points, as SQL: the seed sets
// the daily run's members' tiers with it, and the tier evaluation's check compares with it.
import { BENCH_PROGRAM } from './bench-program';

const slug = (id: string) => id.replace(/[^a-z0-9-]/g, '');

/** `case when <column> >= 5000 then 'gold' … else 'bronze' end`, thresholds highest first. */
export function supportedTierSql(column: string): string {
  const levels = [...BENCH_PROGRAM.tiers.levels].sort((a, b) => b.threshold - a.threshold);
  const whens = levels.slice(0, -1).map((l) => `when ${column} >= ${Math.trunc(l.threshold)} then '${slug(l.id)}'`);
  return `case ${whens.join(' ')} else '${slug(levels.at(-1)?.id ?? '')}' end`;
}
