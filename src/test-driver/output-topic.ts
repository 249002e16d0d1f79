/** TestOutputTopic: reads what the topology wrote to a topic, deserialized (API.md section 4). Reads are synchronous. */
import type { Observable } from 'rxjs';
import { rxjs } from '../log-client/rx.ts';
import type { KeyValue, StreamRecord } from '../api/records.ts';
import type { Serde } from '../api/serde.ts';
import type { RawRecord, RecordQueue } from './record-queue.ts';

export class TestOutputTopic<K, V> {
  /** @internal created by TopologyTestDriver.createInputTopic / createOutputTopic. */
  constructor(
    private readonly queue: () => RecordQueue<RawRecord>,
    /** Calls `tap` with each record captured from now on and `done` at driver.close(); returns the unsubscribe. */
    private readonly tapOutput: (tap: { record(r: RawRecord): void; done(): void }) => () => void,
    readonly topic: string,
    private readonly keySerde: Serde<K>,
    private readonly valueSerde: Serde<V>,
  ) {}

  private take(): RawRecord {
    const r = this.queue().shift();
    if (!r) throw new Error(`Empty topic: ${this.topic} has no record to read.`);
    return r;
  }

  readRecord(): StreamRecord<K, V> {
    return this.decode(this.take());
  }

  private decode(r: RawRecord): StreamRecord<K, V> {
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

  /**
   * An rxjs Observable of this topic's records (API.md section 9): the records queued now, then each record later
   * pipes produce, as they are produced; it completes at driver.close(). It does not consume: the read methods
   * still return the same records. Each subscription starts over from the records queued at that time.
   */
  observe(): Observable<StreamRecord<K, V>> {
    return new (rxjs().Observable)<StreamRecord<K, V>>((sub) => {
      const emit = (r: RawRecord) => {
        try {
          sub.next(this.decode(r));
        } catch (e) {
          sub.error(e);
        }
      };
      this.queue().forEach(emit);
      return this.tapOutput({ record: emit, done: () => sub.complete() });
    });
  }

  isEmpty(): boolean {
    return this.queue().length === 0;
  }

  getQueueSize(): number {
    return this.queue().length;
  }
}
