import { type Admin, AssignerProtocol } from 'kafkajs';

/** One member of a consumer group and the partitions of a topic it holds. */
export interface AssignedMember {
  /** The client id the member's process gave kafkajs. */
  readonly clientId: string;
  readonly memberId: string;
  /** Sorted. */
  readonly partitions: readonly number[];
}

export interface GroupAssignment {
  /** `Stable` once a rebalance is over; `PreparingRebalance` or `CompletingRebalance` during one; `Empty` without members. */
  readonly state: string;
  /** Sorted by client id. */
  readonly members: readonly AssignedMember[];
}

/**
 * Which member of a consumer group holds which partitions of `topic`, as the group's coordinator
 * says (DescribeGroups): for specs that check partitions really moved between processes in a
 * rebalance, telling the processes apart by the client id each was given. `admin` is connected
 * (`createKafkaClient(kafka, …).admin()`), so a spec can ask often while a rebalance runs.
 */
export async function consumerGroupAssignment(admin: Admin, groupId: string, topic: string): Promise<GroupAssignment> {
  const { groups } = await admin.describeGroups([groupId]);
  const group = groups[0];
  if (group === undefined) return { state: 'Dead', members: [] };
  const members = group.members.map((m) => ({
    clientId: m.clientId,
    memberId: m.memberId,
    partitions: [...(AssignerProtocol.MemberAssignment.decode(m.memberAssignment)?.assignment[topic] ?? [])].sort((a, b) => a - b),
  }));
  return { state: group.state, members: members.sort((a, b) => (a.clientId < b.clientId ? -1 : a.clientId > b.clientId ? 1 : 0)) };
}
