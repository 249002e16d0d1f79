import { describe, expect, it } from 'vitest';
import { serdes, type KeyValueStore, type ProcessorContext } from '../../src/index.ts';
import { drive, long, pipeStrings, str } from './helpers.ts';

describe('KStream.process', () => {
  it('runs a user processor with a key-value store added by addStateStore; it may re-key and change the value type', async () => {
    const d = drive((b) => {
      b.addStateStore({ name: 'seen', type: 'keyValue', key: str, value: long });
      b.stream('in', { key: str, value: str })
        .process<string, number>(() => {
          let ctx!: ProcessorContext<string, number>;
          let store!: KeyValueStore<string, number>;
          return {
            init(c) { ctx = c; store = c.getStateStore<KeyValueStore<string, number>>('seen'); },
            process(r) {
              const n = (store.get(r.value) ?? 0) + 1;
              store.put(r.value, n);
              return ctx.forward({ key: r.value, value: n, timestamp: r.timestamp });
            },
          };
        }, { stores: ['seen'] })
        .to('out', { key: str, value: long });
    });
    await pipeStrings(d, 'in', [['1', 'x', 3], ['2', 'y', 4], ['3', 'x', 5]]);
    expect(d.createOutputTopic('out', str, long).readRecordsToList().map((r) => [r.key, r.value, r.timestamp])).toEqual([
      ['x', 1, 3], ['y', 1, 4], ['x', 2, 5],
    ]);
    expect(d.getKeyValueStore<string, number>('seen').get('x')).toBe(2);
    expect(d.createOutputTopic('dsl-test-seen-changelog', str, long).readValuesToList()).toEqual([1, 1, 2]);
    expect(d.topology.describe()).toContain('Processor: KSTREAM-PROCESSOR-0000000001 (stores: [seen])');
    await d.close();
  });

  it('awaits an async process() before the next record', async () => {
    const order: string[] = [];
    const d = drive((b) => b.stream('in', { key: str, value: str }).process(() => {
      let ctx!: ProcessorContext<string, string>;
      return {
        init(c) { ctx = c; },
        async process(r) {
          order.push(`start ${r.key}`);
          await new Promise((res) => setTimeout(res, 2));
          order.push(`end ${r.key}`);
          await ctx.forward(r);
        },
      };
    }).to('out', { key: str, value: str }));
    await pipeStrings(d, 'in', [['a', '1'], ['b', '2']]);
    expect(order).toEqual(['start a', 'end a', 'start b', 'end b']);
    expect(d.createOutputTopic('out', str, str).readKeyValuesToList()).toEqual([{ key: 'a', value: '1' }, { key: 'b', value: '2' }]);
    await d.close();
  });

  it('forwards to a named child only', async () => {
    const d = drive((b) => {
      const s = b.stream('in', { key: str, value: str }).process<string, string>(() => {
        let ctx!: ProcessorContext<string, string>;
        return {
          init(c) { ctx = c; },
          process(r) { return ctx.forward(r, r.value === 'left' ? 'go-left' : 'go-right'); },
        };
      });
      s.mapValues((v) => v, { name: 'go-left' }).to('left', { key: str, value: str });
      s.mapValues((v) => v, { name: 'go-right' }).to('right', { key: str, value: str });
    });
    await pipeStrings(d, 'in', [['1', 'left'], ['2', 'right'], ['3', 'left']]);
    expect(d.createOutputTopic('left', str, str).readKeyValuesToList().map((r) => r.key)).toEqual(['1', '3']);
    expect(d.createOutputTopic('right', str, str).readKeyValuesToList().map((r) => r.key)).toEqual(['2']);
    await d.close();
  });

  it('forward to an unknown child fails naming the children', async () => {
    const d = drive((b) => b.stream('in', { key: str, value: str }).process(() => {
      let ctx!: ProcessorContext<string, string>;
      return { init(c) { ctx = c; }, process(r) { return ctx.forward(r, 'nope'); } };
    }, { name: 'router' }).to('out', { name: 'the-sink' }));
    await expect(pipeStrings(d, 'in', [['1', 'x']])).rejects.toThrow(/router: forward to unknown child 'nope'; children are \[the-sink\]/);
  });

  it('recordMetadata() gives topic, partition and offset of the current input record; applicationId is the app id', async () => {
    const meta: unknown[] = [];
    let appId = '';
    const d = drive((b) => {
      b.stream(['in-a', 'in-b'], { key: str, value: str }).process(() => {
        let ctx!: ProcessorContext;
        return { init(c) { ctx = c; appId = c.applicationId; }, process() { meta.push(ctx.recordMetadata()); } };
      });
    });
    await pipeStrings(d, 'in-a', [['k', 'v'], ['k', 'v']]);
    await pipeStrings(d, 'in-b', [['k', 'v']]);
    expect(meta).toEqual([
      { topic: 'in-a', partition: 0, offset: 0 }, { topic: 'in-a', partition: 0, offset: 1 }, { topic: 'in-b', partition: 0, offset: 0 },
    ]);
    expect(appId).toBe('dsl-test');
    await d.close();
  });

  it('getStateStore of a store not connected to the processor fails clearly', async () => {
    const d = drive((b) => {
      b.addStateStore({ name: 'other', type: 'keyValue' });
      b.stream('in').process(() => ({ init(c) { c.getStateStore('other'); }, process() {} }), { name: 'p', stores: [] });
      b.stream('in2').process(() => ({ process() {} }), { stores: ['other'] });
    });
    await expect(pipeStrings(d, 'in', [['k', 'v']])).rejects.toThrow(/p: store 'other' is not connected to this processor; pass it in process\(supplier, \{ stores: \['other'\] \}\)/);
  });

  it('getStateStore of an unknown store name fails clearly', async () => {
    const d = drive((b) => b.stream('in').process(() => ({ init(c) { c.getStateStore('missing'); }, process() {} }), { name: 'p' }));
    await expect(pipeStrings(d, 'in', [['k', 'v']])).rejects.toThrow(/store 'missing'/);
  });

  it('a store named in process() but never added fails at build(), naming the processor', () => {
    expect(() => drive((b) => b.stream('in').process(() => ({ process() {} }), { name: 'uses-ghost', stores: ['ghost'] })))
      .toThrow(/processor 'uses-ghost' uses store 'ghost', which was never added/);
  });

  it('the supplier must return a new processor object', async () => {
    expect(() => drive((b) => b.stream('in').process(null as unknown as () => never))).toThrow(/process supplier must be a function/);
  });

  it('close() is called when the driver closes', async () => {
    let closed = 0;
    const d = drive((b) => b.stream('in').process(() => ({ process() {}, close() { closed++; } })));
    await d.close();
    expect(closed).toBe(1);
  });
});

describe('KStream.processValues', () => {
  it('changes values, keeps keys, and may use stores', async () => {
    const d = drive((b) => {
      b.addStateStore({ name: 'last', type: 'keyValue', key: str, value: str, store: 'memory' });
      b.stream('in', { key: str, value: str }).processValues<string>(() => {
        let ctx!: ProcessorContext<string, string>;
        let store!: KeyValueStore<string, string>;
        return {
          init(c) { ctx = c; store = c.getStateStore('last'); },
          process(r) {
            const prev = store.get(r.key);
            store.put(r.key, r.value);
            return ctx.forward({ ...r, value: `${prev ?? '-'}->${r.value}` });
          },
        };
      }, { stores: ['last'] }).to('out', { value: str });
    });
    await pipeStrings(d, 'in', [['a', '1'], ['a', '2']]);
    expect(d.createOutputTopic('out', str, str).readKeyValuesToList()).toEqual([{ key: 'a', value: '-->1' }, { key: 'a', value: '1->2' }]);
    expect(d.topology.describe()).toContain('Processor: KSTREAM-PROCESSVALUES-0000000001 (stores: [last])');
    // keeps the key: no repartition before groupByKey
    const d2 = drive((b) => b.stream('in').processValues(() => ({ process() {} })).groupByKey().count());
    expect(d2.topology.describe()).not.toContain('repartition');
    await d.close();
  });

  it('changing the key is an error', async () => {
    const d = drive((b) => b.stream('in', { key: str, value: str }).processValues(() => {
      let ctx!: ProcessorContext<string, string>;
      return { init(c) { ctx = c; }, process(r) { return ctx.forward({ ...r, key: 'other' }); } };
    }, { name: 'pv' }).to('out'));
    await expect(pipeStrings(d, 'in', [['a', '1']])).rejects.toThrow(/pv: processValues\(\) may not change the key/);
  });

  it('value serde of the output is not inherited (values changed type): json by default', async () => {
    const d = drive((b) => b.stream('in', { key: str, value: str }).processValues<number>(() => {
      let ctx!: ProcessorContext<string, number>;
      return { init(c) { ctx = c; }, process(r) { return ctx.forward({ ...r, value: r.value.length }); } };
    }).to('out'));
    await pipeStrings(d, 'in', [['a', 'abc']]);
    expect(d.createOutputTopic('out', str, serdes.json<number>()).readValue()).toBe(3);
    await d.close();
  });
});
