// TopologyTestDriver under plain `node`, from the installed package (scripts/pack-test.sh).
import assert from 'node:assert/strict';
import { serdes, TopologyTestDriver } from 'tributary-streams';
import app from './wordcount.mjs';

const driver = new TopologyTestDriver(app);
const input = driver.createInputTopic('text-lines', serdes.string(), serdes.string());
const output = driver.createOutputTopic('word-counts', serdes.string(), serdes.int64());
await input.pipeInput(null, 'Hello, hello world');
assert.deepEqual(output.readKeyValuesToList(), [
  { key: 'hello', value: 1 }, { key: 'hello', value: 2 }, { key: 'world', value: 1 },
]);
assert.equal(driver.getKeyValueStore('counts').get('hello'), 2);
await driver.close();
process.stdout.write('driver-test: ok\n');
