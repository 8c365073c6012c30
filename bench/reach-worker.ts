/**
 * Worker process of `npm run bench -- reach` (the scale part, bench/reach-scale.ts): hosts a
 * share of the 100 murmur nodes (createMurmur: real LevelDB stores, real libp2p on 127.0.0.1)
 * and runs the timed operations on request over the IPC channel of bench/net-ipc.ts.
 *
 * Several nodes share one process so that 100 of them fit on 2 cores: each is a whole murmur
 * node with its own store, datastore, libp2p instance and sockets; only the event loop is shared.
 */
import '../src/runtime/node20-shims.js'
import { join } from 'node:path'
import { monitorEventLoopDelay } from 'node:perf_hooks'
import type { PeerId } from '@libp2p/interface'
import { peerIdFromString } from '@libp2p/peer-id'
import { createMurmur, type Murmur } from '../src/messenger/index.js'
import type { PublishResult } from '../src/net/contact-records.js'
import type { MurmurNode } from '../src/net/node.js'
import { BenchmarkCheckError } from './harness.js'
import { nowMs, serve, settledMemory, type Handler } from './net-ipc.js'

const nodes: Murmur[] = []

/** How late this process's event loop runs (25 nodes share it): the first thing to look at when timings go wrong. */
const loopDelay = monitorEventLoopDelay({ resolution: 20 })
loopDelay.enable()

/** Event loop delay since the last call, ms: p50, p99, max. */
function loop (): { p50: number, p99: number, max: number } {
  const figures = { p50: loopDelay.percentile(50) / 1e6, p99: loopDelay.percentile(99) / 1e6, max: loopDelay.max / 1e6 }
  loopDelay.reset()
  return figures
}

/**
 * Two parts of a node that the library API does not expose, for the benchmark only: the libp2p
 * node (to time kad-dht's own peer lookup as the baseline of a record lookup) and the contact
 * record republisher (to republish every record once the whole network is up, as the hourly
 * republish of a long-running network would have done). Checked, so that a rename fails the
 * benchmark instead of silently measuring something else.
 */
interface Internals {
  node: MurmurNode
  republisher: { publishNow: (options?: { signal?: AbortSignal }) => Promise<PublishResult> }
}

function internals (murmur: Murmur): Internals {
  const inside = murmur as unknown as Partial<Internals>
  if (inside.node?.services?.lanDht == null || typeof inside.republisher?.publishNow !== 'function') {
    throw new BenchmarkCheckError('the messenger no longer has `node` and `republisher` fields: update bench/reach-worker.ts')
  }
  return inside as Internals
}

function node (index: number): Murmur {
  const n = nodes[index]
  if (n === undefined) throw new BenchmarkCheckError(`no node ${index}`)
  return n
}

export interface StartedNode {
  index: number
  peerId: string
  addresses: string[]
  startMs: number
}

/** Starts `count` nodes in homes under `dir`, `batch` at a time, each bootstrapping from `bootstrap`. */
async function start (params: { dir: string, count: number, batch: number, bootstrap: string[] }): Promise<StartedNode[]> {
  const started: StartedNode[] = []
  for (let i = 0; i < params.count; i += params.batch) {
    const size = Math.min(params.batch, params.count - i)
    started.push(...await Promise.all(Array.from({ length: size }, async () => {
      const t0 = performance.now()
      const murmur = await createMurmur({
        home: join(params.dir, `node-${nodes.length}-${Math.random().toString(36).slice(2, 8)}`),
        createIdentity: true,
        // No passphrase: 100 scrypt runs (128 MiB each) would only slow the start, which is not timed.
        noPassphrase: true,
        listen: ['/ip4/127.0.0.1/tcp/0'],
        mdns: false,
        upnp: false,
        bootstrap: params.bootstrap
      })
      await murmur.start()
      const index = nodes.push(murmur) - 1
      watchCloses(murmur)
      const { addresses } = await murmur.id()
      return { index, peerId: murmur.peerId, addresses, startMs: performance.now() - t0 }
    })))
  }
  return started
}

/** Why connections closed, across this worker's nodes (diagnostics for the report). */
const closeReasons = new Map<string, number>()

/** Where connections were aborted from: the calling frames of Connection.abort (diagnostics). */
const abortSites = new Map<string, number>()

function watchCloses (murmur: Murmur): void {
  internals(murmur).node.addEventListener('connection:open', (event) => {
    const connection = event.detail
    const abort = connection.abort.bind(connection)
    connection.abort = (err: Error) => {
      const frames = (new Error().stack ?? '').split('\n').slice(2, 6).map(f => f.trim().replace(/^at /, '').replace(/\(?file:\/\/.*node_modules\//, '(').replace(/:\d+\)?$/, ')')).join(' < ')
      const key = `${err?.name ?? 'none'}: ${frames}`
      abortSites.set(key, (abortSites.get(key) ?? 0) + 1)
      abort(err)
    }
    connection.addEventListener('close', (e) => {
      const { error, local } = e as unknown as { error?: Error, local?: boolean }
      const key = error != null ? `${local === true ? 'local' : 'remote'} ${error.name}: ${String(error.message ?? '').slice(0, 80)}` : 'clean'
      closeReasons.set(key, (closeReasons.get(key) ?? 0) + 1)
    })
  })
}

export interface NodeTables {
  index: number
  lan: number
  wan: number
  /** Peers with an open connection. */
  connections: number
  bootstrapConnected: number
}

/**
 * Each node's routing tables and connections, read from libp2p directly: status() answers much
 * more (outbox, relays, prekeys), and polling it for 100 nodes was load of its own.
 */
function tables (): NodeTables[] {
  return nodes.map((murmur, index) => {
    const { node: libp2p } = internals(murmur)
    const size = (dht: unknown): number => (dht as { routingTable?: { size: number } }).routingTable?.size ?? 0
    return {
      index,
      lan: size(libp2p.services.lanDht),
      wan: size(libp2p.services.dht),
      connections: new Set(libp2p.getConnections().map(c => c.remotePeer.toString())).size,
      bootstrapConnected: libp2p.services.bootstrap.status().filter(b => b.connected).length
    }
  })
}

/** How long past its own bound a call may run before the benchmark stops waiting for it. */
const OVERDUE_GRACE_MS = 5_000

class OverdueError extends Error {
  override name = 'OverdueError'
}

/**
 * `promise`, or OverdueError once `ms` have passed: a lookup or publish that outlives its own timeout
 * (kad-dht not ending its query on the signal) is a failed sample counted at that time, not a
 * hung benchmark. The call itself runs on in the background.
 */
async function overdue<T> (promise: Promise<T>, ms: number): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined
  try {
    return await Promise.race([promise, new Promise<never>((_resolve, reject) => {
      timer = setTimeout(() => { reject(new OverdueError(`still running after ${ms} ms`)) }, ms)
    })])
  } finally {
    clearTimeout(timer)
  }
}

/**
 * Publishes every node's contact record again, `concurrency` at a time: how many DHT peers took
 * each (-1 for a publish that failed, e.g. ran out of time).
 */
async function republish (params: { concurrency: number, timeoutMs: number }): Promise<number[]> {
  const accepted: number[] = new Array<number>(nodes.length).fill(0)
  let next = 0
  await Promise.all(Array.from({ length: params.concurrency }, async () => {
    while (next < nodes.length) {
      const i = next++
      try {
        accepted[i] = (await overdue(internals(nodes[i]).republisher.publishNow({ signal: AbortSignal.timeout(params.timeoutMs) }), params.timeoutMs + OVERDUE_GRACE_MS)).accepted
      } catch {
        accepted[i] = -1
      }
    }
  }))
  return accepted
}

/** What the asking node knew of the target before an operation (diagnostics for the report). */
interface Prior {
  /** An open connection to the target already. */
  connected: boolean
  /** The peer store held addresses of the target (from DHT traffic). */
  known: boolean
}

async function prior (murmur: Murmur, target: PeerId): Promise<Prior> {
  const libp2p = internals(murmur).node
  // peerStore.get throws NotFoundError for a peer it has never heard of.
  const known = await overdue(libp2p.peerStore.get(target), OVERDUE_GRACE_MS).then(p => p.addresses.length > 0, () => false)
  return { connected: libp2p.getConnections(target).length > 0, known }
}

export interface LookupSample extends Prior {
  ms: number
  found: boolean
  addresses: number
  error?: string
}

/** Murmur.lookup (the contact record from both DHTs), timed around the library call. */
async function lookup (params: { node: number, target: string, timeoutMs: number }): Promise<LookupSample> {
  const murmur = node(params.node)
  const before = await prior(murmur, peerIdFromString(params.target))
  const t0 = performance.now()
  try {
    const view = await overdue(murmur.lookup(params.target, { timeoutMs: params.timeoutMs }), params.timeoutMs + OVERDUE_GRACE_MS)
    return { ...before, ms: performance.now() - t0, found: true, addresses: view.addresses.length }
  } catch (err) {
    return { ...before, ms: performance.now() - t0, found: false, addresses: 0, error: (err as Error).name }
  }
}

/**
 * The baseline: kad-dht's own peer lookup of the same target on the LAN DHT, from the network
 * (useCache false: not the peer store), until the first FINAL_PEER event.
 */
async function findPeer (params: { node: number, target: string, timeoutMs: number }): Promise<{ ms: number, found: boolean }> {
  const libp2p = internals(node(params.node)).node
  const controller = new AbortController()
  const signal = AbortSignal.any([controller.signal, AbortSignal.timeout(params.timeoutMs)])
  const t0 = performance.now()
  const query = async (): Promise<boolean> => {
    for await (const event of libp2p.services.lanDht.findPeer(peerIdFromString(params.target), { signal, useCache: false })) {
      if (event.name === 'FINAL_PEER') return true
    }
    return false
  }
  try {
    const found = await overdue(query(), params.timeoutMs + OVERDUE_GRACE_MS)
    return { ms: performance.now() - t0, found }
  } catch {
    return { ms: performance.now() - t0, found: false }
  } finally {
    controller.abort()
  }
}

export interface FirstMessageSample extends Prior {
  /** send() called -> 'delivered' (the recipient's encrypted receipt); -1 when it never came. */
  ms: number
  /** send() called -> 'sent' (the recipient's durable ack). */
  sentMs: number
  /** send() called -> send() returned. */
  returnedMs: number
  state: string
  /** The same, for a second message on the session the first one made (the baseline). */
  secondMs: number
}

const DONE = ['delivered', 'read'] as const

/** Sends one message and times it: send() -> 'sent' and -> 'delivered', by the state events. */
async function timedSend (murmur: Murmur, to: string, text: string, timeoutMs: number): Promise<{ ms: number, sentMs: number, returnedMs: number, state: string }> {
  const at = new Map<string, { sent?: number, delivered?: number }>()
  const off = murmur.events.on('message:state', (e) => {
    if (e.peerId !== to) return
    const times = at.get(e.id) ?? {}
    if (e.state === 'sent') times.sent ??= nowMs()
    if ((DONE as readonly string[]).includes(e.state)) times.delivered ??= nowMs()
    at.set(e.id, times)
  })
  try {
    const t0 = nowMs()
    const view = await murmur.send(to, text)
    const returnedMs = nowMs() - t0
    const final = await murmur.waitForState(to, view.id, [...DONE], { timeoutMs })
    const times = at.get(view.id) ?? {}
    const delivered = (DONE as readonly string[]).includes(final.state) ? (times.delivered ?? nowMs()) : undefined
    return {
      ms: delivered !== undefined ? delivered - t0 : -1,
      sentMs: times.sent !== undefined ? times.sent - t0 : -1,
      returnedMs,
      state: final.state
    }
  } finally {
    off()
  }
}

/** A first message to a peer never talked to (added as a contact first), then a second one. */
async function firstMessage (params: { node: number, target: string, timeoutMs: number }): Promise<FirstMessageSample> {
  const murmur = node(params.node)
  await murmur.contacts.add(`peer-${params.target.slice(-8)}`, params.target)
  const before = await prior(murmur, peerIdFromString(params.target))
  const first = await timedSend(murmur, params.target, 'hello, first contact', params.timeoutMs)
  const second = first.ms >= 0 ? await timedSend(murmur, params.target, 'and a second message', params.timeoutMs) : undefined
  return { ...before, ...first, secondMs: second?.ms ?? -1 }
}

async function stopAll (): Promise<void> {
  await Promise.allSettled(nodes.splice(0).map(async n => { await n.stop() }))
}

const handlers: Record<string, Handler> = {
  start,
  tables,
  republish,
  lookup,
  findPeer,
  firstMessage,
  memory: settledMemory,
  cpu: () => { const c = process.cpuUsage(); return { userUs: c.user, systemUs: c.system } },
  stopAll,
  loop,
  closes: () => Object.fromEntries([...closeReasons].sort((a, b) => b[1] - a[1])),
  aborts: () => Object.fromEntries([...abortSites].sort((a, b) => b[1] - a[1]).slice(0, 12))
}

serve(handlers, stopAll)
