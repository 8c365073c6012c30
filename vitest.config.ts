import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // The node shims (Promise.withResolvers, global WebSocket) must load before libp2p.
    setupFiles: ['./test/setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // Most of the suite's time is waiting (real processes, sockets, namespaces), not computing:
    // on this 2-core machine 1 worker took 649 s, 2 took 329 s, 4 took 239 s (each test 44%
    // slower under the contention). 3 keeps the tests' own deadlines far from the load.
    maxWorkers: 3
  }
})
