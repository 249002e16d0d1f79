/**
 * The batching behind producer.sendFrom, as rxjs marble diagrams (TestScheduler, virtual time): a batch goes out
 * lingerMs after its first record or when it is full; the records buffered at completion or at an error go out
 * before it; unsubscribing cancels the linger timer.
 */
import { TestScheduler } from 'rxjs/testing';
import { describe, expect, it } from 'vitest';
import { batchFor } from '../../src/log-client/batch.ts';

const scheduler = () => new TestScheduler((actual, expected) => expect(actual).toEqual(expected));

describe('batchFor (sendFrom batching)', () => {
  it('a batch goes out lingerMs after its first record; the rest at completion, before it', () => {
    scheduler().run(({ cold, expectObservable }) => {
      const source = cold('abc 9ms de|');
      expectObservable(source.pipe(batchFor(5, 100))).toBe('5ms x 8ms (y|)', { x: ['a', 'b', 'c'], y: ['d', 'e'] });
    });
  });

  it('a full batch goes out at once, without waiting for the linger', () => {
    scheduler().run(({ cold, expectObservable }) => {
      expectObservable(cold('abcde|').pipe(batchFor(100, 2))).toBe('-x-y-(z|)', { x: ['a', 'b'], y: ['c', 'd'], z: ['e'] });
    });
  });

  it('records before an error are emitted before the error (nothing that came before is lost)', () => {
    scheduler().run(({ cold, expectObservable }) => {
      expectObservable(cold('ab 3ms #', undefined, new Error('boom')).pipe(batchFor(10, 100)))
        .toBe('5ms (x#)', { x: ['a', 'b'] }, new Error('boom'));
    });
  });

  it('lingerMs 0 still gathers the records emitted in the same instant', () => {
    scheduler().run(({ cold, expectObservable }) => {
      expectObservable(cold('(abc)--d|').pipe(batchFor(0, 100))).toBe('x------y|', { x: ['a', 'b', 'c'], y: ['d'] }); // a group of 3 takes 5 frames
    });
  });

  it('an empty source completes without a batch; unsubscribing cancels a pending linger', () => {
    scheduler().run(({ cold, expectObservable }) => {
      expectObservable(cold('---|').pipe(batchFor(5, 10))).toBe('---|');
      expectObservable(cold('a------').pipe(batchFor(5, 10)), '^--!').toBe('---');
    });
  });

  it('refuses a negative linger or an empty batch size', () => {
    expect(() => batchFor(-1, 10)).toThrow(/lingerMs/);
    expect(() => batchFor(5, 0)).toThrow(/batch size/);
  });
});
