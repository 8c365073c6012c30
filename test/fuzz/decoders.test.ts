// The short fuzz run of `npm test` (issue 11): every decoder of fuzz/targets gets a few
// thousand inputs (structure-aware, mutated samples, random bytes). `npm run fuzz` is the
// long run (a million inputs per target). A crash found by either becomes a regression test.
import { describe, expect, it } from 'vitest'
import { fuzzTarget } from '../../fuzz/engine.js'
import { TARGETS } from '../../fuzz/targets/index.js'

/** Inputs per target here; the time budget bounds the slow ones on a loaded machine. */
const INPUTS = 2_000
const SECONDS = 8
/** A hang here is an input slower than this (the full run's bound is 100 ms; this machine is shared). */
const HANG_MS = 2_000

describe('fuzz, short run', () => {
  for (const target of TARGETS) {
    it(`${target.name}: ${target.description}`, async () => {
      const stats = await fuzzTarget(target, { inputs: INPUTS, seconds: SECONDS, hangMs: HANG_MS })
      expect(stats.failure, `seed ${stats.seed}`).toBeUndefined()
      expect(stats.crashes).toBe(0)
      expect(stats.hangs).toBe(0)
      expect(stats.inputs).toBeGreaterThanOrEqual(Math.min(INPUTS, 200))
    })
  }
})
