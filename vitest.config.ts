import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/unit/**/*.test.ts', 'tests/integration/**/*.test.ts'],
    // One prepared template database per run, copied for each integration file (see harness.ts).
    globalSetup: ['tests/integration/global-setup.ts'],
    // Every integration file has a database of its own (copied from the run's template), so files
    // can run side by side: two at a time even on a 2-core machine (a file waits on its database
    // half the time), at most four.
    fileParallelism: true,
    maxWorkers: Math.max(2, Math.min(4, availableParallelism())),
    testTimeout: 30_000,
    hookTimeout: 120_000,
  },
});
