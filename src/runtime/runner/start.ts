/** Starts an app on the built-in log (runtime issue #4; being built). */
import type { App, RunningApp, StartOptions } from '../app.ts';

export async function startApp(app: App, _options: StartOptions): Promise<RunningApp> {
  throw new Error(`app.start('${app.applicationId}'): the streams-run runtime is not built yet (issue 4); use TopologyTestDriver for now.`);
}
