/**
 * Kafka's ConsumerProtocol (the classic group's 'consumer' protocol type) as bytes: the subscription a member sends
 * with JoinGroup and the assignment the leader hands out with SyncGroup, version 0 layout (version, topics or
 * topic partitions, opaque user data), so Kafka's tools (kafka-consumer-groups.sh) can describe our groups.
 * Also Kafka's RangeAssignor for plain consumer groups.
 */
import { LogStoreError } from '../log-client/errors.ts';
import type { TopicPartition } from '../log-client/types.ts';

export interface ConsumerSubscription {
  topics: string[];
  userData: Buffer | null;
}

export interface ConsumerAssignment {
  partitions: TopicPartition[];
  userData: Buffer | null;
}

/** Appends big-endian fields to a list of chunks (joined once at the end). */
export class Out {
  private readonly parts: Buffer[] = [];
  int16(n: number): this { const b = Buffer.alloc(2); b.writeInt16BE(n); this.parts.push(b); return this; }
  int32(n: number): this { const b = Buffer.alloc(4); b.writeInt32BE(n); this.parts.push(b); return this; }
  int64(n: number): this { const b = Buffer.alloc(8); b.writeBigInt64BE(BigInt(n)); this.parts.push(b); return this; }
  string(s: string): this { const v = Buffer.from(s, 'utf8'); this.int16(v.length); this.parts.push(v); return this; }
  nullableString(s: string | null): this { return s === null ? this.int16(-1) : this.string(s); }
  strings(list: readonly string[]): this { this.int32(list.length); for (const s of list) this.string(s); return this; }
  bytes(b: Buffer | null): this { if (b === null) return this.int32(-1); this.int32(b.length); this.parts.push(b); return this; }
  done(): Buffer { return Buffer.concat(this.parts); }
}

/** Reads big-endian fields; a short buffer is an error naming `what` (a member's subscription, an assignment). */
export class In {
  private pos = 0;
  constructor(private readonly b: Buffer, private readonly what: string) {}
  private need(n: number): void {
    if (this.pos + n > this.b.length) {
      throw new LogStoreError('GROUP', `${this.what} is truncated (${this.b.length} bytes, needed ${this.pos + n}): the member runs an incompatible client; run the same Tributary version on every instance of the group`);
    }
  }
  int16(): number { this.need(2); const v = this.b.readInt16BE(this.pos); this.pos += 2; return v; }
  int32(): number { this.need(4); const v = this.b.readInt32BE(this.pos); this.pos += 4; return v; }
  int64(): number { this.need(8); const v = this.b.readBigInt64BE(this.pos); this.pos += 8; return Number(v); }
  string(): string { const s = this.nullableString(); if (s === null) throw new LogStoreError('GROUP', `${this.what}: a null string where a string is required`); return s; }
  nullableString(): string | null {
    const n = this.int16();
    if (n < 0) return null;
    this.need(n);
    const s = this.b.toString('utf8', this.pos, this.pos + n);
    this.pos += n;
    return s;
  }
  strings(): string[] { const n = this.int32(); const out: string[] = []; for (let i = 0; i < n; i++) out.push(this.string()); return out; }
  bytes(): Buffer | null {
    const n = this.int32();
    if (n < 0) return null;
    this.need(n);
    const v = this.b.subarray(this.pos, this.pos + n);
    this.pos += n;
    return v;
  }
  get remaining(): number { return this.b.length - this.pos; }
}

/** ConsumerProtocolSubscription v0: version, topics, user data. */
export function encodeSubscription(s: ConsumerSubscription): Buffer {
  return new Out().int16(0).strings(s.topics).bytes(s.userData).done();
}

export function decodeSubscription(b: Buffer | null, memberId: string): ConsumerSubscription {
  if (!b || b.length === 0) return { topics: [], userData: null };
  const r = new In(b, `the subscription of member ${memberId}`);
  r.int16(); // later versions only append fields (owned partitions, generation, rack): v0's prefix reads all of them
  const topics = r.strings();
  const userData = r.remaining >= 4 ? r.bytes() : null;
  return { topics, userData };
}

/** ConsumerProtocolAssignment v0: version, [topic, [partition]], user data. */
export function encodeAssignment(a: ConsumerAssignment): Buffer {
  const byTopic = new Map<string, number[]>();
  for (const tp of a.partitions) (byTopic.get(tp.topic) ?? byTopic.set(tp.topic, []).get(tp.topic)!).push(tp.partition);
  const out = new Out().int16(0).int32(byTopic.size);
  for (const [t, ps] of byTopic) {
    out.string(t).int32(ps.length);
    for (const p of ps) out.int32(p);
  }
  return out.bytes(a.userData).done();
}

export function decodeAssignment(b: Buffer | null): ConsumerAssignment {
  if (!b || b.length === 0) return { partitions: [], userData: null };
  const r = new In(b, 'the assignment from the group leader');
  r.int16();
  const partitions: TopicPartition[] = [];
  const n = r.int32();
  for (let i = 0; i < n; i++) {
    const topic = r.string();
    const m = r.int32();
    for (let j = 0; j < m; j++) partitions.push({ topic, partition: r.int32() });
  }
  const userData = r.remaining >= 4 ? r.bytes() : null;
  return { partitions, userData };
}

/**
 * Kafka's RangeAssignor: per topic, the members subscribed to it sorted by member id, partitions split in
 * contiguous ranges, the first (partitions % members) members one more. Partition n of topics with equal partition
 * counts and equal subscribers lands on the same member (co-partitioned joins keep working).
 */
export function rangeAssign(members: Array<{ memberId: string; topics: string[] }>, partitionCount: (topic: string) => number): Map<string, TopicPartition[]> {
  const out = new Map<string, TopicPartition[]>(members.map((m) => [m.memberId, []]));
  const topics = [...new Set(members.flatMap((m) => m.topics))].sort();
  for (const topic of topics) {
    const subs = members.filter((m) => m.topics.includes(topic)).map((m) => m.memberId).sort();
    const n = partitionCount(topic);
    const per = Math.floor(n / subs.length);
    const extra = n % subs.length;
    subs.forEach((id, i) => {
      const start = per * i + Math.min(i, extra);
      const len = per + (i < extra ? 1 : 0);
      for (let p = start; p < start + len; p++) out.get(id)!.push({ topic, partition: p });
    });
  }
  return out;
}
