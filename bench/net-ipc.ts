/**
 * The request/response channel between `npm run bench -- net` (the parent) and its worker
 * processes (bench/net-murmur.ts, bench/net-raw.ts), over Node's IPC channel of fork().
 *
 * Why separate processes: the issue asks for two nodes in separate processes, so that each
 * side has its own event loop and garbage collector, as two users' nodes would; the parent only
 * orchestrates and never runs libp2p itself. Every request carries a timeout, so a wedged worker
 * fails the benchmark instead of hanging it.
 */
import { fork, type ChildProcess } from 'node:child_process'
import { mkdir, writeFile } from 'node:fs/promises'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { Session, type HeapProfiler } from 'node:inspector/promises'
import { getHeapSpaceStatistics } from 'node:v8'
import { BenchmarkCheckError } from './harness.js'

export interface IpcRequest {
  id: number
  method: string
  params: unknown
}

export interface IpcResponse {
  id: number
  result?: unknown
  error?: string
}

/** Wall-clock milliseconds with sub-millisecond resolution, comparable across processes of one machine. */
export function nowMs (): number {
  return performance.timeOrigin + performance.now()
}

/** A worker process, driven by named requests. */
export class Worker {
  readonly label: string
  private readonly child: ChildProcess
  private nextId = 1
  private readonly pending = new Map<number, { resolve: (v: unknown) => void, reject: (e: Error) => void, timer: ReturnType<typeof setTimeout> }>()
  private exited = false

  constructor (label: string, script: string, execArgv: string[] = []) {
    this.label = label
    // stdout is the parent's table; a worker's diagnostics go to stderr, which is shared.
    this.child = fork(script, [], { execArgv, stdio: ['ignore', 'ignore', 'inherit', 'ipc'] })
    this.child.on('message', (message: IpcResponse) => {
      const waiter = this.pending.get(message.id)
      if (waiter == null) return
      this.pending.delete(message.id)
      clearTimeout(waiter.timer)
      if (message.error !== undefined) waiter.reject(new BenchmarkCheckError(`${label}: ${message.error}`))
      else waiter.resolve(message.result)
    })
    this.child.on('exit', (code, signal) => {
      this.exited = true
      for (const [id, waiter] of this.pending) {
        this.pending.delete(id)
        clearTimeout(waiter.timer)
        waiter.reject(new BenchmarkCheckError(`${label} exited (code ${String(code)}, signal ${String(signal)})`))
      }
    })
  }

  get pid (): number | undefined {
    return this.child.pid
  }

  async call<T> (method: string, params: unknown = {}, timeoutMs = 60_000): Promise<T> {
    if (this.exited) throw new BenchmarkCheckError(`${this.label} is not running`)
    const id = this.nextId++
    return await new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id)
        reject(new BenchmarkCheckError(`${this.label}: ${method} timed out after ${timeoutMs} ms`))
      }, timeoutMs)
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject, timer })
      this.child.send({ id, method, params } satisfies IpcRequest)
    })
  }

  /** Asks the worker to stop its nodes and exit; kills it if it does not within `timeoutMs`. */
  async close (timeoutMs = 15_000): Promise<void> {
    if (this.exited) return
    const exited = new Promise<void>(resolve => { this.child.once('exit', () => { resolve() }) })
    try {
      await this.call('exit', {}, timeoutMs)
    } catch {
      // Exiting may close the channel before the answer arrives; the kill below covers a hang.
    }
    const timer = setTimeout(() => { this.child.kill('SIGKILL') }, timeoutMs)
    await exited
    clearTimeout(timer)
  }
}

export type Handler = (params: never) => unknown

let profiler: Session | undefined

/**
 * CPU profiling of a measured phase only (`--profile DIR`): start, then stop writing
 * `<file>` (a .cpuprofile for Chrome DevTools or any profile viewer). A profile of the whole
 * worker would be mostly start-up and module loading.
 *
 * MURMUR_PROFILE_US sets the sampling interval (microseconds, 1000 unless set: finer shows a
 * single round trip's steps, at the cost of slowing them). MURMUR_HEAP_SAMPLE=1 also samples
 * allocations, collected objects included (what the collector has to sweep, not what stays), and
 * writes them beside the CPU profile as `<file>.heapprofile`.
 */
const SAMPLE_COLLECTED: HeapProfiler.StartSamplingParameterType & { includeObjectsCollectedByMajorGC: boolean, includeObjectsCollectedByMinorGC: boolean } = {
  samplingInterval: 8192,
  // V8 takes these (Node 20's types do not list them): without them the profile holds only what is still alive.
  includeObjectsCollectedByMajorGC: true,
  includeObjectsCollectedByMinorGC: true
}
const heapSampling = (): boolean => process.env.MURMUR_HEAP_SAMPLE !== undefined
const profiling: Record<string, Handler> = {
  profileStart: async () => {
    profiler ??= new Session()
    profiler.connect()
    await profiler.post('Profiler.enable')
    await profiler.post('Profiler.setSamplingInterval', { interval: Number(process.env.MURMUR_PROFILE_US ?? 1000) })
    await profiler.post('Profiler.start')
    if (heapSampling()) {
      await profiler.post('HeapProfiler.enable')
      await profiler.post('HeapProfiler.startSampling', SAMPLE_COLLECTED)
    }
    return null
  },
  profileStop: async (params: { file: string }) => {
    if (profiler === undefined) throw new BenchmarkCheckError('no profile running')
    const { profile } = await profiler.post('Profiler.stop')
    if (heapSampling()) {
      const { profile: heap } = await profiler.post('HeapProfiler.stopSampling')
      await writeFile(params.file.replace('.cpuprofile', '.heapprofile'), JSON.stringify(heap))
    }
    profiler.disconnect()
    profiler = undefined
    await writeFile(params.file, JSON.stringify(profile))
    return params.file
  }
}

/**
 * The worker side: answers requests with `handlers[method](params)`. `exit` runs `onExit`, then
 * answers and leaves the process.
 */
export function serve (handlers: Record<string, Handler>, onExit: () => Promise<void>): void {
  const send = process.send?.bind(process)
  if (send == null) throw new BenchmarkCheckError('this worker runs only under `npm run bench -- net` (no IPC channel)')
  process.on('message', (request: IpcRequest) => {
    void (async () => {
      let response: IpcResponse
      try {
        if (request.method === 'exit') {
          await onExit()
          send({ id: request.id, result: null } satisfies IpcResponse, () => { process.exit(0) })
          return
        }
        const handler = handlers[request.method] ?? profiling[request.method]
        if (handler === undefined) throw new BenchmarkCheckError(`unknown method ${request.method}`)
        response = { id: request.id, result: await handler(request.params as never) }
      } catch (err) {
        response = { id: request.id, error: err instanceof Error ? `${err.name}: ${err.message}` : String(err) }
      }
      send(response)
    })()
  })
  process.on('disconnect', () => { void onExit().finally(() => { process.exit(0) }) })
}

/** Percentile by nearest rank on a sorted copy (p in 0..100). */
export function percentile (values: readonly number[], p: number): number {
  if (values.length === 0) throw new RangeError('percentile of an empty list')
  const sorted = [...values].sort((a, b) => a - b)
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))
  return sorted[rank]
}

/** A 100-byte ASCII text, distinct per index so that no two messages are alike. */
export function text100 (i: number): string {
  const head = `m${i} `
  return head + 'x'.repeat(100 - head.length)
}

export interface MemoryFigures {
  rss: number
  heapUsed: number
  heapTotal: number
  external: number
  arrayBuffers: number
  /**
   * Where the RSS lies (Linux only, /proc/self/smaps_rollup): anonymous memory (V8's heap,
   * malloc's arenas, WebAssembly memories) and file-backed pages (node's own binary and the
   * native addons, shared with every other node process), in bytes.
   */
  anonymous?: number
  fileBacked?: number
  /** V8's heap spaces after the collections, committed bytes by space name (new_space, old_space, code_space...). */
  heapSpaces: Record<string, number>
}

/** The anonymous and file-backed resident bytes of this process, where /proc says (Linux). */
function residentKinds (): { anonymous?: number, fileBacked?: number } {
  let rollup: string
  try {
    rollup = readFileSync('/proc/self/smaps_rollup', 'utf8')
  } catch {
    return {}
  }
  const kb = (field: string): number | undefined => {
    const m = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(rollup)
    return m === null ? undefined : Number(m[1]) * 1024
  }
  const rss = kb('Rss')
  const anonymous = kb('Anonymous')
  if (rss === undefined || anonymous === undefined) return {}
  return { anonymous, fileBacked: rss - anonymous }
}

/** process.memoryUsage() after two full garbage collections (needs --expose-gc), with where the RSS lies. */
export async function settledMemory (): Promise<MemoryFigures> {
  const gc = (globalThis as { gc?: () => void }).gc
  for (let i = 0; i < 2; i++) {
    gc?.()
    await new Promise(resolve => setTimeout(resolve, 50))
  }
  const m = process.memoryUsage()
  const heapSpaces = Object.fromEntries(getHeapSpaceStatistics().map(s => [s.space_name, s.space_size]))
  return { rss: m.rss, heapUsed: m.heapUsed, heapTotal: m.heapTotal, external: m.external, arrayBuffers: m.arrayBuffers, ...residentKinds(), heapSpaces }
}

/** What quietMemory measured, how long it waited, and whether V8 had shrunk the young generation by then. */
export type QuietMemoryFigures = MemoryFigures & { waitedMs: number, quiet: boolean }

/** How often quietMemory looks, and the most it waits. */
const QUIET_POLL_MS = 1_000
const QUIET_CAP_MS = 120_000
/** The young generation at rest: V8 starts it at 2 x 1 MiB semi-spaces and shrinks it back there. */
const QUIET_NEW_SPACE_BYTES = 4 * 2 ** 20

/**
 * What the process holds once it has gone quiet, not its high-water mark: a process that has
 * just worked keeps its young generation at full size (V8 grows it to 2 x 16 MiB under load)
 * until V8's memory reducer, which acts only after the allocation rate has stayed low for a
 * while (seconds to a minute here), shrinks it; a forced gc() does not. Waits, without
 * collecting (the reducer must see an idle heap), until the young generation is back to
 * QUIET_NEW_SPACE_BYTES or QUIET_CAP_MS has passed, then takes settledMemory(). `waitedMs`
 * says how long that took, `quiet` whether the reducer had acted.
 */
export async function quietMemory (): Promise<QuietMemoryFigures> {
  const started = Date.now()
  const newSpace = (): number => getHeapSpaceStatistics().find(s => s.space_name === 'new_space')?.space_size ?? 0
  let quiet = newSpace() <= QUIET_NEW_SPACE_BYTES
  while (!quiet && Date.now() - started < QUIET_CAP_MS) {
    await new Promise(resolve => setTimeout(resolve, QUIET_POLL_MS))
    quiet = newSpace() <= QUIET_NEW_SPACE_BYTES
  }
  return { ...await settledMemory(), waitedMs: Date.now() - started, quiet }
}

/**
 * With a profile folder, runs `body` with the CPU profiler of each worker on and writes
 * `<dir>/<name>-<worker label>.cpuprofile`: the measured phase alone, not start-up. Without
 * one, just runs `body`. Returns the files written.
 */
export async function profileWorkers<T> (dir: string | undefined, name: string, workers: readonly Worker[], body: () => Promise<T>): Promise<{ value: T, files: string[] }> {
  if (dir === undefined) return { value: await body(), files: [] }
  await mkdir(dir, { recursive: true })
  await Promise.all(workers.map(async w => await w.call('profileStart')))
  const files: string[] = []
  try {
    return { value: await body(), files }
  } finally {
    for (const w of workers) files.push(await w.call<string>('profileStop', { file: join(dir, `${name}-${w.label}.cpuprofile`) }))
  }
}
