import { createConnection } from 'node:net';
import { type KafkaConfig } from '@loyalty/config';
import { createKafkaClient } from '@loyalty/kafka';

/**
 * Removes every member of a consumer group, as the group coordinator does when their sessions time
 * out. For specs that kill a consumer with SIGKILL: the dead member stays in the group until its
 * session expires (kafkajs' default is 30 s), and the next instance's join waits for that. Evicting
 * the dead member shortens the wait; nothing else changes (the restarted consumer resumes from
 * the committed offsets either way).
 *
 * kafkajs has no admin call for this, so it sends LeaveGroup (v2) with each member's id to the
 * group's coordinator itself; a broker removes a dynamic member named this way (KIP-571).
 * Returns the ids of the members removed.
 */
export async function evictConsumerGroupMembers(kafka: KafkaConfig, groupId: string): Promise<string[]> {
  const admin = createKafkaClient(kafka, 'test-evict').admin();
  await admin.connect();
  let members: string[];
  try {
    const { groups } = await admin.describeGroups([groupId]);
    members = groups[0]?.members.map((m) => m.memberId) ?? [];
  } finally {
    await admin.disconnect();
  }
  if (members.length === 0) return [];
  for (let attempt = 1; ; attempt++) {
    try {
      const coordinator = await findCoordinator(kafka.KAFKA_BROKERS, groupId);
      for (const memberId of members) await leaveGroup(coordinator, groupId, memberId);
      return members;
    } catch (error) {
      if (attempt >= 10 || !(error instanceof RetriableKafkaError)) throw error;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }
}

class RetriableKafkaError extends Error {}

// Kafka error codes: https://kafka.apache.org/protocol#protocol_error_codes
const NONE = 0;
const COORDINATOR_LOAD_IN_PROGRESS = 14;
const COORDINATOR_NOT_AVAILABLE = 15;
const NOT_COORDINATOR = 16;
const UNKNOWN_MEMBER_ID = 25;
const FIND_COORDINATOR = { key: 10, version: 1 };
const LEAVE_GROUP = { key: 13, version: 2 };

interface Address {
  readonly host: string;
  readonly port: number;
}

function checked(errorCode: number, what: string, ok: readonly number[] = [NONE]): void {
  if (ok.includes(errorCode)) return;
  const retriable = [COORDINATOR_LOAD_IN_PROGRESS, COORDINATOR_NOT_AVAILABLE, NOT_COORDINATOR].includes(errorCode);
  throw new (retriable ? RetriableKafkaError : Error)(`${what} failed with Kafka error code ${errorCode}`);
}

async function findCoordinator(brokers: readonly string[], groupId: string): Promise<Address> {
  let last: unknown;
  for (const broker of brokers) {
    const separator = broker.lastIndexOf(':');
    try {
      // FindCoordinator v1: key, key_type (0 = group) => throttle_time_ms, error_code, error_message, node_id, host, port
      const response = await request({ host: broker.slice(0, separator), port: Number(broker.slice(separator + 1)) }, FIND_COORDINATOR, Buffer.concat([kafkaString(groupId), Buffer.from([0])]));
      checked(response.readInt16BE(4), 'FindCoordinator');
      let at = 6;
      const messageLength = response.readInt16BE(at);
      at += 2 + Math.max(0, messageLength) + 4; // error_message, node_id
      const hostLength = response.readInt16BE(at);
      const host = response.toString('utf8', at + 2, at + 2 + hostLength);
      return { host, port: response.readInt32BE(at + 2 + hostLength) };
    } catch (error) {
      last = error;
    }
  }
  throw last instanceof Error ? last : new Error(`no broker of ${brokers.join(',')} answered FindCoordinator`);
}

async function leaveGroup(coordinator: Address, groupId: string, memberId: string): Promise<void> {
  // LeaveGroup v2: group_id, member_id => throttle_time_ms, error_code. An unknown member is already gone.
  const response = await request(coordinator, LEAVE_GROUP, Buffer.concat([kafkaString(groupId), kafkaString(memberId)]));
  checked(response.readInt16BE(4), `LeaveGroup of ${memberId}`, [NONE, UNKNOWN_MEMBER_ID]);
}

function kafkaString(value: string): Buffer {
  const bytes = Buffer.from(value, 'utf8');
  const length = Buffer.alloc(2);
  length.writeInt16BE(bytes.length);
  return Buffer.concat([length, bytes]);
}

/** One request on a fresh connection (request header v1); resolves with the response body. */
function request(address: Address, api: { key: number; version: number }, body: Buffer): Promise<Buffer> {
  const clientId = kafkaString('loyalty-test-evict');
  const header = Buffer.alloc(8);
  header.writeInt16BE(api.key, 0);
  header.writeInt16BE(api.version, 2);
  header.writeInt32BE(1, 4); // correlation id
  const payload = Buffer.concat([header, clientId, body]);
  const size = Buffer.alloc(4);
  size.writeInt32BE(payload.length);
  return new Promise((resolve, reject) => {
    const socket = createConnection(address, () => socket.write(Buffer.concat([size, payload])));
    socket.setTimeout(10_000, () => socket.destroy(new Error(`no answer from ${address.host}:${address.port}`)));
    let received = Buffer.alloc(0);
    socket.on('data', (chunk: Buffer) => {
      received = Buffer.concat([received, chunk]);
      if (received.length >= 4 && received.length >= 4 + received.readInt32BE(0)) {
        socket.end();
        resolve(received.subarray(8, 4 + received.readInt32BE(0))); // after size and correlation id
      }
    });
    socket.on('error', reject);
    socket.on('close', () => reject(new Error(`connection to ${address.host}:${address.port} closed before the answer`)));
  });
}
