import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Subprocess end-to-end tests start real servers; give them room on a 2-core machine.
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // vitest's default is one worker fewer than the cores: one worker on CI's 2-core machine. Most of
    // the suite's time is waiting (real servers, exports, subprocesses), so three workers share two
    // cores well: measured 223 s with the default, see README "Tests" for the figure with three.
    maxWorkers: 3,
    // Test files share a worker's module cache instead of each loading the sources (and the AWS SDK)
    // again: measured on the 2-core machine, idle, 135 s against 99 s for the whole suite. Files
    // must not depend on a fresh process: two runs with the files shuffled (--sequence.shuffle.files)
    // passed.
    isolate: false,
    // What a module keeps for the process is reset before each file (see the file).
    setupFiles: ['test/setup/per-file.ts'],
    disableConsoleIntercept: true,
    // In-process tests load the AWS SDK directly (not through bin/run.js, which sets this too).
    env: { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
  },
});
