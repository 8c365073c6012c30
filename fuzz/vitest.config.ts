// `npm run fuzz`: the long fuzz run (fuzz/full.fuzz.ts), one target after another in one
// process with --expose-gc, so that heap growth is measured after full collections.
import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    include: ['fuzz/**/*.fuzz.ts'],
    setupFiles: ['./test/setup.ts'],
    testTimeout: 60 * 60_000,
    pool: 'forks',
    fileParallelism: false,
    execArgv: ['--expose-gc']
  }
})
