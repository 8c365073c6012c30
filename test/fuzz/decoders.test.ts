// The short fuzz run of `npm test` (issue 11): every decoder of fuzz/targets gets a few
// thousand inputs (structure-aware, mutated samples, random bytes). `npm run fuzz` is the
// long run (a million inputs per target). A crash found by either becomes a regression test.
import { describe, expect, it } from 'vitest'
import { fuzzTarget } from '../../fuzz/engine.js'
import { makeSessionTarget } from '../../fuzz/targets/crypto.js'
import { TARGETS } from '../../fuzz/targets/index.js'
import { makeStoredRecordTarget } from '../../fuzz/targets/local.js'

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

// The full run proves "unchanged" cheaply (the store's write count, the session record
// compared after each input): each check must still fail a decoder that changes its state.
describe('fuzz, state checks', () => {
  const options = { inputs: 50, seconds: 30, hangMs: HANG_MS, seed: 1 }

  it('fails a read of a stored record that writes to the store', async () => {
    const target = makeStoredRecordTarget(async (store) => { await store.sublevels.settings.raw.put('written-by-a-read', new Uint8Array([1])) })
    const stats = await fuzzTarget(target, options)
    expect(stats.failure).toMatch(/state changed: reading the record wrote 1 record\(s\) to the store/)
  })

  it('fails a session decrypt that changes the session record', async () => {
    const target = makeSessionTarget('ratchet-message', 'ratchet', (record) => { (record.current as { createdAt: number }).createdAt++ })
    const stats = await fuzzTarget(target, options)
    expect(stats.failure).toMatch(/state changed: the session record changed/)
  })

  it('fails a session decrypt that consumes a prekey', async () => {
    const target = makeSessionTarget('prekey-message', 'prekey', (_record, bob) => { bob.oneTimePreKeys.clear() })
    const stats = await fuzzTarget(target, options)
    expect(stats.failure).toMatch(/state changed: the prekeys changed/)
  })
})
