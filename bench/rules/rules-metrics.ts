// What a rules process decided, as it tells Prometheus (GET /metrics, unauthenticated): decisions
// published by the outbox relay, by kind and type. Read over HTTP, since the process is not ours to
// instrument.

export interface RulesDecisions {
  /** Published events by type (TierChanged, PointsExpiringSoon, TierDowngradeRisk). */
  readonly events: ReadonlyMap<string, number>;
  /** Published commands by type (activate-points, expire-points, grant-offer). */
  readonly commands: ReadonlyMap<string, number>;
}

const DECISION = /^loyalty_rules_decisions_total\{([^}]*)\}\s+([0-9.e+]+)$/;

export async function readDecisions(port: number): Promise<RulesDecisions> {
  const response = await fetch(`http://127.0.0.1:${port}/metrics`, { signal: AbortSignal.timeout(10_000) });
  const text = await response.text();
  if (!response.ok) throw new Error(`GET /metrics answered ${response.status}`);
  const events = new Map<string, number>();
  const commands = new Map<string, number>();
  for (const line of text.split('\n')) {
    const match = DECISION.exec(line.trim());
    if (match === null) continue;
    const labels = Object.fromEntries([...(match[1] ?? '').matchAll(/(\w+)="([^"]*)"/g)].map((m) => [m[1], m[2]]));
    const into = labels['kind'] === 'command' ? commands : events;
    into.set(labels['type'] ?? '?', Number(match[2]));
  }
  return { events, commands };
}

export const countOf = (counts: ReadonlyMap<string, number>, type: string): number => counts.get(type) ?? 0;

/** `3 TierChanged, 1 TierDowngradeRisk`, biggest first; `none` when empty. */
export function describeCounts(counts: ReadonlyMap<string, number>): string {
  const parts = [...counts].filter(([, n]) => n > 0).sort((a, b) => b[1] - a[1]).map(([type, n]) => `${Math.round(n).toLocaleString('en-US')} ${type}`);
  return parts.length === 0 ? 'none' : parts.join(', ');
}
