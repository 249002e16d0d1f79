/**
 * Kafka's PartitionGroup: a task's buffered input, one queue per input partition, and the record choice both the
 * stream thread and the test driver use: the next record is the head with the lowest timestamp across the queues
 * (the queue created first wins a tie), so a task sees its partitions merged in timestamp order where it can.
 */
export class PartitionQueue<R, T> {
  private records: R[] = [];
  private head = 0;

  /** @param tag what the owner keeps with the partition (the stream thread: its position). */
  constructor(readonly tag: T) {}

  push(r: R): void {
    this.records.push(r);
  }

  get size(): number {
    return this.records.length - this.head;
  }

  peek(): R | undefined {
    return this.head < this.records.length ? this.records[this.head] : undefined;
  }

  shift(): R | undefined {
    if (this.head >= this.records.length) return undefined;
    const r = this.records[this.head++];
    if (this.head === this.records.length) {
      this.records.length = 0;
      this.head = 0;
    }
    return r;
  }
}

export class PartitionGroup<R extends { timestamp: number }, T = undefined> {
  private readonly queues: PartitionQueue<R, T>[] = [];
  private readonly byKey = new Map<string, PartitionQueue<R, T>>();

  /** The queue of a partition (by key, e.g. `topic-partition`), created with `tag` on first use. */
  queue(key: string, tag: T): PartitionQueue<R, T> {
    let q = this.byKey.get(key);
    if (!q) {
      q = new PartitionQueue<R, T>(tag);
      this.byKey.set(key, q);
      this.queues.push(q);
    }
    return q;
  }

  /** The queue of a partition, if it was created. */
  get(key: string): PartitionQueue<R, T> | undefined {
    return this.byKey.get(key);
  }

  /** The queue whose head record comes next (lowest timestamp), or undefined when every queue is empty. */
  nextQueue(): PartitionQueue<R, T> | undefined {
    let best: PartitionQueue<R, T> | undefined;
    let bestTs = 0;
    for (const q of this.queues) {
      const head = q.peek();
      if (head !== undefined && (best === undefined || head.timestamp < bestTs)) {
        best = q;
        bestTs = head.timestamp;
      }
    }
    return best;
  }

  /** The next record (lowest head timestamp), removed from its queue. */
  nextRecord(): R | undefined {
    return this.nextQueue()?.shift();
  }
}
