/**
 * The full fuzz run (`npm run fuzz`, not part of `npm test`): every target of fuzz/targets for
 * FUZZ_INPUTS inputs (default 1,000,000) or FUZZ_SECONDS seconds (default 1,200), whichever
 * comes first, with a hang bound of FUZZ_HANG_MS (default 100 ms) per input and a fixed seed
 * per target (FUZZ_SEED plus the target's index; default 11). FUZZ_TARGETS (names, comma
 * separated) runs some targets only.
 *
 * Two worker processes (fuzz/worker-*.fuzz.ts, one per core) take targets from one queue: a
 * target is claimed by creating a directory named after it in the run's claims directory
 * (mkdir is atomic, so no target runs twice), which fuzz/global-setup.ts made. Each worker
 * writes a target's figures next to its claim; the global teardown merges them into
 * bench/results/fuzz.json.
 */
import { mkdir, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { expect, inject } from 'vitest'
import { fuzzTarget, type FuzzStats } from './engine.js'
import { TARGETS } from './targets/index.js'

export const LIMITS = {
  inputs: Number(process.env.FUZZ_INPUTS ?? 1_000_000),
  seconds: Number(process.env.FUZZ_SECONDS ?? 1_200),
  hangMs: Number(process.env.FUZZ_HANG_MS ?? 100),
  seed: Number(process.env.FUZZ_SEED ?? 11)
}
/** Heap growth over a whole target's run above this is reported as a leak. */
const MAX_HEAP_GROWTH_MB = 64

declare module 'vitest' {
  export interface ProvidedContext { fuzzClaims: string }
}

/** The targets this run fuzzes (all, or those FUZZ_TARGETS names), in queue order. */
export function selectedTargets (): typeof TARGETS {
  const names = process.env.FUZZ_TARGETS?.split(',').map(n => n.trim()).filter(n => n !== '')
  if (names === undefined || names.length === 0) return TARGETS
  const unknown = names.filter(n => !TARGETS.some(t => t.name === n))
  if (unknown.length > 0) throw new Error(`FUZZ_TARGETS: no target named ${unknown.join(', ')}`)
  return TARGETS.filter(t => names.includes(t.name))
}

async function claim (claims: string, name: string): Promise<boolean> {
  try {
    await mkdir(join(claims, name))
    return true
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false
    throw err
  }
}

/** One worker: fuzzes every target it can claim, then asserts each one's figures. */
export async function fuzzWorker (worker: number): Promise<void> {
  const claims = inject('fuzzClaims')
  const results: FuzzStats[] = []
  const targets = selectedTargets()
  for (const target of targets) {
    if (!await claim(claims, target.name)) continue
    const seed = LIMITS.seed + TARGETS.indexOf(target)
    const stats = await fuzzTarget(target, { inputs: LIMITS.inputs, seconds: LIMITS.seconds, hangMs: LIMITS.hangMs, seed })
    results.push(stats)
    await writeFile(join(claims, target.name, 'stats.json'), JSON.stringify(stats))
    process.stdout.write(`[worker ${worker}] ${stats.target}: ${stats.inputs} inputs in ${stats.seconds} s (${stats.inputs_per_s}/s), crashes ${stats.crashes}, hangs ${stats.hangs}, slowest ${stats.slowest_ms} ms, heap ${stats.heap_growth_mb} MB, seed ${stats.seed}${stats.failure !== undefined ? `\n  ${stats.failure}` : ''}\n`)
  }
  for (const stats of results) {
    expect(stats.failure, `${stats.target}, seed ${stats.seed}`).toBeUndefined()
    expect(stats.heap_growth_mb, stats.target).toBeLessThan(MAX_HEAP_GROWTH_MB)
  }
}
