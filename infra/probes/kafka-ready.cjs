// Readiness probe for the local broker: succeeds only when the broker answers a metadata
// request and reports a controller, i.e. it can take produce and admin calls.
// Usage: node infra/probes/kafka-ready.cjs 127.0.0.1:9092
const { Kafka, logLevel } = require('kafkajs');

const broker = process.argv[2] ?? '127.0.0.1:9092';
const kafka = new Kafka({
  clientId: 'stack-probe',
  brokers: [broker],
  logLevel: logLevel.NOTHING,
  connectionTimeout: 1000,
  requestTimeout: 2000,
  retry: { retries: 0 },
});
const admin = kafka.admin();

admin
  .connect()
  .then(() => admin.describeCluster())
  .then(async (cluster) => {
    await admin.disconnect();
    process.exit(cluster.controller === null || cluster.controller < 0 ? 1 : 0);
  })
  .catch(() => process.exit(1));
