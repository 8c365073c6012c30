/**
 * Worker process of `npm run bench -- net`: hosts one or more murmur nodes (createMurmur, the
 * same API the CLI and the local API use) and runs the timed parts on request (bench/net-ipc.ts).
 *
 * Timings that span two processes (a flood from the sender, counted at the receiver) use
 * nowMs(), wall-clock time with sub-millisecond resolution, which both processes share.
 */
import '../src/runtime/node20-shims.js'
import { randomBytes } from 'node:crypto'
import { mkdir } from 'node:fs/promises'
import { PerformanceObserver, type PerformanceEntry } from 'node:perf_hooks'
import { ClassicLevel } from 'classic-level'
import { defaultProvider } from '../src/crypto/providers/index.js'
import { createMurmur, type Murmur, type MessageView } from '../src/messenger/index.js'
import { openHome } from '../src/messenger/unlock.js'
import type { HistoryRecord } from '../src/store/index.js'
import { BenchmarkCheckError } from './harness.js'
import { nowMs, quietMemory, serve, settledMemory, text100, type Handler } from './net-ipc.js'

const nodes: Murmur[] = []

/**
 * Diagnostic counters of LevelDB calls made by the messenger's store (<home>/store; the libp2p
 * datastore is left out), for the per-message figures in the report: how many batches (and of
 * those, fsynced) and reads each message costs. Counting only; behaviour is unchanged.
 */
export interface StoreCounters { batches: number, syncedBatches: number, ops: number, gets: number, getManys: number, iterators: number }
const counters: StoreCounters = { batches: 0, syncedBatches: 0, ops: 0, gets: 0, getManys: 0, iterators: 0 }

function countStoreCalls (): void {
  type Method = (this: { location: string }, ...args: unknown[]) => unknown
  const proto = ClassicLevel.prototype as unknown as Record<string, Method>
  const isStore = (self: { location: string }): boolean => self.location.endsWith('/store')
  const wrap = (name: string, count: (args: unknown[]) => void): void => {
    const original = proto[name]
    proto[name] = function (this: { location: string }, ...args: unknown[]) {
      if (isStore(this)) count(args)
      return original.apply(this, args)
    }
  }
  wrap('_batch', (args) => {
    counters.batches++
    counters.ops += (args[0] as unknown[]).length
    if ((args[1] as { sync?: boolean } | undefined)?.sync === true) counters.syncedBatches++
  })
  wrap('_get', () => { counters.gets++ })
  wrap('_getMany', () => { counters.getManys++ })
  wrap('_iterator', () => { counters.iterators++ })
}
countStoreCalls()

function node (index: number): Murmur {
  const n = nodes[index]
  if (n === undefined) throw new BenchmarkCheckError(`no node ${index}`)
  return n
}

/** The passphrase of the benchmark's encrypted homes (scrypt runs once per start, outside any timing). */
const BENCH_PASSPHRASE = 'murmur benchmark passphrase'

export interface StartParams {
  home: string
  /** An encrypted home (the default, as `murmur init` makes it), or one made with --no-passphrase. */
  encrypted?: boolean
  bootstrap?: string[]
  /** Fill the history of the conversation with `peerId` with `count` entries before starting. */
  prefill?: { peerId: string, count: number }
}

export interface Started {
  index: number
  peerId: string
  addresses: string[]
  prefillMs?: number
}

/**
 * Writes `count` history entries (half in, half out, 100-byte texts) straight into the store,
 * as months of use would have, in batches of 1,000: far faster than sending them, and the
 * layout on disk is the same one the messenger writes.
 */
async function prefill (home: string, peerId: string, count: number, encrypted: boolean): Promise<number> {
  const started = nowMs()
  await mkdir(home, { recursive: true })
  // Through the home, so that an encrypted home's history is written encrypted, as the messenger would.
  const { store } = await openHome({ home, provider: defaultProvider(), createIdentity: true, ...protection(encrypted) })
  try {
    const at = Date.now() - count * 1000
    for (let done = 0; done < count;) {
      const batch = store.batch()
      const end = Math.min(count, done + 1000)
      for (; done < end; done++) {
        const seq = await store.allocateSeq(peerId)
        const inbound = done % 2 === 0
        const entry: HistoryRecord = {
          peerId,
          seq,
          id: randomBytes(16).toString('hex'),
          direction: inbound ? 'in' : 'out',
          text: text100(done),
          sentAt: at + done * 1000,
          state: inbound ? 'received' : 'delivered',
          ...(inbound ? { receivedAt: at + done * 1000 } : {})
        }
        batch.appendHistory(entry, { unread: false })
      }
      await store.write(batch, { sync: end === count })
    }
  } finally {
    await store.close()
  }
  return nowMs() - started
}

function protection (encrypted: boolean): { passphrase: string } | { noPassphrase: true } {
  return encrypted ? { passphrase: BENCH_PASSPHRASE } : { noPassphrase: true }
}

async function start (params: StartParams): Promise<Started> {
  let prefillMs: number | undefined
  const encrypted = params.encrypted !== false
  if (params.prefill !== undefined) prefillMs = await prefill(params.home, params.prefill.peerId, params.prefill.count, encrypted)
  const murmur = await createMurmur({
    home: params.home,
    createIdentity: true,
    ...protection(encrypted),
    listen: ['/ip4/127.0.0.1/tcp/0'],
    mdns: false,
    ...(params.bootstrap !== undefined ? { bootstrap: params.bootstrap } : {})
  })
  await murmur.start()
  nodes.push(murmur)
  const { addresses } = await murmur.id()
  return { index: nodes.length - 1, peerId: murmur.peerId, addresses, ...(prefillMs !== undefined ? { prefillMs } : {}) }
}

const ACKED = ['sent', 'delivered', 'read'] as const

/** Resolves once `view` is acknowledged by the recipient (state sent or later). */
async function acked (murmur: Murmur, to: string, view: MessageView, timeoutMs: number): Promise<MessageView> {
  if ((ACKED as readonly string[]).includes(view.state)) return view
  const after = await murmur.waitForState(to, view.id, [...ACKED], { timeoutMs })
  if (!(ACKED as readonly string[]).includes(after.state)) throw new BenchmarkCheckError(`message not acknowledged: ${after.state}`)
  return after
}

/** A garbage-collection pause of this process: when it began (nowMs() clock) and how long it held the thread (ms). */
export interface GcPause { at: number, ms: number }

/**
 * Records this process's GC pauses (Node's 'gc' performance entries: scavenges, mark-compacts,
 * incremental marking steps) until `take()`, which returns them and stops recording. Why: a
 * round trip in which either end stops for a collection takes that pause in full, and
 * whether the round trip's tail is made of them is read against these (docs/benchmarks.md,
 * "The net benchmark").
 */
function recordGcPauses (): { take: () => GcPause[] } {
  const pauses: GcPause[] = []
  const add = (entries: PerformanceEntry[]): void => {
    for (const e of entries) pauses.push({ at: performance.timeOrigin + e.startTime, ms: e.duration })
  }
  const observer = new PerformanceObserver((list) => { add(list.getEntries()) })
  observer.observe({ entryTypes: ['gc'] })
  return {
    take: () => {
      add(observer.takeRecords())
      observer.disconnect()
      return pauses
    }
  }
}

export interface RttTrace {
  id: string
  /** nowMs() before send(), when the 'sent' state event fired, and when send() resolved. */
  start: number
  sent: number
  returned: number
}

/**
 * Sequential round trips: send() then the recipient's durable ack (state 'sent'), in
 * milliseconds each, and a trace per message so that the parent can split each round trip at
 * the receiver's 'message' event (see traceStart).
 */
async function rtt (params: { node: number, to: string, count: number }): Promise<{ ms: number[], trace: RttTrace[], gc: GcPause[], cpuUs: number }> {
  const murmur = node(params.node)
  const gc = recordGcPauses()
  const cpu0 = process.cpuUsage()
  const ms: number[] = []
  const trace: RttTrace[] = []
  const sentAt = new Map<string, number>()
  const off = murmur.events.on('message:state', (e) => {
    if (e.state === 'sent' && e.peerId === params.to) sentAt.set(e.id, nowMs())
  })
  try {
    for (let i = 0; i < params.count; i++) {
      const start = nowMs()
      const t0 = performance.now()
      const view = await murmur.send(params.to, text100(i))
      const returned = nowMs()
      await acked(murmur, params.to, view, 10_000)
      ms.push(performance.now() - t0)
      trace.push({ id: view.id, start, sent: sentAt.get(view.id) ?? returned, returned })
    }
  } finally {
    off()
  }
  const cpu = process.cpuUsage(cpu0)
  return { ms, trace, gc: gc.take(), cpuUs: cpu.user + cpu.system }
}

const traces = new Map<number, { times: Map<string, number>, off: () => void, gc: { take: () => GcPause[] }, cpu0: NodeJS.CpuUsage }>()

/**
 * Records when each incoming message becomes durable ('message' event), by message id, this
 * process's GC pauses, and its CPU time (all threads, user and system) until traceTake.
 */
function traceStart (params: { node: number }): null {
  const times = new Map<string, number>()
  const off = node(params.node).events.on('message', (m) => { times.set(m.id, nowMs()) })
  traces.set(params.node, { times, off, gc: recordGcPauses(), cpu0: process.cpuUsage() })
  return null
}

function traceTake (params: { node: number }): { durableAt: Record<string, number>, gc: GcPause[], cpuUs: number } {
  const t = traces.get(params.node)
  if (t === undefined) throw new BenchmarkCheckError('no trace running')
  const cpu = process.cpuUsage(t.cpu0)
  t.off()
  traces.delete(params.node)
  return { durableAt: Object.fromEntries(t.times), gc: t.gc.take(), cpuUs: cpu.user + cpu.system }
}

/**
 * One-way flood: `count` sends with at most `window` in flight. Returns when every send() has
 * resolved; the receiver times the end (expect). The start time is taken just before the first send.
 */
async function flood (params: { node: number, to: string, count: number, window: number }): Promise<{ startedAt: number, sendersDoneAt: number, cpuUs: number }> {
  const murmur = node(params.node)
  let next = 0
  const cpu0 = process.cpuUsage()
  const startedAt = nowMs()
  const lane = async (): Promise<void> => {
    while (next < params.count) {
      const i = next++
      await murmur.send(params.to, text100(i))
    }
  }
  await Promise.all(Array.from({ length: Math.min(params.window, params.count) }, lane))
  const sendersDoneAt = nowMs()
  const cpu = process.cpuUsage(cpu0)
  return { startedAt, sendersDoneAt, cpuUs: cpu.user + cpu.system }
}

interface Expectation {
  promise: Promise<{ firstAt: number, lastAt: number, cpuUs: number, count: number }>
}

const expectations = new Map<string, Expectation>()

/**
 * Arms a counter of `count` incoming messages from `from` (the 'message' event fires after the
 * receiving batch is durable). `await` collects it: the time of the last one and the CPU this
 * process spent between arming and the last one (user + system, all threads: LevelDB included).
 */
function expect (params: { node: number, from: string, count: number, key: string }): null {
  const murmur = node(params.node)
  const cpu0 = process.cpuUsage()
  let seen = 0
  let firstAt = 0
  const promise = new Promise<{ firstAt: number, lastAt: number, cpuUs: number, count: number }>((resolve) => {
    const off = murmur.events.on('message', (m) => {
      if (m.peerId !== params.from) return
      seen++
      if (seen === 1) firstAt = nowMs()
      if (seen === params.count) {
        const lastAt = nowMs()
        const cpu = process.cpuUsage(cpu0)
        off()
        resolve({ firstAt, lastAt, cpuUs: cpu.user + cpu.system, count: seen })
      }
    })
  })
  expectations.set(params.key, { promise })
  return null
}

async function collect (params: { key: string, timeoutMs: number }): Promise<{ firstAt: number, lastAt: number, cpuUs: number, count: number }> {
  const e = expectations.get(params.key)
  if (e === undefined) throw new BenchmarkCheckError(`no expectation ${params.key}`)
  let timer: ReturnType<typeof setTimeout> | undefined
  try {
    return await Promise.race([
      e.promise,
      new Promise<never>((_resolve, reject) => { timer = setTimeout(() => { reject(new BenchmarkCheckError('messages did not all arrive in time')) }, params.timeoutMs) })
    ])
  } finally {
    clearTimeout(timer)
    expectations.delete(params.key)
  }
}

/** Sends one message and waits until it is delivered (the recipient's encrypted receipt): a full session on both sides. */
async function establish (params: { node: number, to: string }): Promise<string> {
  const murmur = node(params.node)
  const view = await murmur.send(params.to, text100(0))
  const done = await murmur.waitForState(params.to, view.id, ['delivered', 'read'], { timeoutMs: 30_000 })
  if (done.state !== 'delivered' && done.state !== 'read') throw new BenchmarkCheckError(`session with ${params.to} not established: ${done.state}`)
  return done.state
}

/**
 * Waits until node `node` has a connection to `peer`. The benchmark sends only then: a send
 * right after start, before the bootstrap dial has put the peer's address in the peer store,
 * waits on a DHT lookup instead (see the report of this benchmark).
 *
 * No fixed deadline that load can break: a bootstrap dial that fails (a loaded machine, the
 * peer still filling its history) is redialled by the node's own bootstrap service with
 * backoff, and this waits for it, up to `capMs` (minutes, not seconds). The dials beyond the
 * first of either side's bootstrap list are counted as retries for the report.
 */
async function connected (params: { node: number, peer: string, capMs: number }): Promise<{ ms: number, retries: number }> {
  const murmur = node(params.node)
  const t0 = performance.now()
  while (performance.now() - t0 < params.capMs) {
    const status = await murmur.status()
    const retries = status.bootstrap.reduce((sum, b) => sum + Math.max(0, b.attempts - 1), 0)
    if (status.peers.includes(params.peer)) return { ms: performance.now() - t0, retries }
    await new Promise(resolve => setTimeout(resolve, 50))
  }
  throw new BenchmarkCheckError(`no connection to ${params.peer} after ${params.capMs} ms of bootstrap redials`)
}

/** Bootstrap dials beyond the first, summed over node `node`'s bootstrap list. */
async function bootstrapRetries (params: { node: number }): Promise<number> {
  return (await node(params.node).status()).bootstrap.reduce((sum, b) => sum + Math.max(0, b.attempts - 1), 0)
}

async function stopAll (): Promise<void> {
  await Promise.allSettled(nodes.splice(0).map(async n => { await n.stop() }))
}

const handlers: Record<string, Handler> = {
  start,
  rtt,
  traceStart,
  traceTake,
  flood,
  expect,
  collect,
  establish,
  connected,
  bootstrapRetries,
  memory: settledMemory,
  quietMemory,
  counters: () => ({ ...counters }),
  stopAll,
  history: async (params: { node: number, peer: string }) => (await node(params.node).history(params.peer, { limit: 1 }))[0]?.seq ?? 0
}

serve(handlers, stopAll)
