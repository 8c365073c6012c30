// `npm run chaos`: the chaos soak (bench/chaos/soak.chaos.ts), on the built CLI (dist/).
import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    include: ['bench/chaos/**/*.chaos.ts'],
    setupFiles: ['./test/setup.ts'],
    // The soak itself, setup, and up to five minutes of draining.
    testTimeout: (Number(process.env.CHAOS_MINUTES ?? 10) + 10) * 60_000,
    hookTimeout: 120_000,
    pool: 'forks'
  }
})
