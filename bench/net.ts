/**
 * `npm run bench -- net`: two murmur nodes in separate processes on loopback (TCP), durable
 * 100-byte messages, beside raw libp2p in the same run (docs/benchmarks.md, "The net benchmark").
 *
 * 1. Round trip: send() -> state 'sent' (the recipient's ack, given after its durable batch),
 *    against a 100-byte frame echoed on one open raw libp2p stream. Target: p50 <= 2 x raw.
 * 2. Throughput one way: many send()s in flight, from the first send to the last 'message'
 *    event at the receiver (emitted after the receiving batch is durable), against raw awaited
 *    framed writes. Target: >= 50% of raw.
 * 3. History: the receiver's per-message CPU (and wall) cost with 1,000 against 100,000
 *    entries already in that conversation's history. Target: ratio <= 1.2.
 * 4. Memory: RSS and heap of an idle started node; growth per additional session (N peers in
 *    another process each establish a session and stay connected).
 * 5. Encryption at rest: rounds 1 and 2 run twice, on homes with a passphrase (encrypted
 *    stores: the figures above) and on homes made with --no-passphrase, alternating. Target:
 *    encrypted at most 15% slower (rtt p50 <= 1.15 x, msgs/s >= 0.85 x the unencrypted run).
 *
 * Rounds alternate murmur and raw (and 1k and 100k) so that load from elsewhere on the 2
 * noisy cores hits both alike; each figure is the median over rounds.
 *
 * Options: --rounds N (6: even, so that each pair leads as often), --rtt N round trips per round (200), --flood N murmur messages per
 * round (2000), --raw-flood N raw frames per round (20000), --window N sends in flight (256),
 * --history N (100000), --history-base N (1000), --history-flood N per round (1000),
 * --sessions N (20), --only rtt|throughput|history|memory (repeatable; writes no result file),
 * --quick (small counts, 2 rounds: a smoke run), --profile DIR (the murmur workers of both pairs write .cpuprofile files).
 */
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import {
  BenchmarkOptionError, formatNumber, formatTable, inABBAOrder, median, positiveInteger, relativeSpread, resultMeta, writeResult,
  type ResultMeta
} from './harness.js'
import { percentile, profileWorkers, Worker, type MemoryFigures, type QuietMemoryFigures } from './net-ipc.js'
import type { GcPause, RttTrace, Started, StoreCounters } from './net-murmur.js'

const PHASES = ['rtt', 'throughput', 'history', 'memory'] as const
type Phase = typeof PHASES[number]

interface Options {
  rounds: number
  rtt: number
  flood: number
  rawFlood: number
  window: number
  history: number
  historyBase: number
  historyFlood: number
  sessions: number
  only: Set<Phase>
  profile?: string
}

export interface NetResults {
  rtt_p50_ms?: number
  rtt_p99_ms?: number
  raw_rtt_p50_ms?: number
  raw_rtt_p99_ms?: number
  rtt_ratio?: number
  /** A synced LevelDB batch on the receiver's disk, p50 and p99 (ms). */
  fsync_p50_ms?: number
  fsync_p99_ms?: number
  /** The round trip's floor: raw round trip + 2 synced writes (the sender's, the receiver's), p50 (ms). */
  rtt_floor_ms?: number
  /** Round trip p50 / its floor, and p99 / (raw p99 + 2 x fsync p99): medians of per-round ratios. */
  rtt_floor_ratio?: number
  rtt_p99_floor_ratio?: number
  /**
   * Round trips during which the sender or the receiver stopped for a garbage collection (share,
   * median of per-round shares), and p99 of the round trips in which neither did (ms): how much
   * of the tail is collections.
   */
  rtt_gc_share?: number
  rtt_p99_without_gc_ms?: number
  /**
   * Each process's CPU time per round trip (us, all threads, median of rounds). The two take
   * turns, so their sum beside the round trip's time says whether it waits or computes.
   */
  rtt_sender_cpu_us?: number
  rtt_receiver_cpu_us?: number
  msgs_per_s?: number
  raw_msgs_per_s?: number
  throughput_ratio?: number
  /** The ratchet's own encrypt + decrypt rate, one way (msg/s). */
  ratchet_floor_msgs_per_s?: number
  /** One way / min(raw frames/s, ratchet floor): median of per-round ratios. */
  throughput_floor_ratio?: number
  history_cost_ratio?: number
  history_wall_ratio?: number
  history_cpu_us_per_msg?: { base: number, large: number }
  idle_node_mb?: number
  idle_node_heap_mb?: number
  /** The node's RSS 3 s after start (the figure idle_node_mb was before it waited for a quiet heap). */
  idle_node_mb_at_start?: number
  per_session_kb?: number
  per_session_rss_kb?: number
  /** The same round trips and floods on unencrypted homes (--no-passphrase), and the cost of encryption. */
  rtt_p50_plain_ms?: number
  msgs_per_s_plain?: number
  /** Medians of the per-round ratios (each round's two runs sat next to each other in time). */
  encryption_rtt_ratio?: number
  encryption_throughput_ratio?: number
  /** Sender + receiver CPU per message, encrypted / unencrypted: what encryption costs, less sensitive to load than time. */
  encryption_cpu_ratio?: number
  targets: Array<{ name: string, value: number, limit: number, met: boolean }>
  meta: ResultMeta & { options: Omit<Options, 'only'>, details: Record<string, unknown>, retries?: number }
}

function parseArgs (args: string[]): Options {
  const o: Options = {
    rounds: 6, rtt: 200, flood: 2000, rawFlood: 20_000, window: 256, history: 100_000, historyBase: 1000, historyFlood: 1000, sessions: 20, only: new Set()
  }
  const numeric: Record<string, keyof Options> = {
    '--rounds': 'rounds', '--rtt': 'rtt', '--flood': 'flood', '--raw-flood': 'rawFlood', '--window': 'window', '--history': 'history', '--history-base': 'historyBase', '--history-flood': 'historyFlood', '--sessions': 'sessions'
  }
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]
    const key = numeric[arg]
    if (key !== undefined) {
      (o as unknown as Record<string, number>)[key] = positiveInteger(arg, args[++i] ?? '')
    } else if (arg === '--only') {
      const phase = args[++i] as Phase
      if (!PHASES.includes(phase)) throw new BenchmarkOptionError(`--only takes ${PHASES.join('|')}`)
      o.only.add(phase)
    } else if (arg === '--profile') {
      const dir = args[++i]
      if (dir === undefined) throw new BenchmarkOptionError('--profile needs a folder')
      o.profile = resolve(dir)
    } else if (arg === '--quick') {
      Object.assign(o, { rounds: 2, rtt: 50, flood: 500, rawFlood: 5000, history: 20_000, historyFlood: 300, sessions: 5 })
    } else {
      throw new BenchmarkOptionError(`unknown option ${arg}`)
    }
  }
  return o
}

const here = dirname(fileURLToPath(import.meta.url))

function log (line: string): void {
  process.stderr.write(line + '\n')
}

function worker (label: string, script: 'net-murmur.js' | 'net-raw.js'): Worker {
  return new Worker(label, join(here, script), ['--expose-gc'])
}

/** With --profile DIR, the workers' CPU profiles of the measured phase (bench/net-ipc.ts profileWorkers). */
async function profiled<T> (o: Options, phase: string, workers: Worker[], body: () => Promise<T>): Promise<T> {
  const { value, files } = await profileWorkers(o.profile, phase, workers, body)
  for (const file of files) log(`net: wrote ${file}`)
  return value
}

/** Starts workers, runs `body`, and always closes the workers and removes the homes. */
class Session {
  private readonly workers: Worker[] = []
  private readonly dirs: string[] = []
  constructor (private readonly options: Options) {}

  spawn (label: string, script: 'net-murmur.js' | 'net-raw.js'): Worker {
    const w = worker(label, script)
    this.workers.push(w)
    return w
  }

  async home (): Promise<string> {
    const dir = await mkdtemp(join(tmpdir(), 'murmur-bench-net-'))
    this.dirs.push(dir)
    return join(dir, 'home')
  }

  async close (): Promise<void> {
    await Promise.allSettled(this.workers.splice(0).map(async w => { await w.close() }))
    await Promise.all(this.dirs.splice(0).map(async d => { await rm(d, { recursive: true, force: true }) }))
  }
}

/** Bootstrap dials beyond the first, over every `connect` of the run (meta.retries). */
let connectRetries = 0

/** Waits until `w`'s node `index` is connected to `peer`, however long its bootstrap redials take (worker.connected). */
async function connect (w: Worker, index: number, peer: string): Promise<void> {
  const { retries } = await w.call<{ ms: number, retries: number }>('connected', { node: index, peer, capMs: CONNECT_CAP_MS }, CONNECT_CAP_MS + 10_000)
  connectRetries += retries
  if (retries > 0) log(`net: ${w.label} connected after ${retries} bootstrap redial(s)`)
}

/** How long `connect` waits for bootstrap redials before the benchmark gives up: far beyond any load. */
const CONNECT_CAP_MS = 5 * 60_000
/** Synced writes per round for the fsync floor. */
const FSYNC_SAMPLES = 100
/** Length of one ratchet-floor measurement (ms). */
const RATCHET_FLOOR_MS = 500
/** Unmeasured round trips, and messages of a flood, of each pair before a round's measured ones (inBothOrders). */
const RTT_WARM_UP = 20
const FLOOD_WARM_UP = 200

interface FloodFigures {
  perSec: number
  wallMsPerMsg: number
  receiverCpuUsPerMsg: number
  senderCpuUsPerMsg: number
  /** LevelDB calls of each side's store per message sent (diagnostics). */
  senderStore: StoreCounters
  receiverStore: StoreCounters
}

function perMessage (after: StoreCounters, before: StoreCounters, count: number): StoreCounters {
  const out = { ...after }
  for (const k of Object.keys(out) as Array<keyof StoreCounters>) out[k] = Math.round(((after[k] - before[k]) / count) * 100) / 100
  return out
}

async function murmurFlood (sender: Worker, senderIndex: number, senderPeerId: string, receiver: Worker, receiverIndex: number, receiverPeerId: string, count: number, window: number): Promise<FloodFigures> {
  const key = `flood-${Math.random()}`
  await receiver.call('expect', { node: receiverIndex, from: senderPeerId, count, key })
  const s0 = await sender.call<StoreCounters>('counters')
  const r0 = await receiver.call<StoreCounters>('counters')
  const { startedAt, cpuUs } = await sender.call<{ startedAt: number, cpuUs: number }>('flood', { node: senderIndex, to: receiverPeerId, count, window }, 300_000)
  const got = await receiver.call<{ lastAt: number, cpuUs: number }>('collect', { key, timeoutMs: 120_000 }, 130_000)
  const s1 = await sender.call<StoreCounters>('counters')
  const r1 = await receiver.call<StoreCounters>('counters')
  const ms = got.lastAt - startedAt
  return { perSec: count / (ms / 1000), wallMsPerMsg: ms / count, receiverCpuUsPerMsg: got.cpuUs / count, senderCpuUsPerMsg: cpuUs / count, senderStore: perMessage(s1, s0, count), receiverStore: perMessage(r1, r0, count) }
}

async function rawFlood (client: Worker, address: string, count: number): Promise<number> {
  const r = await client.call<{ startedAt: number, endedAt: number }>('flood', { address, count }, 300_000)
  return count / ((r.endedAt - r.startedAt) / 1000)
}

/**
 * Splits each round trip at the moment the message became durable at the receiver (its
 * 'message' event): before it, the sender's own persist, transmission and the receiver's
 * decrypt + persist; after it, the ack's way back and the sender's state write. Medians, ms.
 */
function splitRoundTrips (trace: RttTrace[], durableAt: Record<string, number>): { toDurable: number, durableToSent: number } {
  const toDurable: number[] = []
  const durableToSent: number[] = []
  for (const t of trace) {
    const at = durableAt[t.id]
    if (at === undefined) continue
    toDurable.push(at - t.start)
    durableToSent.push(t.sent - at)
  }
  if (toDurable.length === 0) throw new BenchmarkOptionError('no round trip could be traced at the receiver')
  return { toDurable: median(toDurable), durableToSent: median(durableToSent) }
}

/** One run of sequential round trips; `senderCpuUs` and `receiverCpuUs`: each process's CPU time during it (all threads). */
interface RoundTrips { ms: number[], trace: RttTrace[], durableAt: Record<string, number>, gc: GcPause[], senderCpuUs: number, receiverCpuUs: number }

/**
 * Which round trips (by index into `trace`) overlapped a GC pause of either process: from
 * before send() to the 'sent' state event.
 */
function overlapsGc (trace: RttTrace[], pauses: GcPause[]): boolean[] {
  return trace.map(t => pauses.some(p => p.at < t.sent && p.at + p.ms > t.start))
}

/**
 * A round's encrypted and unencrypted runs, each pair twice with half of `count` (inABBAOrder),
 * after `warmUp` unmeasured runs of each. Returns each pair's halves, encrypted first.
 */
async function inBothOrders<T> (encrypted: Pair, plain: Pair, plainFirst: boolean, count: number, run: (pair: Pair, count: number) => Promise<T>, warmUp = 0): Promise<[T[], T[]]> {
  const half = Math.max(1, Math.round(count / 2))
  if (warmUp > 0) {
    for (const pair of plainFirst ? [encrypted, plain] : [plain, encrypted]) await run(pair, warmUp)
  }
  return await inABBAOrder(async () => await run(encrypted, half), async () => await run(plain, half), plainFirst)
}

function joinRoundTrips (halves: RoundTrips[]): { ms: number[], split: ReturnType<typeof splitRoundTrips>, gcShare: number, msWithoutGc: number[], senderCpuUsPerRtt: number, receiverCpuUsPerRtt: number } {
  const ms = halves.flatMap(h => h.ms)
  const withGc = halves.flatMap(h => overlapsGc(h.trace, h.gc))
  const total = (f: (h: RoundTrips) => number): number => halves.reduce((sum, h) => sum + f(h), 0)
  return {
    ms,
    senderCpuUsPerRtt: total(h => h.senderCpuUs) / ms.length,
    receiverCpuUsPerRtt: total(h => h.receiverCpuUs) / ms.length,
    split: splitRoundTrips(halves.flatMap(h => h.trace), Object.assign({}, ...halves.map(h => h.durableAt))),
    gcShare: withGc.filter(Boolean).length / Math.max(1, withGc.length),
    msWithoutGc: ms.filter((_, i) => withGc[i] !== true)
  }
}

/** Two halves of a flood as one: messages over summed time, CPU and store calls per message averaged. */
function joinFloods (halves: FloodFigures[]): FloodFigures {
  const n = halves.length
  const mean = (f: (h: FloodFigures) => number): number => halves.reduce((sum, h) => sum + f(h), 0) / n
  const counters = (f: (h: FloodFigures) => StoreCounters): StoreCounters => {
    const out = { ...f(halves[0]) }
    for (const k of Object.keys(out) as Array<keyof StoreCounters>) out[k] = Math.round(mean(h => f(h)[k]) * 100) / 100
    return out
  }
  const wallMsPerMsg = mean(h => h.wallMsPerMsg)
  return {
    perSec: 1000 / wallMsPerMsg,
    wallMsPerMsg,
    receiverCpuUsPerMsg: mean(h => h.receiverCpuUsPerMsg),
    senderCpuUsPerMsg: mean(h => h.senderCpuUsPerMsg),
    senderStore: counters(h => h.senderStore),
    receiverStore: counters(h => h.receiverStore)
  }
}

interface MainFigures {
  rtt?: {
    p50: number[]
    p99: number[]
    rawP50: number[]
    rawP99: number[]
    toDurable: number[]
    durableToSent: number[]
    /** Share of round trips that overlapped a GC pause at either end, and p99 of the others (ms). */
    gcShare: number[]
    p99WithoutGc: number[]
    /** Each process's CPU time per round trip (us, all threads): with the round trip's time, whether it waits or computes. */
    senderCpuUsPerRtt: number[]
    receiverCpuUsPerRtt: number[]
    /** The receiver's synced single-put batch, p50 and p99 of FSYNC_SAMPLES per round (ms). */
    fsyncP50: number[]
    fsyncP99: number[]
    /** The same round trips between unencrypted homes. */
    plainP50: number[]
    plainP99: number[]
  }
  throughput?: {
    murmur: number[]
    raw: number[]
    /** The ratchet's own encrypt + decrypt rate per round (msg/s). */
    ratchet: number[]
    receiverCpuUsPerMsg: number[]
    senderCpuUsPerMsg: number[]
    senderStore: StoreCounters[]
    receiverStore: StoreCounters[]
    /** The same flood between unencrypted homes. */
    plain: number[]
    plainCpuUsPerMsg: number[]
    /** Store calls per message of the unencrypted floods, beside senderStore and receiverStore. */
    plainSenderStore: StoreCounters[]
    plainReceiverStore: StoreCounters[]
  }
}

/** A sender and a receiver, each in its own process, with encrypted homes or unencrypted ones. */
interface Pair { alice: Worker, bob: Worker, a: Started, b: Started, bobHome: string }

async function startPair (s: Session, encrypted: boolean): Promise<Pair> {
  const suffix = encrypted ? '' : '-plain'
  const bob = s.spawn(`murmur-receiver${suffix}`, 'net-murmur.js')
  const alice = s.spawn(`murmur-sender${suffix}`, 'net-murmur.js')
  const bobHome = await s.home()
  const b = await bob.call<Started>('start', { home: bobHome, encrypted })
  const a = await alice.call<Started>('start', { home: await s.home(), bootstrap: b.addresses, encrypted })
  await connect(alice, a.index, b.peerId)
  return { alice, bob, a, b, bobHome }
}

/**
 * Round trip and throughput: murmur A -> B on encrypted homes, the same on unencrypted homes,
 * and raw libp2p A -> B, alternating per round (the two murmur runs in alternating order).
 */
async function runMain (o: Options, phases: Set<Phase>): Promise<MainFigures> {
  const s = new Session(o)
  try {
    const encrypted = await startPair(s, true)
    const plain = await startPair(s, false)
    const rawServer = s.spawn('raw-server', 'net-raw.js')
    const rawClient = s.spawn('raw-client', 'net-raw.js')
    const rs = await rawServer.call<{ addresses: string[] }>('start')
    await rawClient.call('start')
    const rawAddress = rs.addresses[0]
    if (rawAddress === undefined) throw new BenchmarkOptionError('raw server has no address')

    log('net: warming up (session establishment, JIT)')
    for (const { alice, bob, a, b } of [encrypted, plain]) {
      await alice.call('establish', { node: a.index, to: b.peerId })
      await alice.call('rtt', { node: a.index, to: b.peerId, count: 20 })
      if (phases.has('throughput')) await murmurFlood(alice, a.index, a.peerId, bob, b.index, b.peerId, Math.min(500, o.flood), o.window)
    }
    await rawClient.call('rtt', { address: rawAddress, count: 100 })
    if (phases.has('throughput')) await rawFlood(rawClient, rawAddress, Math.min(5000, o.rawFlood))

    const roundTrips = async ({ alice, bob, a, b }: Pair, count: number): Promise<RoundTrips> => {
      await bob.call('traceStart', { node: b.index })
      const sent = await alice.call<{ ms: number[], trace: RttTrace[], gc: GcPause[], cpuUs: number }>('rtt', { node: a.index, to: b.peerId, count }, 300_000)
      const received = await bob.call<{ durableAt: Record<string, number>, gc: GcPause[], cpuUs: number }>('traceTake', { node: b.index })
      return { ms: sent.ms, trace: sent.trace, durableAt: received.durableAt, gc: [...sent.gc, ...received.gc], senderCpuUs: sent.cpuUs, receiverCpuUs: received.cpuUs }
    }
    const flood = async ({ alice, bob, a, b }: Pair, count: number): Promise<FloodFigures> => await murmurFlood(alice, a.index, a.peerId, bob, b.index, b.peerId, count, o.window)

    const figures: MainFigures = {}
    if (phases.has('rtt')) figures.rtt = { p50: [], p99: [], rawP50: [], rawP99: [], toDurable: [], durableToSent: [], gcShare: [], p99WithoutGc: [], senderCpuUsPerRtt: [], receiverCpuUsPerRtt: [], fsyncP50: [], fsyncP99: [], plainP50: [], plainP99: [] }
    if (phases.has('throughput')) figures.throughput = { murmur: [], raw: [], ratchet: [], receiverCpuUsPerMsg: [], senderCpuUsPerMsg: [], senderStore: [], receiverStore: [], plain: [], plainCpuUsPerMsg: [], plainSenderStore: [], plainReceiverStore: [] }
    await profiled(o, [...phases].filter(p => p === 'rtt' || p === 'throughput').join('-'), [encrypted.alice, encrypted.bob, plain.alice, plain.bob], async () => {
    for (let round = 0; round < o.rounds; round++) {
      const plainFirst = round % 2 === 1
      if (figures.rtt !== undefined) {
        const [m, q] = (await inBothOrders(encrypted, plain, plainFirst, o.rtt, roundTrips, RTT_WARM_UP)).map(joinRoundTrips)
        figures.rtt.toDurable.push(m.split.toDurable)
        figures.rtt.durableToSent.push(m.split.durableToSent)
        figures.rtt.gcShare.push(m.gcShare)
        figures.rtt.p99WithoutGc.push(percentile(m.msWithoutGc, 99))
        figures.rtt.senderCpuUsPerRtt.push(m.senderCpuUsPerRtt)
        figures.rtt.receiverCpuUsPerRtt.push(m.receiverCpuUsPerRtt)
        const r = await rawClient.call<number[]>('rtt', { address: rawAddress, count: o.rtt }, 300_000)
        figures.rtt.p50.push(percentile(m.ms, 50))
        figures.rtt.p99.push(percentile(m.ms, 99))
        figures.rtt.plainP50.push(percentile(q.ms, 50))
        figures.rtt.plainP99.push(percentile(q.ms, 99))
        figures.rtt.rawP50.push(percentile(r, 50))
        figures.rtt.rawP99.push(percentile(r, 99))
        const fsync = await rawServer.call<number[]>('fsyncFloor', { home: encrypted.bobHome, count: FSYNC_SAMPLES }, 120_000)
        figures.rtt.fsyncP50.push(percentile(fsync, 50))
        figures.rtt.fsyncP99.push(percentile(fsync, 99))
        log(`net: round ${round + 1} rtt p50 ${percentile(m.ms, 50).toFixed(2)} ms (unencrypted ${percentile(q.ms, 50).toFixed(2)} ms), raw ${percentile(r, 50).toFixed(3)} ms, fsync ${percentile(fsync, 50).toFixed(2)} ms`)
      }
      if (figures.throughput !== undefined) {
        const [m, q] = (await inBothOrders(encrypted, plain, plainFirst, o.flood, flood, FLOOD_WARM_UP)).map(joinFloods)
        const r = await rawFlood(rawClient, rawAddress, o.rawFlood)
        figures.throughput.murmur.push(m.perSec)
        figures.throughput.plain.push(q.perSec)
        figures.throughput.plainCpuUsPerMsg.push(q.senderCpuUsPerMsg + q.receiverCpuUsPerMsg)
        figures.throughput.raw.push(r)
        const ratchet = await rawClient.call<number>('ratchetFloor', { ms: RATCHET_FLOOR_MS }, 60_000)
        figures.throughput.ratchet.push(ratchet)
        figures.throughput.receiverCpuUsPerMsg.push(m.receiverCpuUsPerMsg)
        figures.throughput.senderCpuUsPerMsg.push(m.senderCpuUsPerMsg)
        figures.throughput.senderStore.push(m.senderStore)
        figures.throughput.receiverStore.push(m.receiverStore)
        figures.throughput.plainSenderStore.push(q.senderStore)
        figures.throughput.plainReceiverStore.push(q.receiverStore)
        log(`net: round ${round + 1} throughput ${Math.round(m.perSec)} msg/s (unencrypted ${Math.round(q.perSec)}), raw ${Math.round(r)} frames/s, ratchet ${Math.round(ratchet)} msg/s`)
      }
    }
    })
    return figures
  } finally {
    await s.close()
  }
}

interface HistoryFigures {
  baseCpuUs: number[]
  largeCpuUs: number[]
  baseWallMs: number[]
  largeWallMs: number[]
  prefillMs: number
}

/** One sender, two receivers whose histories with it hold `historyBase` and `history` entries; floods alternate. */
async function runHistory (o: Options): Promise<HistoryFigures> {
  const s = new Session(o)
  try {
    const alice = s.spawn('history-sender', 'net-murmur.js')
    const small = s.spawn('history-base', 'net-murmur.js')
    const large = s.spawn('history-large', 'net-murmur.js')
    const a = await alice.call<Started>('start', { home: await s.home() })
    log(`net: filling histories (${o.historyBase} and ${o.history} entries)`)
    const [b1, b2] = await Promise.all([
      small.call<Started>('start', { home: await s.home(), bootstrap: a.addresses, prefill: { peerId: a.peerId, count: o.historyBase } }, 600_000),
      large.call<Started>('start', { home: await s.home(), bootstrap: a.addresses, prefill: { peerId: a.peerId, count: o.history } }, 600_000)
    ])
    for (const [w, b] of [[small, b1], [large, b2]] as const) {
      await connect(alice, a.index, b.peerId)
      await alice.call('establish', { node: a.index, to: b.peerId })
      await murmurFlood(alice, a.index, a.peerId, w, b.index, b.peerId, Math.min(300, o.historyFlood), o.window)
    }
    const f: HistoryFigures = { baseCpuUs: [], largeCpuUs: [], baseWallMs: [], largeWallMs: [], prefillMs: b2.prefillMs ?? 0 }
    await profiled(o, 'history', [alice, small, large], async () => {
    for (let round = 0; round < o.rounds; round++) {
      const m1 = await murmurFlood(alice, a.index, a.peerId, small, b1.index, b1.peerId, o.historyFlood, o.window)
      const m2 = await murmurFlood(alice, a.index, a.peerId, large, b2.index, b2.peerId, o.historyFlood, o.window)
      f.baseCpuUs.push(m1.receiverCpuUsPerMsg)
      f.largeCpuUs.push(m2.receiverCpuUsPerMsg)
      f.baseWallMs.push(m1.wallMsPerMsg)
      f.largeWallMs.push(m2.wallMsPerMsg)
      log(`net: round ${round + 1} receiver cpu ${Math.round(m1.receiverCpuUsPerMsg)} us/msg (${o.historyBase}) vs ${Math.round(m2.receiverCpuUsPerMsg)} us/msg (${o.history})`)
    }
    })
    return f
  } finally {
    await s.close()
  }
}

interface MemoryResult {
  /** 3 s after start, when start-up's own allocations still fill the young generation. */
  start: MemoryFigures
  /** Once quiet: what an idle node holds (bench/net-ipc.ts quietMemory). */
  idle: QuietMemoryFigures
  withSessions: QuietMemoryFigures
  sessions: number
}

/** A fresh node, idle; then `sessions` peers (in one other process) each establish a session with it and stay connected. */
async function runMemory (o: Options): Promise<MemoryResult> {
  const s = new Session(o)
  try {
    const target = s.spawn('memory-target', 'net-murmur.js')
    const peers = s.spawn('memory-peers', 'net-murmur.js')
    const t = await target.call<Started>('start', { home: await s.home() })
    // Let start-up work (DHT self-query, record publishing) finish before the idle figure.
    await new Promise(resolve => setTimeout(resolve, 3000))
    const start = await target.call<MemoryFigures>('memory')
    // What the node holds idle, not start-up's high-water: once V8 has shrunk the young
    // generation that loading and starting grew (docs/benchmarks.md "The net benchmark").
    const idle = await target.call<QuietMemoryFigures>('quietMemory', {}, 300_000)
    log(`net: idle node rss ${(start.rss / 2 ** 20).toFixed(1)} MiB 3 s after start, ${(idle.rss / 2 ** 20).toFixed(1)} MiB once quiet (${Math.round(idle.waitedMs / 1000)} s later); establishing ${o.sessions} sessions`)
    const started: Started[] = []
    for (let i = 0; i < o.sessions; i++) {
      const p = await peers.call<Started>('start', { home: await s.home(), bootstrap: t.addresses }, 120_000)
      await connect(peers, p.index, t.peerId)
      started.push(p)
    }
    for (let i = 0; i < started.length; i += 5) {
      await Promise.all(started.slice(i, i + 5).map(async p => await peers.call('establish', { node: p.index, to: t.peerId }, 60_000)))
    }
    const withSessions = await target.call<QuietMemoryFigures>('quietMemory', {}, 300_000)
    return { start, idle, withSessions, sessions: o.sessions }
  } finally {
    await s.close()
  }
}

/** The median of the per-round ratios a[i] / b[i]. */
function pairedMedian (a: number[], b: number[]): number {
  return median(a.map((x, i) => x / b[i]))
}

function round2 (x: number): number {
  return Math.round(x * 100) / 100
}

export async function run (args: string[]): Promise<void> {
  const o = parseArgs(args)
  const phases = new Set<Phase>(o.only.size > 0 ? o.only : PHASES)
  const details: Record<string, unknown> = {}
  const results: NetResults = { targets: [], meta: { ...resultMeta(o.rounds), options: { ...o, only: undefined } as unknown as Omit<Options, 'only'>, details } }
  const rows: string[][] = []
  const storeNotes: string[] = []

  if (phases.has('rtt') || phases.has('throughput')) {
    const main = await runMain(o, phases)
    if (main.rtt !== undefined) {
      details.rtt = main.rtt
      results.rtt_p50_ms = round2(median(main.rtt.p50))
      results.rtt_p99_ms = round2(median(main.rtt.p99))
      results.raw_rtt_p50_ms = Math.round(median(main.rtt.rawP50) * 1000) / 1000
      results.raw_rtt_p99_ms = Math.round(median(main.rtt.rawP99) * 1000) / 1000
      results.rtt_ratio = round2(results.rtt_p50_ms / results.raw_rtt_p50_ms)
      const rtt = main.rtt
      results.fsync_p50_ms = Math.round(median(rtt.fsyncP50) * 1000) / 1000
      results.fsync_p99_ms = Math.round(median(rtt.fsyncP99) * 1000) / 1000
      // Per round: the floor of that round (its raw round trip and its fsyncs), then the median.
      const floorsP50 = rtt.rawP50.map((raw, i) => raw + 2 * rtt.fsyncP50[i])
      const floorsP99 = rtt.rawP99.map((raw, i) => raw + 2 * rtt.fsyncP99[i])
      results.rtt_floor_ms = Math.round(median(floorsP50) * 1000) / 1000
      results.rtt_floor_ratio = round2(median(rtt.p50.map((v, i) => v / floorsP50[i])))
      results.rtt_p99_floor_ratio = round2(median(rtt.p99.map((v, i) => v / floorsP99[i])))
      results.targets.push({ name: 'rtt p50 / (raw rtt + 2 x fsync) p50', value: results.rtt_floor_ratio, limit: 1.5, met: results.rtt_floor_ratio <= 1.5 })
      results.targets.push({ name: 'rtt p99 / (raw rtt + 2 x fsync) p99', value: results.rtt_p99_floor_ratio, limit: 3, met: results.rtt_p99_floor_ratio <= 3 })
      rows.push(['round trip p50 (ms)', formatNumber(results.rtt_p50_ms), `floor ${formatNumber(results.rtt_floor_ms)}`, formatNumber(results.rtt_floor_ratio), '<= 1.5', `${Math.round(relativeSpread(rtt.p50) * 100)}%`])
      rows.push(['  send -> durable at receiver (ms)', formatNumber(median(rtt.toDurable)), '', '', '', ''])
      rows.push(['  durable -> ack, state sent (ms)', formatNumber(median(rtt.durableToSent)), '', '', '', ''])
      results.rtt_sender_cpu_us = Math.round(median(rtt.senderCpuUsPerRtt))
      results.rtt_receiver_cpu_us = Math.round(median(rtt.receiverCpuUsPerRtt))
      rows.push(['  CPU per round trip, sender / receiver (us)', `${formatNumber(results.rtt_sender_cpu_us)} / ${formatNumber(results.rtt_receiver_cpu_us)}`, '', '', '', ''])
      rows.push(['  raw libp2p round trip p50 (ms)', formatNumber(results.raw_rtt_p50_ms), '', formatNumber(results.rtt_ratio), '', ''])
      rows.push(['  synced write p50 / p99 (ms)', `${formatNumber(results.fsync_p50_ms)} / ${formatNumber(results.fsync_p99_ms)}`, '', '', '', `${Math.round(relativeSpread(rtt.fsyncP50) * 100)}%`])
      rows.push(['round trip p99 (ms)', formatNumber(results.rtt_p99_ms), `floor ${formatNumber(median(floorsP99))}`, formatNumber(results.rtt_p99_floor_ratio), '<= 3', `${Math.round(relativeSpread(rtt.p99) * 100)}%`])
      results.rtt_gc_share = round2(median(rtt.gcShare))
      results.rtt_p99_without_gc_ms = round2(median(rtt.p99WithoutGc))
      rows.push(['  round trips with a GC pause at either end', `${Math.round(results.rtt_gc_share * 1000) / 10}%`, '', '', '', ''])
      rows.push(['  p99 of the others (ms)', formatNumber(results.rtt_p99_without_gc_ms), '', formatNumber(round2(median(rtt.p99WithoutGc.map((v, i) => v / floorsP99[i])))), '', ''])
      results.rtt_p50_plain_ms = round2(median(main.rtt.plainP50))
      results.encryption_rtt_ratio = round2(pairedMedian(main.rtt.p50, main.rtt.plainP50))
      results.targets.push({ name: 'rtt p50 encrypted / unencrypted', value: results.encryption_rtt_ratio, limit: 1.15, met: results.encryption_rtt_ratio <= 1.15 })
      rows.push(['round trip p50, encrypted vs not (ms)', formatNumber(results.rtt_p50_ms), formatNumber(results.rtt_p50_plain_ms), formatNumber(results.encryption_rtt_ratio), '<= 1.15', `${Math.round(relativeSpread(main.rtt.plainP50) * 100)}%`])
    }
    if (main.throughput !== undefined) {
      details.throughput = main.throughput
      results.msgs_per_s = Math.round(median(main.throughput.murmur))
      results.raw_msgs_per_s = Math.round(median(main.throughput.raw))
      results.throughput_ratio = Math.round((results.msgs_per_s / results.raw_msgs_per_s) * 1000) / 1000
      const t = main.throughput
      results.ratchet_floor_msgs_per_s = Math.round(median(t.ratchet))
      const floors = t.raw.map((raw, i) => Math.min(raw, t.ratchet[i]))
      results.throughput_floor_ratio = Math.round(median(t.murmur.map((v, i) => v / floors[i])) * 1000) / 1000
      results.targets.push({ name: 'msgs/s / min(raw frames/s, ratchet floor)', value: results.throughput_floor_ratio, limit: 0.5, met: results.throughput_floor_ratio >= 0.5 })
      results.targets.push({ name: 'msgs/s', value: results.msgs_per_s, limit: 5000, met: results.msgs_per_s >= 5000 })
      rows.push(['one way (msg/s)', formatNumber(results.msgs_per_s), `floor ${formatNumber(Math.round(median(floors)))}`, formatNumber(results.throughput_floor_ratio), '>= 0.5', `${Math.round(relativeSpread(t.murmur) * 100)}%`])
      rows.push(['  raw libp2p frames/s', formatNumber(results.raw_msgs_per_s), '', formatNumber(results.throughput_ratio), '', ''])
      rows.push(['  ratchet encrypt + decrypt (msg/s)', formatNumber(results.ratchet_floor_msgs_per_s), '', '', '', `${Math.round(relativeSpread(t.ratchet) * 100)}%`])
      rows.push(['  sender CPU per message (us)', formatNumber(median(main.throughput.senderCpuUsPerMsg)), '', '', '', ''])
      rows.push(['  receiver CPU per message (us)', formatNumber(median(main.throughput.receiverCpuUsPerMsg)), '', '', '', ''])
      results.msgs_per_s_plain = Math.round(median(main.throughput.plain))
      results.encryption_throughput_ratio = round2(pairedMedian(main.throughput.murmur, main.throughput.plain))
      results.targets.push({ name: 'msgs/s encrypted / unencrypted', value: results.encryption_throughput_ratio, limit: 0.85, met: results.encryption_throughput_ratio >= 0.85 })
      rows.push(['one way, encrypted vs not (msg/s)', formatNumber(results.msgs_per_s), formatNumber(results.msgs_per_s_plain), formatNumber(results.encryption_throughput_ratio), '>= 0.85', `${Math.round(relativeSpread(main.throughput.plain) * 100)}%`])
      const cpu = main.throughput.senderCpuUsPerMsg.map((s, i) => s + main.throughput!.receiverCpuUsPerMsg[i])
      results.encryption_cpu_ratio = round2(pairedMedian(cpu, main.throughput.plainCpuUsPerMsg))
      rows.push(['  CPU per message, both sides, encrypted vs not (us)', formatNumber(median(cpu)), formatNumber(median(main.throughput.plainCpuUsPerMsg)), formatNumber(results.encryption_cpu_ratio), '', ''])
      const last = (list: StoreCounters[]): StoreCounters | undefined => list[list.length - 1]
      const describe = (c: StoreCounters | undefined): string => c === undefined ? '-' : `${c.syncedBatches} fsync'd of ${c.batches} batches, ${formatNumber(c.gets + c.getManys)} gets, ${c.iterators} iterators`
      storeNotes.push(`store calls per message in a flood, sender: ${describe(last(main.throughput.senderStore))} (unencrypted: ${describe(last(main.throughput.plainSenderStore))})`)
      storeNotes.push(`store calls per message in a flood, receiver: ${describe(last(main.throughput.receiverStore))} (unencrypted: ${describe(last(main.throughput.plainReceiverStore))})`)
    }
  }
  if (phases.has('history')) {
    const h = await runHistory(o)
    details.history = h
    const base = median(h.baseCpuUs)
    const large = median(h.largeCpuUs)
    results.history_cpu_us_per_msg = { base: Math.round(base), large: Math.round(large) }
    results.history_cost_ratio = round2(large / base)
    results.history_wall_ratio = round2(median(h.largeWallMs) / median(h.baseWallMs))
    results.targets.push({ name: `receive cost ${o.history} / ${o.historyBase} history`, value: results.history_cost_ratio, limit: 1.2, met: results.history_cost_ratio <= 1.2 })
    rows.push([`receive CPU/msg, ${o.history} vs ${o.historyBase} (us)`, formatNumber(large), formatNumber(base), formatNumber(results.history_cost_ratio), '<= 1.2', ''])
    rows.push([`receive wall/msg, ${o.history} vs ${o.historyBase} (ms)`, formatNumber(median(h.largeWallMs)), formatNumber(median(h.baseWallMs)), formatNumber(results.history_wall_ratio), '', ''])
  }
  if (phases.has('memory')) {
    const m = await runMemory(o)
    details.memory = m
    results.idle_node_mb = round2(m.idle.rss / 2 ** 20)
    results.idle_node_heap_mb = round2(m.idle.heapUsed / 2 ** 20)
    results.idle_node_mb_at_start = round2(m.start.rss / 2 ** 20)
    const js = (f: MemoryFigures): number => f.heapUsed + f.external
    results.per_session_kb = Math.round((js(m.withSessions) - js(m.idle)) / m.sessions / 1024)
    results.per_session_rss_kb = Math.round((m.withSessions.rss - m.idle.rss) / m.sessions / 1024)
    rows.push(['idle node RSS / heap (MiB)', formatNumber(results.idle_node_mb), formatNumber(results.idle_node_heap_mb), '', '', ''])
    rows.push(['  RSS 3 s after start (MiB)', formatNumber(results.idle_node_mb_at_start), '', '', '', ''])
    rows.push([`per session, heap+external / RSS (KiB, n=${m.sessions})`, formatNumber(results.per_session_kb), formatNumber(results.per_session_rss_kb), '', '', ''])
  }

  process.stdout.write(formatTable(['figure', 'murmur', 'baseline', 'ratio', 'target', 'spread'], rows) + '\n')
  for (const note of storeNotes) process.stdout.write(note + '\n')
  for (const t of results.targets) process.stdout.write(`${t.met ? 'met   ' : 'MISSED'} ${t.name}: ${t.value} (limit ${t.limit})\n`)
  results.meta.retries = connectRetries
  process.stdout.write(`connection retries (bootstrap redials before a node reached its peer): ${connectRetries}\n`)
  // The figures first, then targets and metadata, for a reader of the file.
  const { targets, meta, ...figures } = results
  if (o.only.size === 0) process.stdout.write(`wrote ${writeResult('net', { ...figures, targets, meta })}\n`)
}
