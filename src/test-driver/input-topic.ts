/** TestInputTopic: serializes with the topic's serdes and pipes into the driver (API.md section 4). */
import type { Headers, KeyValue, StreamRecord } from '../api/records.ts';
import type { Serde } from '../api/serde.ts';
/** Hands serialized records to the driver. */
export type PipeRaw = (topic: string, key: Uint8Array | null, value: Uint8Array | null, timestamp: number, headers: Headers | undefined) => Promise<void>;

export interface InputTopicOptions {
  /** Timestamp of the first record piped without one (default 0). */
  startTimestamp?: number;
  /** Added to the current time after each record piped without a timestamp (default 0). */
  autoAdvance?: number;
}

export class TestInputTopic<K, V> {
  private currentTime: number;
  private readonly advance: number;

  /** @internal created by TopologyTestDriver.createInputTopic / createOutputTopic. */
  constructor(
    private readonly pipe: PipeRaw,
    readonly topic: string,
    private readonly keySerde: Serde<K>,
    private readonly valueSerde: Serde<V>,
    options: InputTopicOptions = {},
  ) {
    this.currentTime = options.startTimestamp ?? 0;
    this.advance = options.autoAdvance ?? 0;
  }

  private nextTime(ts: number | undefined): number {
    if (ts !== undefined) return ts;
    const t = this.currentTime;
    this.currentTime += this.advance;
    return t;
  }

  /** Moves the topic's current time (used for records piped without a timestamp). */
  advanceTime(ms: number): void {
    this.currentTime += ms;
  }

  pipeInput(key: K, value: V, timestamp?: number, headers?: Headers): Promise<void> {
    const ts = this.nextTime(timestamp);
    const k = this.keySerde.serialize(key, this.topic);
    const v = this.valueSerde.serialize(value, this.topic);
    return this.pipe(this.topic, k, v, ts, headers);
  }

  async pipeRecordList(records: Array<Partial<StreamRecord<K, V>> & { value: V }>): Promise<void> {
    for (const r of records) await this.pipeInput(r.key as K, r.value, r.timestamp, r.headers);
  }

  async pipeKeyValueList(list: Array<KeyValue<K, V>>, startTimestamp?: number, advanceMs = 0): Promise<void> {
    let ts = startTimestamp;
    for (const kv of list) {
      await this.pipeInput(kv.key, kv.value, ts);
      if (ts !== undefined) ts += advanceMs;
    }
  }

  async pipeValueList(values: V[], startTimestamp?: number, advanceMs = 0): Promise<void> {
    let ts = startTimestamp;
    for (const v of values) {
      await this.pipeInput(null as K, v, ts);
      if (ts !== undefined) ts += advanceMs;
    }
  }
}
