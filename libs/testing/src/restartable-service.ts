import { type CrashableService, startCrashableService } from './crashable-service';
import { type RunningService } from './service-process';

/**
 * A service process a spec kills with SIGKILL and starts again on the same environment (port,
 * consumer group, database, clock), as an orchestrator restarts a crashed container. `afterCrash`
 * runs between the two, e.g. to evict the dead process from its consumer group.
 */
export class RestartableService implements RunningService {
  private current: CrashableService | undefined;
  private crashes = 0;
  private earlier = '';
  private readonly failures: string[] = [];

  constructor(
    private readonly name: string,
    private readonly env: Readonly<Record<string, string>>,
    private readonly port: number,
    private readonly afterCrash: () => Promise<unknown> = () => Promise.resolve(),
  ) {}

  get baseUrl(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** Times the process was killed so far. */
  get crashCount(): number {
    return this.crashes;
  }

  /**
   * Starts a process; one that exits before it is ready (a dependency answered an error it gives
   * up on) is started again, as an orchestrator would, and its output kept in `startFailures`.
   */
  async start(): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      try {
        this.current = await startCrashableService(this.name, this.env, this.port);
        return;
      } catch (error) {
        this.failures.push((error as Error).message.slice(0, 4_000));
        if (attempt >= 3) throw error;
      }
    }
  }

  /** Why earlier starts failed (empty when every process came up at once). */
  get startFailures(): readonly string[] {
    return this.failures;
  }

  /** `kill -9`, then (after `whileDown`, if given) a new process once the dead one is gone. */
  async crashAndRestart(whileDown: () => Promise<unknown> = () => Promise.resolve()): Promise<void> {
    await this.current?.crash();
    this.crashes += 1;
    this.earlier = `${this.earlier}${this.current?.output() ?? ''}\n--- killed (${this.crashes}) ---\n`.slice(-50_000);
    await whileDown();
    await this.afterCrash();
    await this.start();
  }

  /** What the processes wrote, the killed ones' included. */
  output(): string {
    return `${this.earlier}${this.current?.output() ?? ''}`;
  }

  async stop(): Promise<void> {
    await this.current?.stop();
  }
}
