import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['**/*.test.ts'],
    exclude: ['node_modules/**', '.interceptor/**', 'ui/dist/**'],
    // why: the Temporal worker loads a native bridge and PGlite loads WASM; forked processes keep
    // them isolated and let a test kill -9 child processes without taking the runner down.
    pool: 'forks',
    testTimeout: 60_000,
    hookTimeout: 120_000,
  },
});
