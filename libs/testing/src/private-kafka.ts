import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import { freePort } from './service-process';

const ROOT = join(__dirname, '..', '..', '..');
const KAFKA_VERSION = '3.9.2';

/**
 * A Kafka broker of a spec's own, which the spec may stop and start again, to play Kafka going down
 * and coming back without touching the shared broker. It runs the same Maven Central jars as the
 * local stack (so it needs the local stack's Kafka installed: `infra/bin/stack up` does it).
 */
export class PrivateKafka {
  private process: ChildProcess | undefined;

  private constructor(
    readonly brokers: string,
    private readonly properties: string,
    private readonly libs: string,
    private readonly logDir: string,
  ) {}

  /** Fetches the broker's jars if the local stack has not (e.g. when the specs run on testcontainers). */
  private static ensureJars(): void {
    if (!existsSync(PrivateKafka.libsDir())) execFileSync(join(ROOT, 'infra', 'bin', 'stack'), ['fetch-kafka'], { stdio: 'ignore', timeout: 300_000 });
  }

  private static libsDir(): string {
    return join(process.env['STACK_DIR'] ?? join(ROOT, '.stack'), 'kafka', `libs-${KAFKA_VERSION}`);
  }

  static async create(): Promise<PrivateKafka> {
    PrivateKafka.ensureJars();
    const dir = mkdtempSync(join(tmpdir(), 'private-kafka-'));
    const [port, controller] = [await freePort(), await freePort()];
    const properties = join(dir, 'server.properties');
    writeFileSync(
      properties,
      [
        'process.roles=broker,controller',
        'node.id=1',
        `controller.quorum.voters=1@127.0.0.1:${controller}`,
        `listeners=PLAINTEXT://127.0.0.1:${port},CONTROLLER://127.0.0.1:${controller}`,
        `advertised.listeners=PLAINTEXT://127.0.0.1:${port}`,
        'listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT',
        'controller.listener.names=CONTROLLER',
        `log.dirs=${join(dir, 'data')}`,
        'num.partitions=3',
        'offsets.topic.replication.factor=1',
        'transaction.state.log.replication.factor=1',
        'transaction.state.log.min.isr=1',
        'group.initial.rebalance.delay.ms=0',
        'auto.create.topics.enable=false',
      ].join('\n'),
    );
    const kafka = new PrivateKafka(`127.0.0.1:${port}`, properties, PrivateKafka.libsDir(), dir);
    execFileSync('java', [...kafka.jvm(), 'kafka.tools.StorageTool', 'format', '-t', 'cHJpdmF0ZS1rYWZrYS0x', '-c', properties, '--ignore-formatted'], { stdio: 'ignore' });
    await kafka.start();
    return kafka;
  }

  private jvm(): string[] {
    return ['-Xmx256m', `-Dkafka.logs.dir=${this.logDir}`, '-Dlog4j.configuration=file:' + join(ROOT, 'infra', 'kafka', 'log4j.properties'), '-cp', `${this.libs}/*`];
  }

  /** Starts the broker and resolves once it answers a metadata request. */
  async start(): Promise<void> {
    this.process = spawn('java', [...this.jvm(), 'kafka.Kafka', this.properties], { stdio: 'ignore' });
    const client = new Kafka({ brokers: [this.brokers], logLevel: logLevel.NOTHING, connectionTimeout: 1_000, retry: { retries: 0 } }).admin();
    const deadline = Date.now() + 60_000;
    for (;;) {
      try {
        await client.connect();
        await client.describeCluster();
        await client.disconnect();
        return;
      } catch {
        await client.disconnect().catch(() => undefined);
        if (Date.now() > deadline) throw new Error('private kafka did not start in 60 s');
        await new Promise((resolve) => setTimeout(resolve, 250));
      }
    }
  }

  /** Stops the broker (SIGTERM, a clean shutdown) and resolves once it has exited. */
  async stop(): Promise<void> {
    const child = this.process;
    this.process = undefined;
    if (child === undefined || child.exitCode !== null) return;
    await new Promise<void>((resolve) => {
      child.once('exit', () => resolve());
      child.kill('SIGTERM');
    });
  }
}
