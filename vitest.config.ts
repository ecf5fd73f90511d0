import { createRequire } from 'node:module';
import { defineConfig } from 'vitest/config';

const require = createRequire(import.meta.url);

export default defineConfig({
  resolve: {
    // One copy of graphql, the one Node (and so yoga and Pothos) loads: Vite would otherwise
    // pick graphql's ESM build for our sources, and `instanceof GraphQLError` would then fail.
    alias: [{ find: /^graphql$/, replacement: require.resolve('graphql') }],
  },
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/support/global-setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // Each file starts real processes and databases; two at a time fits a 2-core machine.
    maxWorkers: 2,
  },
});
