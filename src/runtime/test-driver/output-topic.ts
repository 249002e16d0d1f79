/** TestOutputTopic: reads what the topology wrote to a topic, deserialized (API.md section 4). Reads are synchronous. */
import type { KeyValue, StreamRecord } from '../../api/records.ts';
import type { Serde } from '../../api/serde.ts';
import type { RawRecord, TopologyTestDriver } from './driver.ts';
import type { RecordQueue } from './record-queue.ts';

export class TestOutputTopic<K, V> {
  /** @internal created by TopologyTestDriver.createInputTopic / createOutputTopic. */
  constructor(
    private readonly driver: TopologyTestDriver,
    readonly topic: string,
    private readonly keySerde: Serde<K>,
    private readonly valueSerde: Serde<V>,
  ) {}

  private queue(): RecordQueue<RawRecord> {
    return this.driver.outputQueue(this.topic);
  }

  private take(): RawRecord {
    const r = this.queue().shift();
    if (!r) throw new Error(`Empty topic: ${this.topic} has no record to read.`);
    return r;
  }

  readRecord(): StreamRecord<K, V> {
    const r = this.take();
    const rec: StreamRecord<K, V> = {
      key: this.keySerde.deserialize(r.key, this.topic),
      value: this.valueSerde.deserialize(r.value, this.topic),
      timestamp: r.timestamp,
    };
    if (r.headers && Object.keys(r.headers).length) rec.headers = r.headers;
    return rec;
  }

  readKeyValue(): KeyValue<K, V> {
    const r = this.readRecord();
    return { key: r.key, value: r.value };
  }

  readValue(): V {
    return this.readRecord().value;
  }

  readRecordsToList(): StreamRecord<K, V>[] {
    const out: StreamRecord<K, V>[] = [];
    while (this.queue().length) out.push(this.readRecord());
    return out;
  }

  readKeyValuesToList(): KeyValue<K, V>[] {
    const out: KeyValue<K, V>[] = [];
    while (this.queue().length) out.push(this.readKeyValue());
    return out;
  }

  readValuesToList(): V[] {
    const out: V[] = [];
    while (this.queue().length) out.push(this.readValue());
    return out;
  }

  /** The latest value per key; keys are equal when their serialized bytes are equal (windowed keys work). */
  readKeyValuesToMap(): Map<K, V> {
    const byBytes = new Map<string, K>();
    const out = new Map<K, V>();
    while (this.queue().length) {
      const raw = this.queue().peek()!;
      const { key, value } = this.readKeyValue();
      if (raw.key === null || key === null || key === undefined) throw new Error(`readKeyValuesToMap: ${this.topic} has a record with a null key; read it with readKeyValuesToList().`);
      const id = Buffer.from(raw.key.buffer, raw.key.byteOffset, raw.key.byteLength).toString('latin1');
      const existing = byBytes.get(id);
      if (existing === undefined) byBytes.set(id, key);
      out.set(existing ?? key, value);
    }
    return out;
  }

  isEmpty(): boolean {
    return this.queue().length === 0;
  }

  getQueueSize(): number {
    return this.queue().length;
  }
}
