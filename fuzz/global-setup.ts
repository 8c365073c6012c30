/**
 * The full fuzz run's setup, in vitest's main process: a fresh claims directory for the
 * workers' queue (fuzz/full.ts), and at the end every target's figures merged into
 * bench/results/fuzz.json (a run of some targets, FUZZ_TARGETS, updates theirs only).
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import type { TestProject } from 'vitest/node'
import type { FuzzStats } from './engine.js'
import { LIMITS } from './full.js'
import { TARGETS } from './targets/index.js'

const RESULTS = resolve(import.meta.dirname, '../bench/results/fuzz.json')

export default async function setup (project: TestProject): Promise<() => Promise<void>> {
  const claims = await mkdtemp(join(tmpdir(), 'murmur-fuzz-'))
  project.provide('fuzzClaims', claims)
  return async () => {
    const fresh: FuzzStats[] = []
    for (const target of TARGETS) {
      try {
        fresh.push(JSON.parse(await readFile(join(claims, target.name, 'stats.json'), 'utf8')))
      } catch { /* not run, or its worker died before it finished */ }
    }
    await rm(claims, { recursive: true, force: true })
    if (fresh.length === 0) return
    let previous: { targets?: FuzzStats[] } = {}
    try { previous = JSON.parse(await readFile(RESULTS, 'utf8')) } catch { /* first run */ }
    const byName = new Map((previous.targets ?? []).map(t => [t.target, t]))
    for (const stats of fresh) byName.set(stats.target, stats)
    await writeFile(RESULTS, JSON.stringify({
      engine: 'fast-check (structure-aware protobuf and JSON edits, byte mutations of valid samples, random bytes); see fuzz/engine.ts for why not @jazzer.js/core',
      node: process.version,
      date: new Date().toISOString(),
      limits: { inputs_per_target: LIMITS.inputs, seconds_per_target: LIMITS.seconds, hang_ms: LIMITS.hangMs, base_seed: LIMITS.seed, workers: 2 },
      targets: TARGETS.map(t => byName.get(t.name)).filter((t): t is FuzzStats => t !== undefined)
    }, null, 2) + '\n')
  }
}
