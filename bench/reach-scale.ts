/**
 * The scale part of `npm run bench -- reach` (docs/benchmarks.md "The reach benchmark"): 100
 * murmur nodes on this machine, several per worker process (bench/reach-worker.ts), real libp2p
 * on 127.0.0.1 and real LevelDB stores in temporary homes, bootstrapped from a few seed nodes,
 * mDNS and UPnP off.
 *
 * 1. Start: the first seed alone, the other seeds from it, then every other node from all the
 *    seeds, a few at a time per worker. Wait until every node's LAN DHT routing table holds at
 *    least `minTable` peers (NOTES.md: plain kad-dht left 70 of 100 nodes with empty tables
 *    unless the seeds were redialled; murmur's bootstrapper redials).
 * 2. Republish every contact record once the whole network is up: records published while the
 *    network was still joining sit at peers that are no longer the closest to their key, which
 *    the hourly republish of a running network corrects.
 * 3. Lookups: random pairs that never talked; Murmur.lookup (the contact record from both DHTs)
 *    against kad-dht's own peer lookup of the same target from the same node, alternating which
 *    goes first.
 * 4. First messages: each sender picks a peer it never talked to nor looked up, adds it as a
 *    contact and sends: send() -> delivered (lookup + bundle + PQXDH + delivery + receipt);
 *    then a second message on the new session, the baseline.
 */
import { mkdtemp, rm } from 'node:fs/promises'
import { loadavg, tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { BenchmarkCheckError } from './harness.js'
import { profileWorkers, Worker, type MemoryFigures } from './net-ipc.js'
import type { FirstMessageSample, LookupSample, NodeTables, StartedNode } from './reach-worker.js'

export interface ScaleOptions {
  nodes: number
  workers: number
  seeds: number
  /** Nodes started at once per worker. */
  batch: number
  lookups: number
  messages: number
  /** Every node's LAN routing table must reach this before measuring. */
  minTable: number
  /** Bound on waiting for the tables, ms. */
  readyTimeoutMs: number
  /** Bound on one lookup, ms (the messenger's own RESOLVE_TIMEOUT_MS). */
  lookupTimeoutMs: number
  /** Bound on one message reaching 'delivered', ms. */
  messageTimeoutMs: number
  seed: number
  /** The idle window (CPU and connection closes per node) after the wait for tables, ms. */
  idleMs: number
  profile?: string
}

export interface ScaleFigures {
  nodes: number
  workers: number
  seeds: number
  startMs: number[]
  readyMs: number
  ready: boolean
  tables: NodeTables[]
  republishAccepted: number[]
  /** CPU time of all workers over an idle window once the tables were waited for, ms per node per second. */
  idleCpuMsPerNodeS: number
  /** Connections that closed in that window, per node per minute (churn). */
  idleClosesPerNodeMin: number
  /** Load average of the machine (1 minute) at start, after the wait for tables, and at the end. */
  loadAverage: number[]
  lookups: Array<LookupSample & { from: number, to: number, findPeerMs: number, findPeerFound: boolean }>
  messages: Array<FirstMessageSample & { from: number, to: number }>
  memory: MemoryFigures[]
  cpuSeconds: number[]
}

const here = dirname(fileURLToPath(import.meta.url))

function log (line: string): void {
  process.stderr.write(line + '\n')
}

/** A small deterministic generator (mulberry32), so a run's pairs can be repeated with --seed. */
function random (seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6D2B79F5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

/** Fisher-Yates, in place. */
function shuffle<T> (items: T[], rand: () => number): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1))
    ;[items[i], items[j]] = [items[j], items[i]]
  }
  return items
}

/** Every worker's CPU time (user + system) and connection closes so far, summed. */
async function idleCounters (workers: Worker[]): Promise<{ cpuUs: number, closes: number }> {
  const each = await Promise.all(workers.map(async w => {
    const cpu = await w.call<{ userUs: number, systemUs: number }>('cpu')
    const closes = Object.values(await w.call<Record<string, number>>('closes')).reduce((a, b) => a + b, 0)
    return { cpuUs: cpu.userUs + cpu.systemUs, closes }
  }))
  return { cpuUs: each.reduce((a, e) => a + e.cpuUs, 0), closes: each.reduce((a, e) => a + e.closes, 0) }
}

interface Placed extends StartedNode {
  worker: number
}

export async function runScale (o: ScaleOptions): Promise<ScaleFigures> {
  if (o.seeds > o.nodes) throw new BenchmarkCheckError('more seeds than nodes')
  const dir = await mkdtemp(join(tmpdir(), 'murmur-bench-reach-'))
  const workers: Worker[] = []
  const rand = random(o.seed)
  const loadAverage = [loadavg()[0]]
  try {
    for (let w = 0; w < o.workers; w++) {
      workers.push(new Worker(`reach-worker-${w}`, join(here, 'reach-worker.js'), ['--expose-gc']))
    }
    const placed: Placed[] = []
    const startOn = async (w: number, count: number, bootstrap: string[]): Promise<Placed[]> => {
      const started = await workers[w].call<StartedNode[]>('start', { dir, count, batch: o.batch, bootstrap }, 30_000 + count * 20_000)
      return started.map(s => ({ ...s, worker: w }))
    }

    // 1. Seeds, then everyone else from the seeds.
    const t0 = performance.now()
    const [first] = await startOn(0, 1, [])
    placed.push(first)
    const rest = await Promise.all(Array.from({ length: o.seeds - 1 }, async (_, i) => await startOn((i + 1) % o.workers, 1, first.addresses)))
    placed.push(...rest.flat())
    const seedAddresses = placed.map(p => p.addresses[0])
    const others = o.nodes - o.seeds
    const share = (w: number): number => Math.floor(others / o.workers) + (w < others % o.workers ? 1 : 0)
    log(`reach: ${o.seeds} seeds up; starting ${others} more nodes on ${o.workers} workers`)
    const joined = await Promise.all(workers.map(async (_, w) => await startOn(w, share(w), seedAddresses)))
    placed.push(...joined.flat())
    log(`reach: ${placed.length} nodes started in ${Math.round(performance.now() - t0)} ms; waiting for routing tables (>= ${o.minTable} peers each)`)

    const allTables = async (): Promise<NodeTables[]> => (await Promise.all(workers.map(async w => await w.call<NodeTables[]>('tables', {}, 60_000)))).flat()
    const readyAt = performance.now()
    let tables = await allTables()
    let ready = false
    while (performance.now() - readyAt < o.readyTimeoutMs) {
      tables = await allTables()
      const smallest = Math.min(...tables.map(t => t.lan))
      if (smallest >= o.minTable) { ready = true; break }
      const connections = tables.map(t => t.connections).sort((x, y) => x - y)
      const loops = await Promise.all(workers.map(async w => await w.call<{ p50: number, p99: number, max: number }>('loop')))
      log(`reach: smallest LAN routing table ${smallest}, ${tables.filter(t => t.lan < o.minTable).length} nodes below ${o.minTable}; ` +
        `connections min ${connections[0]} median ${connections[connections.length >> 1]}; ${tables.filter(t => t.bootstrapConnected === 0).length} nodes with no seed connected; event loop delay p99 ${loops.map(l => Math.round(l.p99)).join('/')} ms`)
      await new Promise(resolve => setTimeout(resolve, 5_000))
    }
    const readyMs = performance.now() - readyAt
    for (const w of workers) log(`reach: ${w.label} connection closes ${JSON.stringify(await w.call('closes'), null, 1)}\naborted from ${JSON.stringify(await w.call('aborts'), null, 1)}`)
    if (!ready) log(`reach: tables not all filled after ${o.readyTimeoutMs} ms; measuring anyway (see the result's tables)`)
    loadAverage.push(loadavg()[0])

    // What the nodes cost while nobody asks them anything: CPU and connection closes over a window.
    // With --profile DIR, the workers' CPU profiles of this window: what idle nodes spend it on.
    const { value: [idleStart, idleEnd] } = await profileWorkers(o.profile, 'reach-idle', workers, async () => {
      const first = await idleCounters(workers)
      await new Promise(resolve => setTimeout(resolve, o.idleMs))
      return [first, await idleCounters(workers)]
    })
    const idleCpuMsPerNodeS = (idleEnd.cpuUs - idleStart.cpuUs) / 1000 / placed.length / (o.idleMs / 1000)
    const idleClosesPerNodeMin = (idleEnd.closes - idleStart.closes) / placed.length / (o.idleMs / 60_000)
    log(`reach: idle ${o.idleMs / 1000} s: ${idleCpuMsPerNodeS.toFixed(1)} ms CPU per node per second, ${idleClosesPerNodeMin.toFixed(1)} connection closes per node per minute (load average ${loadavg()[0].toFixed(1)})`)

    // 2. Republish every record into the whole network.
    log('reach: republishing every contact record')
    const accepted = (await Promise.all(workers.map(async w => await w.call<number[]>('republish', { concurrency: 4, timeoutMs: 30_000 }, 600_000)))).flat()
    tables = await allTables()

    const byIndex = (i: number): Placed => placed[i]
    const pick = (): number => Math.floor(rand() * placed.length)

    // 3. Lookups between random pairs that never talked.
    const lookups: ScaleFigures['lookups'] = []
    const lookedUp = new Set<string>()
    for (let i = 0; i < o.lookups; i++) {
      const a = pick()
      let b = pick()
      while (b === a) b = pick()
      const from = byIndex(a)
      const to = byIndex(b)
      lookedUp.add(`${a}>${b}`)
      const params = { node: from.index, target: to.peerId, timeoutMs: o.lookupTimeoutMs }
      const worker = workers[from.worker]
      // A call the worker does not answer in time (its event loop starved) is a failed sample
      // counted at the bound, not the end of the benchmark.
      const bound = o.lookupTimeoutMs + 30_000
      const timedLookup = async (): Promise<LookupSample> => await worker.call<LookupSample>('lookup', params, bound)
        .catch((err: Error) => ({ connected: false, known: false, ms: bound, found: false, addresses: 0, error: err.name }))
      const timedFindPeer = async (): Promise<{ ms: number, found: boolean }> => await worker.call<{ ms: number, found: boolean }>('findPeer', params, bound)
        .catch(() => ({ ms: bound, found: false }))
      let sample: LookupSample
      let base: { ms: number, found: boolean }
      if (i % 2 === 0) {
        sample = await timedLookup()
        base = await timedFindPeer()
      } else {
        base = await timedFindPeer()
        sample = await timedLookup()
      }
      lookups.push({ ...sample, from: a, to: b, findPeerMs: base.ms, findPeerFound: base.found })
      if ((i + 1) % 10 === 0) log(`reach: ${i + 1}/${o.lookups} lookups`)
    }

    // 4. First messages: each sender once, to a peer it never talked to nor looked up.
    const messages: ScaleFigures['messages'] = []
    const talked = new Set<string>()
    const senders = shuffle(Array.from({ length: placed.length }, (_, i) => i), rand)
    for (let i = 0; i < o.messages; i++) {
      const a = senders[i % senders.length]
      let b = pick()
      for (let tries = 0; b === a || lookedUp.has(`${a}>${b}`) || talked.has(`${a}>${b}`) || talked.has(`${b}>${a}`); tries++) {
        if (tries > 1000) throw new BenchmarkCheckError('no fresh pair left for a first message')
        b = pick()
      }
      talked.add(`${a}>${b}`)
      const from = byIndex(a)
      const sample = await workers[from.worker].call<FirstMessageSample>('firstMessage', { node: from.index, target: byIndex(b).peerId, timeoutMs: o.messageTimeoutMs }, 2 * o.messageTimeoutMs + 30_000)
        .catch((err: Error): FirstMessageSample => ({ connected: false, known: false, ms: -1, sentMs: -1, returnedMs: -1, state: err.name, secondMs: -1 }))
      messages.push({ ...sample, from: a, to: b })
      if ((i + 1) % 10 === 0) log(`reach: ${i + 1}/${o.messages} first messages`)
    }

    loadAverage.push(loadavg()[0])
    const memory = await Promise.all(workers.map(async w => await w.call<MemoryFigures>('memory', {}, 60_000)))
    const cpu = await Promise.all(workers.map(async w => await w.call<{ userUs: number, systemUs: number }>('cpu')))
    return {
      nodes: placed.length,
      workers: o.workers,
      seeds: o.seeds,
      startMs: placed.map(p => p.startMs),
      readyMs,
      ready,
      tables,
      republishAccepted: accepted,
      idleCpuMsPerNodeS,
      idleClosesPerNodeMin,
      loadAverage,
      lookups,
      messages,
      memory,
      cpuSeconds: cpu.map(c => (c.userUs + c.systemUs) / 1e6)
    }
  } finally {
    await Promise.allSettled(workers.map(async w => { await w.close(60_000) }))
    await rm(dir, { recursive: true, force: true })
  }
}
