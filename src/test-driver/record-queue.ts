import type { Headers } from '../api/records.ts';
/**
 * A FIFO with O(1) `shift`: the test driver's captured output per topic. An array's `shift()` copies the
 * rest of the array, so reading n captured records one by one cost O(n^2) (100k word-count lines, ~800k
 * output records, did not finish in minutes). The consumed prefix is dropped once it is half the array.
 */
export class RecordQueue<T> {
  private items: (T | undefined)[] = [];
  private head = 0;

  get length(): number {
    return this.items.length - this.head;
  }

  push(item: T): void {
    this.items.push(item);
  }

  /** Visits the queued items, oldest first, without removing them. */
  forEach(f: (item: T) => void): void {
    for (let i = this.head; i < this.items.length; i++) f(this.items[i] as T);
  }

  peek(): T | undefined {
    return this.items[this.head];
  }

  shift(): T | undefined {
    if (this.head >= this.items.length) return undefined;
    const item = this.items[this.head];
    this.items[this.head++] = undefined;
    if (this.head === this.items.length) {
      this.items = [];
      this.head = 0;
    } else if (this.head >= 1024 && this.head * 2 >= this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
    return item;
  }
}

/** A record as the driver captured it: bytes, as a sink or changelog wrote them. */
export interface RawRecord {
  topic: string;
  partition: number;
  offset: number;
  key: Uint8Array | null;
  value: Uint8Array | null;
  timestamp: number;
  headers?: Headers;
}
