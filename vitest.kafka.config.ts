import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

// npm run test:kafka: the suites against a real single-node Kafka broker, which test/kafka/broker-setup.ts starts
// (scripts/kafka/broker.sh) before the files run, one file at a time, and stops after.
export default defineConfig({
  // as vitest.config.ts: examples import the package by its name, which inside the repository is the sources
  resolve: { alias: [{ find: /^tributary-streams$/, replacement: fileURLToPath(new URL('./src/index.ts', import.meta.url)) }] },
  test: {
    include: ['test/kafka/**/*.test.ts'],
    globalSetup: ['test/kafka/broker-setup.ts'],
    testTimeout: 300_000,
    hookTimeout: 300_000,
    fileParallelism: false,
  },
});
