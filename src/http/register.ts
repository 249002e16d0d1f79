/**
 * Fills the runtime's HTTP slot (runtime/http-hook.ts) so app.start({ http }) can serve. The server and
 * prom-client load only when an app asks for HTTP: importing the package stays cheap.
 */
import { setHttpServerFactory } from '../app/http-hook.ts';

setHttpServerFactory(async (o) => (await import('./server.ts')).startHttpServer(o));
