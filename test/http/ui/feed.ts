/** The UI suite's running app: word count on its own log in a temp dir, fed a few hundred lines a second. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import wordcount from '../../../examples/wordcount.ts';
import { LogStore, type RunningApp } from '../../../src/index.ts';
import { startApp } from '../../../src/app/start.ts';

export interface Fed {
  running: RunningApp;
  url: string;
  /** Starts (or restarts) feeding lines. */
  feed(): void;
  pause(): void;
  close(): Promise<void>;
}

export async function startFedWordcount(o: { authToken?: string } = {}): Promise<Fed> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'trib-ui-'));
  const log = await LogStore.open(dataDir);
  await log.admin.createTopic('text-lines', { partitions: 2 });
  const running = await startApp(wordcount, { dataDir, log, http: { port: 0 }, httpAuthToken: o.authToken, commitIntervalMs: 200, onLog: () => undefined });
  const producer = log.producer();
  const enc = new TextEncoder();
  let n = 0;
  let timer: NodeJS.Timeout | null = null;
  const pause = () => {
    if (timer) clearInterval(timer);
    timer = null;
  };
  return {
    running, url: running.httpUrl!, pause,
    feed() {
      timer ??= setInterval(() => {
        void producer.sendBatch(Array.from({ length: 40 }, () => ({ topic: 'text-lines', key: enc.encode(`k${n}`), value: enc.encode(`word${n++ % 50} streams flow`) })));
      }, 100);
    },
    async close() {
      pause();
      await running.close();
      await log.close();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
