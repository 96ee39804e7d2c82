// Readiness is a real probe (GET /health answering 200), never a sleep: the same rule as
// infra/lib/services.sh.

/** The status of GET <baseUrl>/health, or undefined when nothing answers within timeoutMs. */
export async function healthStatus(baseUrl: string, timeoutMs = 2_000): Promise<number | undefined> {
  try {
    const response = await fetch(`${baseUrl}/health`, { signal: AbortSignal.timeout(timeoutMs) });
    await response.arrayBuffer();
    return response.status;
  } catch {
    return undefined;
  }
}

/**
 * Polls until /health answers 200. `stillStarting` lets the caller give up early when the
 * process it launched has already exited, instead of waiting out the whole timeout.
 */
export async function waitForHealthy(baseUrl: string, timeoutMs: number, stillStarting: () => boolean = () => true): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if ((await healthStatus(baseUrl)) === 200) return;
    if (!stillStarting()) throw new Error(`${baseUrl} exited before answering /health`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`${baseUrl}/health did not answer 200 within ${Math.round(timeoutMs / 1000)} s`);
}
