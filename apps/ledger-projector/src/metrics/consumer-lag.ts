import { type LedgerConsumerObserver, type PartitionProgress } from '@loyalty/kafka';

/**
 * The consumer lag of this instance: per assigned partition, the high watermark (the offset the
 * next produced event gets) minus the next offset to apply. Positions come from what consuming
 * learns anyway (each fetched batch carries its partition's high watermark) and from a periodic
 * admin poll (`ConsumerLagPoller`), so nothing is paid per event and reading is a map walk.
 *
 * Only assigned partitions count: with several instances each reports its own partitions, so the
 * gauges add up to the group's lag instead of multiplying it, and one instance's health is not
 * judged by partitions another instance consumes.
 */
export class ConsumerLag implements LedgerConsumerObserver {
  private assigned: readonly number[] | undefined;
  private readonly highWatermarks = new Map<number, bigint>();
  private readonly nextOffsets = new Map<number, bigint>();

  partitionsAssigned(_topic: string, partitions: readonly number[]): void {
    this.assigned = [...partitions].sort((a, b) => a - b);
  }

  batchApplied(progress: PartitionProgress): void {
    this.observeHighWatermark(progress.partition, progress.highWatermark);
    this.observeNextOffset(progress.partition, progress.nextOffset);
  }

  // Both positions only grow, so the newest of several sources (a fetch, a slightly older poll) is
  // the largest: keeping the maximum makes their order irrelevant.
  observeHighWatermark(partition: number, offset: string): void {
    max(this.highWatermarks, partition, BigInt(offset));
  }

  observeNextOffset(partition: number, offset: string): void {
    max(this.nextOffsets, partition, BigInt(offset));
  }

  /** Lag per assigned partition whose positions are known; undefined until the group is joined. */
  byPartition(): ReadonlyMap<number, number> | undefined {
    if (this.assigned === undefined) return undefined;
    const lags = new Map<number, number>();
    for (const partition of this.assigned) {
      const end = this.highWatermarks.get(partition);
      const next = this.nextOffsets.get(partition);
      if (end === undefined || next === undefined) continue;
      lags.set(partition, end > next ? Number(end - next) : 0);
    }
    return lags;
  }

  /** Events still to apply on this instance's measured partitions; undefined until the group is joined. */
  total(): number | undefined {
    const lags = this.byPartition();
    if (lags === undefined) return undefined;
    let sum = 0;
    for (const lag of lags.values()) sum += lag;
    return sum;
  }
}

function max(positions: Map<number, bigint>, partition: number, offset: bigint): void {
  const known = positions.get(partition);
  if (known === undefined || offset > known) positions.set(partition, offset);
}
