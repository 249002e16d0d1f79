import { defineConfig } from 'vitest/config';

// The longer HTTP suite (npm run test:ui): the live page in headless Chromium and a real Prometheus scrape.
export default defineConfig({
  test: {
    include: ['test/http/ui/**/*.ui.ts'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    fileParallelism: false,
  },
});
