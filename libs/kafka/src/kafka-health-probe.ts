import { type Admin, type Kafka } from 'kafkajs';

/** Answers "can we reach the cluster now?" for health checks, over one lazily connected admin client. */
export class KafkaHealthProbe {
  private admin: Admin | undefined;

  constructor(private readonly kafka: Kafka) {}

  async reachable(): Promise<boolean> {
    try {
      this.admin ??= this.kafka.admin();
      await this.admin.connect();
      const cluster = await this.admin.describeCluster();
      return cluster.brokers.length > 0;
    } catch {
      await this.close();
      return false;
    }
  }

  async close(): Promise<void> {
    const admin = this.admin;
    this.admin = undefined;
    await admin?.disconnect().catch(() => undefined);
  }
}
