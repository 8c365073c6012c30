// `npm run fuzz`: the long fuzz run (fuzz/full.ts): two worker processes (one per core) that
// share the targets, with --expose-gc, so that heap growth is measured after full collections.
import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    include: ['fuzz/**/*.fuzz.ts'],
    setupFiles: ['./test/setup.ts'],
    globalSetup: ['./fuzz/global-setup.ts'],
    testTimeout: 4 * 60 * 60_000,
    pool: 'forks',
    maxWorkers: 2,
    fileParallelism: true,
    execArgv: ['--expose-gc']
  }
})
