/**
 * The live page in a real browser: Debian's chromium (scripts/install-test-tools.sh), headless, driven by
 * playwright-core. The topology is drawn by Graphviz (WASM, served by the app), nodes and stores appear, and a
 * node's records/s changes while records flow. A screenshot is kept in test-artifacts/live-page.png.
 */
import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromium, type Browser } from 'playwright-core';
import { startFedWordcount, type Fed } from './feed.ts';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
let fed: Fed;
let browser: Browser;

beforeAll(async () => {
  if (!fs.existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} not found: run scripts/install-test-tools.sh (Debian package chromium), or set CHROMIUM_PATH.`);
  fed = await startFedWordcount();
  // as root Chromium refuses to start without --no-sandbox
  browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: process.getuid?.() === 0 ? ['--no-sandbox'] : [] });
});

afterAll(async () => {
  await browser?.close();
  await fed?.close();
});

async function poll<T>(get: () => Promise<T>, ok: (v: T) => boolean, what: string, ms = 30_000): Promise<T> {
  const end = Date.now() + ms;
  let v = await get();
  while (!ok(v)) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}; last: ${String(v)}`);
    await new Promise((r) => setTimeout(r, 100));
    v = await get();
  }
  return v;
}

describe('the live page', () => {
  it('draws the topology with its stores, and shows rates that change while records flow', async () => {
    const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
    const offline: string[] = [];
    page.on('request', (r) => {
      if (!r.url().startsWith(fed.url)) offline.push(r.url());
    });
    await page.goto(fed.url + '/');
    await page.waitForSelector('#graph svg g.node', { timeout: 30_000 });
    const nodes = await page.$$eval('#graph svg g.node', (gs) => gs.map((g) => g.getAttribute('data-node')));
    expect(nodes).toContain('KSTREAM-SOURCE-0000000000');
    expect(nodes).toContain('KSTREAM-AGGREGATE-0000000003');
    expect(nodes).toContain('word-counts-store');
    expect(nodes).toContain('topic:text-lines');
    expect(await page.$$eval('#stores tr[data-store]', (rows) => rows.map((r) => r.textContent))).toEqual(['word-counts-storetimestampedKeyValue']);
    await poll(() => page.textContent('#state'), (s) => s === 'running', 'state running');
    const rateOf = () => page.$eval('#graph g.node[data-node="KSTREAM-SOURCE-0000000000"] text.rate', (t) => t.textContent ?? '');
    const before = await rateOf();
    fed.feed();
    const during = await poll(rateOf, (t) => t !== before && /^[1-9][\d,.]* rec\/s$/.test(t), 'a non-zero rate on the source node');
    expect(during).not.toBe(before);
    expect(Number.parseFloat(during.replace(/,/g, ''))).toBeGreaterThan(0);
    const tasks = await page.$$eval('#tasks tr[data-task]', (rows) => rows.map((r) => [...r.querySelectorAll('td')].map((td) => td.textContent)));
    expect(tasks.map((t) => t[0]).sort()).toEqual(['0_0', '0_1', '1_0', '1_1']);
    expect(tasks.every((t) => t[1] === 'running' && /^\d+$/.test(t[2] ?? ''))).toBe(true);
    expect(Number((await page.textContent('#commits')) ?? '0')).toBeGreaterThan(0);
    fs.mkdirSync('test-artifacts', { recursive: true });
    await page.screenshot({ path: 'test-artifacts/live-page.png', fullPage: true });
    expect(offline).toEqual([]);
  });

  it('works behind httpAuthToken with the token in the page URL', async () => {
    const guarded = await startFedWordcount({ authToken: 'page-token' });
    try {
      const page = await browser.newPage();
      expect((await page.goto(guarded.url + '/'))?.status()).toBe(401);
      await page.goto(guarded.url + '/?access_token=page-token');
      await page.waitForSelector('#graph svg g.node[data-node="KSTREAM-SOURCE-0000000000"]', { timeout: 30_000 });
      await poll(() => page.textContent('#state'), (s) => s === 'running', 'state running');
    } finally {
      await guarded.close();
    }
  });
});
