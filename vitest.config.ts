import { configDefaults, defineConfig } from 'vitest/config';
import { modelRequired, MODEL_AVAILABLE, testsThatCannotRun } from './tests/support/requirements.js';

// Without the model (or ../shared's data), the files that need it are left out and the rest run;
// tests/support/global-setup.ts says which, once. With REQUIRE_MODEL=1 or CI=true nothing is left out
// for want of the model: the global setup fails early instead.
const leftOut = MODEL_AVAILABLE || !modelRequired() ? testsThatCannotRun() : [];

export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    exclude: [...configDefaults.exclude, ...leftOut.map((entry) => entry.file)],
    environment: 'node',
    // Integration tests load the real embedding model; give them room on 2-core machines.
    testTimeout: 60_000,
    hookTimeout: 180_000,
    pool: 'forks',
    globalSetup: ['tests/support/global-setup.ts'],
  },
});
