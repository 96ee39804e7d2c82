// The benchmark may only load this machine: the brokers it writes to, and the database it writes
// to, must be loopback addresses.

const LOOPBACK = /^(127(\.\d{1,3}){3}|localhost|\[::1\]|::1)$/;

/** Refuses a host off the loopback interface; `what` names it in the error. */
export function assertLoopbackHost(host: string, what: string): void {
  if (!LOOPBACK.test(host)) throw new Error(`refusing to benchmark ${what}: only loopback addresses are allowed`);
}

/** Parses KAFKA_BROKERS (host:port,...) and refuses any broker off the loopback interface. */
export function loopbackBrokers(list: string | undefined): string[] {
  const brokers = (list ?? '').split(',').map((b) => b.trim()).filter((b) => b.length > 0);
  if (brokers.length === 0) throw new Error('KAFKA_BROKERS is not set in .stack/stack.env: is the stack up?');
  for (const broker of brokers) assertLoopbackHost(broker.slice(0, broker.lastIndexOf(':')), `broker ${broker}`);
  return brokers;
}
