// The full fuzz run (`npm run fuzz`, not part of `npm test`): every target of fuzz/targets
// for FUZZ_INPUTS inputs (default 1,000,000) or FUZZ_SECONDS seconds (default 180), whichever
// comes first, with a hang bound of FUZZ_HANG_MS (default 100 ms) per input. Each target's
// figures go into bench/results/fuzz.json (a run of some targets, `-t name`, updates theirs).
import { readFile, writeFile } from 'node:fs/promises'
import { resolve } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { fuzzTarget, type FuzzStats } from './engine.js'
import { TARGETS } from './targets/index.js'

const INPUTS = Number(process.env.FUZZ_INPUTS ?? 1_000_000)
const SECONDS = Number(process.env.FUZZ_SECONDS ?? 180)
const HANG_MS = Number(process.env.FUZZ_HANG_MS ?? 100)
const RESULTS = resolve(import.meta.dirname, '../bench/results/fuzz.json')
/** Heap growth over a whole run above this is reported as a leak. */
const MAX_HEAP_GROWTH_MB = 64

const results: FuzzStats[] = []

describe('fuzz, full run', () => {
  afterAll(async () => {
    let previous: { targets?: FuzzStats[] } = {}
    try { previous = JSON.parse(await readFile(RESULTS, 'utf8')) } catch { /* first run */ }
    const byName = new Map((previous.targets ?? []).map(t => [t.target, t]))
    for (const r of results) byName.set(r.target, r)
    const targets = TARGETS.map(t => byName.get(t.name)).filter((t): t is FuzzStats => t !== undefined)
    await writeFile(RESULTS, JSON.stringify({
      engine: 'fast-check (structure-aware protobuf and JSON edits, byte mutations of valid samples, random bytes); see fuzz/engine.ts for why not @jazzer.js/core',
      node: process.version,
      date: new Date().toISOString(),
      limits: { inputs_per_target: INPUTS, seconds_per_target: SECONDS, hang_ms: HANG_MS },
      targets
    }, null, 2) + '\n')
  })

  for (const target of TARGETS) {
    it(target.name, async () => {
      const stats = await fuzzTarget(target, { inputs: INPUTS, seconds: SECONDS, hangMs: HANG_MS })
      results.push(stats)
      process.stdout.write(`${stats.target}: ${stats.inputs} inputs in ${stats.seconds} s (${stats.inputs_per_s}/s), crashes ${stats.crashes}, hangs ${stats.hangs}, slowest ${stats.slowest_ms} ms, heap ${stats.heap_growth_mb} MB${stats.failure !== undefined ? `\n  ${stats.failure}` : ''}\n`)
      expect(stats.failure, `seed ${stats.seed}`).toBeUndefined()
      expect(stats.heap_growth_mb).toBeLessThan(MAX_HEAP_GROWTH_MB)
    })
  }
})
