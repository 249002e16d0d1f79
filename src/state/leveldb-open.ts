/**
 * Opening and closing the LevelDB (classic-level) database of one store: `<taskDir>/<storeName>`,
 * or a fresh temp directory (removed on close) when the task has no directory (the test driver).
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ClassicLevel } from 'classic-level';
import type { LocalStateGuard, StoreInitContext } from './types.ts';

export type LevelDb = ClassicLevel<Uint8Array, Uint8Array>;

export interface OpenedDb {
  db: LevelDb;
  dir: string;
  temp: boolean;
}

/** The guard of the task owning each open database (its key spaces, e.g. segments, share it). */
const guards = new WeakMap<LevelDb, LocalStateGuard>();

/** The runtime's guard of the state in `db` (see LocalStateGuard), if any. */
export function guardOf(db: LevelDb): LocalStateGuard | undefined {
  return guards.get(db);
}

export async function openLevelDb(ctx: StoreInitContext, storeName: string): Promise<OpenedDb> {
  const temp = ctx.taskDir === undefined;
  const safe = storeName.replace(/[^A-Za-z0-9._-]/g, '_');
  const dir = temp ? mkdtempSync(join(tmpdir(), `tributary-${safe}-`)) : join(ctx.taskDir!, storeName);
  if (!temp) mkdirSync(dir, { recursive: true });
  const db: LevelDb = new ClassicLevel<Uint8Array, Uint8Array>(dir, { keyEncoding: 'view', valueEncoding: 'view' });
  try {
    await db.open();
  } catch (e) {
    throw new Error(`state store '${storeName}': cannot open LevelDB at ${dir} (is another instance using this state dir?): ${(e as Error).message}`, { cause: e });
  }
  if (ctx.localState) guards.set(db, ctx.localState);
  return { db, dir, temp };
}

export async function closeLevelDb(opened: OpenedDb): Promise<void> {
  await opened.db.close();
  if (opened.temp) rmSync(opened.dir, { recursive: true, force: true });
}
