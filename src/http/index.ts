/** The HTTP layer (API.md section 8). Importing it also lets app.start({ http }) serve (see register.ts). */
import './register.ts';

export { startHttpServer } from './server.ts';
export { isLoopback, parseHttpAddress } from './address.ts';
export type { HttpServer, HttpServerOptions } from './server.ts';
export { QueryRouter } from './query-router.ts';
export type { Query, Row, Answer } from './query-router.ts';
