/** The HTTP layer (API.md section 8): importing it lets app.start({ http }) serve; streams-run uses it directly. */
import { setHttpServerFactory } from '../runtime/http-hook.ts';
import { startHttpServer } from './server.ts';

setHttpServerFactory((o) => startHttpServer(o));

export { startHttpServer, isLoopback, parseHttpAddress } from './server.ts';
export type { HttpServer, HttpServerOptions } from './server.ts';
export { QueryRouter } from './query-router.ts';
export type { Query, Row, Answer } from './query-router.ts';
