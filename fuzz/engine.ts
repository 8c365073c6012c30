/**
 * The fuzzing engine: runs one target's inputs (fast-check arbitraries: structure-aware,
 * mutations of valid samples, plain random) for a number of inputs or a time budget, and
 * checks each one: no untyped error (a TypeError or a bare Error is a crash), no input costing
 * more CPU time than the hang bound, and the target's state unchanged after a rejection.
 *
 * Why fast-check and not a coverage-guided fuzzer: @jazzer.js/core 4.0.0 installs here, but
 * its native addon (prebuilds/fuzzer-linux-x64.node) needs GLIBC 2.38 and this machine has
 * 2.36 (Debian 12), and building it from source downloads LLVM's libFuzzer, which the network
 * here does not allow. fast-check is already the project's property-testing library; the
 * structure-aware generators (fuzz/protobuf.ts) stand in for coverage guidance.
 */
import fc from 'fast-check'

export interface FuzzContext<T> {
  /** The inputs: usually fc.oneof(structured, mutations, random). */
  inputs: fc.Arbitrary<T>
  /** Feeds one input to the decoder. A clean rejection throws one of `typedErrors`. */
  run: (input: T) => void | Promise<void>
  /** Error names that are a clean, typed rejection. Anything else thrown is a crash. */
  typedErrors: ReadonlySet<string>
  /** After each input: a description of what changed in the target's state, or undefined. */
  changed?: () => string | undefined | Promise<string | undefined>
  teardown?: () => Promise<void>
}

export interface FuzzTarget<T = unknown> {
  name: string
  /** What is fuzzed, and through which function. */
  description: string
  /** Whether run() returns a promise (fast-check then runs an async property). */
  async: boolean
  setup: () => Promise<FuzzContext<T>>
}

export interface FuzzOptions {
  /** Stop after this many inputs... */
  inputs: number
  /** ...or after this many seconds, whichever comes first. */
  seconds: number
  /** An input that takes longer than this is a hang. */
  hangMs: number
  seed?: number
}

export interface FuzzStats {
  target: string
  inputs: number
  crashes: number
  hangs: number
  /** CPU time of the slowest input, the least of up to three timings of it (see `sync` below). */
  slowest_ms: number
  /** The slowest single timing in CPU time, GC pauses included. */
  slowest_single_ms: number
  /** Inputs timed again in CPU time because their wall time was over the slowest so far. */
  retimed: number
  seconds: number
  inputs_per_s: number
  /** Heap in use after the run minus before (after a full GC when --expose-gc is on). */
  heap_growth_mb: number
  seed: number
  /** The first failure: the (shrunk) input and what went wrong. */
  failure?: string
}

function describeInput (input: unknown): string {
  if (input instanceof Uint8Array) return `bytes ${Buffer.from(input).toString('hex').slice(0, 400)}`
  try {
    return JSON.stringify(input, (_k, v: unknown) => typeof v === 'bigint' ? `${v}n` : v instanceof Uint8Array ? Buffer.from(v).toString('hex') : v).slice(0, 400)
  } catch {
    return String(input).slice(0, 400)
  }
}

/**
 * CPU time of this process in ms. Inputs are timed in CPU time, not wall time: on a shared
 * machine (2 cores, several test suites) a process can wait 100 ms and more for a core, which
 * says nothing about the input. The decoders are synchronous or in-process, so CPU time is
 * what an input costs.
 */
function cpuMs (): number {
  const { user, system } = process.cpuUsage()
  return (user + system) / 1000
}

const wallMs = (): number => performance.now()

function heapMb (): number {
  (globalThis as { gc?: () => void }).gc?.()
  return process.memoryUsage().heapUsed / (1024 * 1024)
}

/** Runs a target; never throws for a failing input (the stats say what failed). */
export async function fuzzTarget<T> (target: FuzzTarget<T>, options: FuzzOptions): Promise<FuzzStats> {
  const context = await target.setup()
  const seed = options.seed ?? (Date.now() ^ (Math.random() * 0x7fffffff)) | 0
  let inputs = 0
  let hangs = 0
  let slowest = 0
  let rawSlowest = 0
  let retimed = 0
  let problem: string | undefined

  const check = (err: unknown, elapsed: number): boolean => {
    inputs++
    if (elapsed > slowest) slowest = elapsed
    if (err !== undefined) {
      const name = err instanceof Error ? err.name : typeof err
      if (!context.typedErrors.has(name)) {
        problem = `untyped ${name}: ${err instanceof Error ? err.message : String(err)}`
        return false
      }
    }
    if (elapsed > options.hangMs) {
      hangs++
      problem = `took ${elapsed.toFixed(1)} ms (hang bound ${options.hangMs} ms)`
      return false
    }
    return true
  }

  // Each input is timed once by the wall clock (performance.now(), cheap); only one that took
  // longer than the slowest so far, or than the hang bound, is timed again in CPU time, up to
  // three times (the least counts: a GC pause or a wait for a core can land on any input, a hang
  // is an input that is slow each time). CPU time is at most wall time for this single-threaded
  // work, so an input whose wall time is under both bounds has nothing to report. Two
  // process.cpuUsage() calls per input had cost more than the smaller decoders themselves.
  const retime = (elapsedWall: number): boolean => elapsedWall > slowest || elapsedWall > options.hangMs
  const timeSync = (input: T, clock: () => number): { err: unknown, elapsed: number } => {
    const started = clock()
    let err: unknown
    try {
      context.run(input) as void
    } catch (e) {
      err = e
    }
    return { err, elapsed: clock() - started }
  }
  const sync = (input: T): boolean => {
    const first = timeSync(input, wallMs)
    let elapsed = first.elapsed
    if (retime(elapsed)) {
      retimed++
      elapsed = Infinity
      for (let attempt = 0; attempt < 3 && elapsed > options.hangMs; attempt++) {
        const cpu = timeSync(input, cpuMs).elapsed
        if (attempt === 0) rawSlowest = Math.max(rawSlowest, cpu)
        elapsed = Math.min(elapsed, cpu)
      }
    }
    if (!check(first.err, elapsed)) return false
    const changed = context.changed?.() as string | undefined
    if (changed !== undefined) { problem = `state changed: ${changed}`; return false }
    return true
  }
  const timeAsync = async (input: T, clock: () => number): Promise<{ err: unknown, elapsed: number }> => {
    const started = clock()
    let err: unknown
    try {
      await context.run(input)
    } catch (e) {
      err = e
    }
    return { err, elapsed: clock() - started }
  }
  const async = async (input: T): Promise<boolean> => {
    const first = await timeAsync(input, wallMs)
    let elapsed = first.elapsed
    if (retime(elapsed)) {
      retimed++
      elapsed = Infinity
      for (let attempt = 0; attempt < 3 && elapsed > options.hangMs; attempt++) {
        const cpu = (await timeAsync(input, cpuMs)).elapsed
        if (attempt === 0) rawSlowest = Math.max(rawSlowest, cpu)
        elapsed = Math.min(elapsed, cpu)
      }
    }
    if (!check(first.err, elapsed)) return false
    const changed = await context.changed?.()
    if (changed !== undefined) { problem = `state changed: ${changed}`; return false }
    return true
  }

  const heapBefore = heapMb()
  const started = performance.now()
  const parameters = { numRuns: options.inputs, interruptAfterTimeLimit: options.seconds * 1000, markInterruptAsFailure: false, seed, endOnFailure: false }
  const details = target.async
    ? await fc.check(fc.asyncProperty(context.inputs, async), parameters)
    : fc.check(fc.property(context.inputs, sync), parameters)
  const seconds = (performance.now() - started) / 1000
  await context.teardown?.()
  const heapGrowth = heapMb() - heapBefore

  const failed = details.failed
  return {
    target: target.name,
    inputs,
    crashes: failed && hangs === 0 ? 1 : 0,
    hangs,
    slowest_ms: Number(slowest.toFixed(3)),
    slowest_single_ms: Number(rawSlowest.toFixed(3)),
    retimed,
    seconds: Number(seconds.toFixed(2)),
    inputs_per_s: Math.round(inputs / seconds),
    heap_growth_mb: Number(heapGrowth.toFixed(1)),
    seed,
    ...(failed ? { failure: `${problem ?? String(details.errorInstance)}; input: ${describeInput(details.counterexample?.[0])}` } : {})
  }
}
