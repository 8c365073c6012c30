/**
 * Shared helpers of murmur's benchmarks (crypto now; net and relay later): timing until
 * stable, medians, a plain-text table and the JSON result files.
 *
 * Why medians of several runs: the benchmark machines have 2 noisy cores shared with other
 * work, so a single run can be off by 30% or more. Each run is calibrated to last long enough
 * (~0.5 s) that timer resolution and one garbage collection do not dominate it, and the median
 * of at least five runs is reported with the spread, so a reader can see how much to trust it.
 *
 * This module uses only node: built-ins, so the plain-JS peers under bench/peers/ can import the
 * compiled copy (dist/bench/harness.js) and be timed exactly the same way.
 */
import { mkdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { availableParallelism, cpus } from 'node:os'
import { fileURLToPath } from 'node:url'

/** A benchmark was given an option it does not understand, or a bad value. */
export class BenchmarkOptionError extends Error {
  static override name = 'BenchmarkOptionError'
  constructor (message: string) {
    super(message)
    this.name = 'BenchmarkOptionError'
  }
}

/** A benchmark's own correctness check failed (e.g. a round trip gave other bytes): its figures would be void. */
export class BenchmarkCheckError extends Error {
  static override name = 'BenchmarkCheckError'
  constructor (message: string) {
    super(message)
    this.name = 'BenchmarkCheckError'
  }
}

/** Parses a command-line value that must be a positive integer. */
export function positiveInteger (option: string, value: string): number {
  const n = Number(value)
  if (!Number.isInteger(n) || n < 1) throw new BenchmarkOptionError(`${option} needs a positive integer, got "${value}"`)
  return n
}

/** The timed part of one run: performs exactly the `n` operations it was prepared for. */
export type Batch = () => void | Promise<void>

/**
 * Prepares `n` operations outside the timed section (e.g. pre-generates prekeys) and returns
 * the batch to time. Called once per run, so every run starts from fresh inputs.
 */
export type Prepare = (n: number) => Batch | Promise<Batch>

export interface MeasureOptions {
  /** Target duration of one timed run, in milliseconds. Default 500. */
  targetMs?: number
  /** Minimum number of timed runs. Default 5. */
  runs?: number
  /** Stop adding runs once the spread of the last `runs` runs is at most this. Default 0.10. */
  tolerance?: number
  /** Upper bound on timed runs, however noisy. Default 9. */
  maxRuns?: number
  /** Largest batch, to bound memory for workloads that pre-generate inputs. Default 1e6. */
  maxBatch?: number
}

export interface Measurement {
  /** Median of the per-run rates of the last `runs` runs, in operations per second. */
  opsPerSec: number
  /** Every run's rate, in the order they ran. */
  samples: number[]
  /** Operations per run after calibration. */
  batch: number
  /** (max - min) / median over the runs the median was taken from. */
  spread: number
}

/** The median of a non-empty list of numbers (the mean of the middle two for even lengths). */
export function median (values: readonly number[]): number {
  if (values.length === 0) throw new RangeError('median of an empty list')
  const sorted = [...values].sort((a, b) => a - b)
  const mid = sorted.length >> 1
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2
}

/** (max - min) / median: a simple, robust-enough measure of run-to-run noise. */
export function relativeSpread (values: readonly number[]): number {
  const m = median(values)
  if (m === 0) return 0
  return (Math.max(...values) - Math.min(...values)) / m
}

async function timeBatch (prepare: Prepare, n: number): Promise<number> {
  const batch = await prepare(n)
  const start = process.hrtime.bigint()
  await batch()
  const elapsedNs = process.hrtime.bigint() - start
  return Number(elapsedNs) / 1e6
}

async function calibrate (prepare: Prepare, targetMs: number, maxBatch: number): Promise<number> {
  let n = 1
  let ms = await timeBatch(prepare, n)
  while (ms < targetMs / 4 && n < maxBatch) {
    n = Math.min(maxBatch, n * 2)
    ms = await timeBatch(prepare, n)
  }
  return Math.max(1, Math.min(maxBatch, Math.round(n * targetMs / Math.max(ms, 0.001))))
}

/**
 * Times several workloads in alternation until every rate is stable, and returns each one's
 * median rate. Alternating (A B A B ...) rather than one after the other means that a burst
 * of load from elsewhere on the machine hits all of them alike, so their ratios hold up
 * better than their absolute rates.
 *
 * 1. Calibrate each: double the batch from 1 until a run takes a quarter of the target, then
 *    scale it to the target. These runs double as warm-up (JIT, caches) and are discarded.
 * 2. Time rounds of one run each, at least `runs` rounds; while any workload's last `runs`
 *    rates spread by more than `tolerance`, add rounds, up to `maxRuns`. Each workload's
 *    median over its last `runs` rates is reported.
 */
export async function measureInterleaved<K extends string> (workloads: Record<K, Prepare>, options: MeasureOptions = {}): Promise<Record<K, Measurement>> {
  const targetMs = options.targetMs ?? 500
  const runs = Math.max(1, options.runs ?? 5)
  const tolerance = options.tolerance ?? 0.10
  const maxRuns = Math.max(runs, options.maxRuns ?? 9)
  const maxBatch = options.maxBatch ?? 1_000_000
  const keys = Object.keys(workloads) as K[]

  const batches = new Map<K, number>()
  for (const key of keys) batches.set(key, await calibrate(workloads[key], targetMs, maxBatch))
  const samples = new Map<K, number[]>(keys.map((key) => [key, []]))
  const stable = (): boolean => keys.every((key) => relativeSpread((samples.get(key) ?? []).slice(-runs)) <= tolerance)
  for (let round = 0; round < maxRuns; round++) {
    for (const key of keys) {
      const n = batches.get(key) ?? 1
      const elapsed = await timeBatch(workloads[key], n)
      samples.get(key)?.push(n / (elapsed / 1000))
    }
    if (round + 1 >= runs && stable()) break
  }

  const result = {} as Record<K, Measurement>
  for (const key of keys) {
    const all = samples.get(key) ?? []
    const window = all.slice(-runs)
    result[key] = { opsPerSec: median(window), samples: all, batch: batches.get(key) ?? 1, spread: relativeSpread(window) }
  }
  return result
}

/** Times one workload until its rate is stable (see measureInterleaved) and returns its median. */
export async function measure (prepare: Prepare, options: MeasureOptions = {}): Promise<Measurement> {
  return (await measureInterleaved({ only: prepare }, options)).only
}

/**
 * The two sides of a comparison (murmur's encrypted and unencrypted homes or relays), each run
 * twice, in the order A B B A; `plainFirst` makes the unencrypted side A (rounds alternate it).
 * Whichever side runs first right after a round's other phases may run slower (a flood's LevelDB
 * compactions and collections may still be going on): with one run each in alternating order,
 * the encrypted round trip was 1.12-1.18 of the unencrypted one in the three rounds of five where
 * it ran first, 0.99-1.0 in the two where it ran second. A B B A cancels an effect of the order,
 * and any drift in time. Returns each side's two runs, encrypted first.
 */
export async function inABBAOrder<T> (encrypted: () => Promise<T>, plain: () => Promise<T>, plainFirst: boolean): Promise<[T[], T[]]> {
  const [a, b] = plainFirst ? [plain, encrypted] : [encrypted, plain]
  const a1 = await a()
  const b1 = await b()
  const b2 = await b()
  const a2 = await a()
  return plainFirst ? [[b1, b2], [a1, a2]] : [[a1, a2], [b1, b2]]
}

/**
 * The ratio a / b of two workloads measured together by measureInterleaved: the median of the
 * per-round ratios over every timed round. Each round's two runs sat next to each other in
 * time, so this cancels most of the machine's drift, which a ratio of two medians does not;
 * using every round (not only the last `runs`) gives the median more pairs to work with.
 */
export function pairedRatio (a: Measurement, b: Measurement): number {
  const count = Math.min(a.samples.length, b.samples.length)
  if (count === 0) return Number.NaN
  const as = a.samples.slice(-count)
  const bs = b.samples.slice(-count)
  return median(as.map((value, i) => value / bs[i]))
}

/** A number for a table: thousands separated, no decimals above 100, two significant below. */
export function formatNumber (value: number | undefined): string {
  if (value === undefined || !Number.isFinite(value)) return '-'
  if (Math.abs(value) >= 100) return Math.round(value).toLocaleString('en-US')
  return value.toPrecision(2)
}

/** A plain-text table, first column left-aligned, the others right-aligned. */
export function formatTable (header: readonly string[], rows: ReadonlyArray<readonly string[]>): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)))
  const line = (cells: readonly string[]): string => cells
    .map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i])))
    .join('  ')
    .trimEnd()
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n')
}

/**
 * The repository root: the nearest folder above this file whose package.json is murmur's.
 * Works from bench/ (sources) and from dist/bench/ (compiled) alike.
 */
export function repoRoot (from: string = dirname(fileURLToPath(import.meta.url))): string {
  let dir = from
  while (true) {
    const pkg = join(dir, 'package.json')
    if (existsSync(pkg)) {
      try {
        const parsed = JSON.parse(readFileSync(pkg, 'utf8')) as { name?: unknown }
        if (parsed.name === 'murmur') return dir
      } catch {
        // Not a readable package.json: keep walking up.
      }
    }
    const parent = dirname(dir)
    if (parent === dir) throw new BenchmarkCheckError('murmur repository root not found above ' + from)
    dir = parent
  }
}

/** Writes `value` as pretty JSON to bench/results/<name>.json and returns the path. */
export function writeResult (name: string, value: unknown): string {
  const path = join(repoRoot(), 'bench', 'results', `${name}.json`)
  mkdirSync(dirname(path), { recursive: true })
  writeFileSync(path, JSON.stringify(value, null, 2) + '\n')
  return path
}

/** Common metadata for every result file. */
export interface ResultMeta {
  date: string
  node: string
  platform: string
  cpu: string
  cpus: number
  runs: number
}

export function resultMeta (runs: number): ResultMeta {
  return {
    date: new Date().toISOString(),
    node: process.version,
    platform: `${process.platform}-${process.arch}`,
    cpu: cpus()[0]?.model ?? 'unknown',
    cpus: availableParallelism(),
    runs
  }
}
