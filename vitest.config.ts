import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/unit/**/*.test.ts', 'tests/integration/**/*.test.ts'],
    // One prepared template database per run, copied for each integration file (see harness.ts).
    globalSetup: ['tests/integration/global-setup.ts'],
    // Integration tests share one embedded database per file; keep files serial on 2 cores.
    fileParallelism: false,
    testTimeout: 30_000,
    hookTimeout: 120_000,
  },
});
