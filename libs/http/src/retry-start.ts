import { type Logger } from '@nestjs/common';

/**
 * Runs a start-up step that talks to Kafka again, with backoff, when it fails: a broker that
 * answers "does not host this topic-partition" a moment after start (metadata still settling) is
 * no reason to exit. Gives up after `attempts`, and the service exits as before.
 */
export async function retryStart<T>(what: string, step: () => Promise<T>, logger: Logger, attempts = 6): Promise<T> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await step();
    } catch (error) {
      if (attempt >= attempts) throw error;
      const delayMs = Math.min(8_000, 250 * 2 ** attempt);
      logger.warn(`${what} failed (attempt ${attempt} of ${attempts}), retrying in ${delayMs} ms: ${(error as Error).message}`);
      await new Promise((resolve) => setTimeout(resolve, delayMs));
    }
  }
}
