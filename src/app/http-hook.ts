/**
 * app.start({ http }) starts the HTTP server of src/http through this slot, which src/http fills when it is
 * imported (the package root imports it), so the runtime never imports the HTTP layer.
 */
import type { App, RunningApp } from './app.ts';
import type { RestoreProgress } from '../runtime/runner/restore.ts';

import type { HttpOptions } from '../runtime/config.ts';

export type { HttpOptions };

export interface HttpAttachment {
  readonly url: string;
  /** Restore progress while the app starts (before attach). */
  onRestore(p: RestoreProgress): void;
  attach(running: RunningApp): void;
  close(): Promise<void>;
}

export type HttpServerFactory = (o: { app: App; http: HttpOptions; authToken?: string }) => Promise<HttpAttachment>;

let factory: HttpServerFactory | null = null;

export function setHttpServerFactory(f: HttpServerFactory): void {
  factory = f;
}

export function httpServerFactory(): HttpServerFactory {
  if (!factory) throw new Error(`app.start({ http }) needs the HTTP layer: import from the package root ('tributary'), or import 'tributary/src/http/index.ts' once.`);
  return factory;
}
