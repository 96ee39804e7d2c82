/**
 * One sample of a service's Prometheus metrics: scrapes `<baseUrl>/metrics` and returns the value
 * of the series with this name and (at least) these labels, or undefined when there is none.
 */
export async function scrapeMetric(baseUrl: string, name: string, labels: Readonly<Record<string, string>> = {}): Promise<number | undefined> {
  const response = await fetch(`${baseUrl}/metrics`, { signal: AbortSignal.timeout(10_000) });
  if (!response.ok) throw new Error(`GET ${baseUrl}/metrics answered ${response.status}`);
  const wanted = Object.entries(labels).map(([k, v]) => `${k}="${v.replace(/[\\"]/g, (c) => `\\${c}`)}"`);
  for (const line of (await response.text()).split('\n')) {
    if (line.startsWith('#')) continue;
    const space = line.lastIndexOf(' ');
    const series = line.slice(0, space);
    const brace = series.indexOf('{');
    if ((brace === -1 ? series : series.slice(0, brace)) !== name) continue;
    const own = brace === -1 ? [] : series.slice(brace + 1, -1).split(/,(?=\w+=")/);
    if (wanted.every((pair) => own.includes(pair))) return Number(line.slice(space + 1));
  }
  return undefined;
}
