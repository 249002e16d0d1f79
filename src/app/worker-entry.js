// A stream thread: registers tsx so the app module (TypeScript) loads, then runs worker.ts.
import { register } from 'tsx/esm/api';
register();
await import('./worker.ts');
