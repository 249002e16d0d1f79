/** Every built-in way to reach a log passes the same log-client contract (the Kafka backend runs it in test:kafka). */
import { MessageChannel } from 'node:worker_threads';
import { afterAll } from 'vitest';
import { LogStore } from '../../src/log-store/index.ts';
import { logOverPort, serveLogOverPort } from '../../src/log-store/remote/thread-port.ts';
import { tmpDir } from '../log-store/helpers.ts';
import { logClientContract } from './contract.ts';

const owners: LogStore[] = [];
afterAll(async () => {
  for (const o of owners.splice(0)) await o.close();
});

logClientContract('the built-in log in this process', {
  open: () => LogStore.open(tmpDir('contract-local'), { serve: false }),
});

logClientContract("another process's built-in log over its unix socket", {
  async open() {
    const dir = tmpDir('contract-socket');
    owners.push(await LogStore.open(dir));
    return LogStore.connect(dir);
  },
});

logClientContract("the main thread's log over a stream thread's MessagePort", {
  async open() {
    const owner = await LogStore.open(tmpDir('contract-port'), { serve: false });
    owners.push(owner);
    const { port1, port2 } = new MessageChannel();
    serveLogOverPort(owner, port1);
    return logOverPort('the main thread (contract test)', port2);
  },
});
