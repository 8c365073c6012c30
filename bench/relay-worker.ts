/**
 * Worker process of `npm run bench -- relay` (bench/relay.ts): hosts either the relay (a
 * createNode with the mailbox service on a classic-level store in its own folder) or a group of
 * client nodes (senders, or mailbox owners), driven over Node's IPC channel (bench/net-ipc.ts).
 * The relay has a process of its own, so that its CPU and its memory are its own figures.
 */
import '../src/runtime/node20-shims.js'
import { randomBytes } from 'node:crypto'
import { mkdir } from 'node:fs/promises'
import { join } from 'node:path'
import { generateKeyPair } from '@libp2p/crypto/keys'
import { peerIdFromString } from '@libp2p/peer-id'
import { multiaddr } from '@multiformats/multiaddr'
import { ClassicLevel } from 'classic-level'
import { createNode, type MurmurNode } from '../src/net/node.js'
import { capabilityHash, mailbox, RelayTimeoutError, type MailboxInit, type MailboxService } from '../src/relay/index.js'
import { defaultProvider } from '../src/crypto/providers/index.js'
import { deriveHomeKeys, generateDataKey } from '../src/store/at-rest/keys.js'
import { openStore, plainCipher, sealedCipher, type Store, type StoreCipher } from '../src/store/index.js'
import { Envelope } from '../src/wire/envelope.js'
import { BenchmarkCheckError } from './harness.js'
import { quietMemory, serve, settledMemory, type Handler } from './net-ipc.js'

type Node = MurmurNode<{ mailbox: MailboxService }>

/** The payload of each deposited envelope (the net benchmark's message size). */
export const PAYLOAD_BYTES = 100

/** One dial attempt of `connect`, and the pause before the next. */
const DIAL_TIMEOUT_MS = 10_000
const DIAL_RETRY_PAUSE_MS = 1_000
/** Timed-out registration requests sent again, in all, before `register` gives up. */
const REGISTER_RETRIES = 10

export interface PeerInfo { peerId: string, addresses: string[] }

const nodes: Node[] = []
const stores: Store[] = []
/** Connections opened by the nodes here since they started (libp2p's connection:open events). */
let connectionsOpened = 0

async function node (init: MailboxInit = {}): Promise<Node> {
  const n = await createNode<{ mailbox: MailboxService }>({
    privateKey: await generateKeyPair('Ed25519'),
    listen: ['/ip4/127.0.0.1/tcp/0'],
    // Every client of the run comes from 127.0.0.1 (loopback is already exempt; stated for clarity).
    limits: { connections: { inboundConnectionThreshold: 1000 } },
    services: { mailbox: mailbox(init) }
  })
  nodes.push(n)
  n.addEventListener('connection:open', () => { connectionsOpened++ })
  return n
}

function info (n: Node): PeerInfo {
  return { peerId: n.peerId.toString(), addresses: n.getMultiaddrs().map(a => a.toString()) }
}

function relayNode (): Node {
  const relay = nodes[0]
  if (relay === undefined) throw new BenchmarkCheckError('no node started')
  return relay
}

/** A store cipher under a fresh data key, as in a home with a passphrase (docs/store.md, "Encryption at rest"). */
function encryptedCipher (): StoreCipher {
  const provider = defaultProvider()
  return sealedCipher(provider, deriveHomeKeys(provider, generateDataKey(provider)))
}

/**
 * The relay: a node with the mailbox service on a store in `home`, encrypted at rest (as every
 * home with a passphrase is) or not, limits wide open for the run.
 */
async function startRelay (params: { home: string, encrypted: boolean, capacity: number, pushLimit: number, pushWindow: number }): Promise<PeerInfo> {
  await mkdir(params.home, { recursive: true })
  const store = await openStore({ path: join(params.home, 'store') }, { cipher: params.encrypted ? encryptedCipher() : plainCipher })
  stores.push(store)
  const big = params.capacity
  const relay = await node({
    store,
    sweepIntervalMs: 0,
    pushLimit: params.pushLimit,
    pushWindow: params.pushWindow,
    limits: { mailboxMaxCount: big, mailboxMaxBytes: big * 1024 },
    rates: { deposit: { burst: big, perSecond: big } }
  })
  return info(relay)
}

/** `count` client nodes (senders or mailbox owners), without relay storage. */
async function startClients (params: { count: number }): Promise<PeerInfo[]> {
  const started = await Promise.all(Array.from({ length: params.count }, async () => await node()))
  return started.map(info)
}

/**
 * Every client dials the relay; a dial that fails (a loaded machine refusing or timing out a
 * handshake) is tried again after a pause, with no overall deadline but the caller's. Returns
 * how many dials were retried.
 */
async function connect (params: { to: PeerInfo }): Promise<number> {
  const addresses = params.to.addresses.map(a => multiaddr(a))
  let retries = 0
  await Promise.all(nodes.map(async (n) => {
    for (;;) {
      try {
        await n.dial(addresses, { signal: AbortSignal.timeout(DIAL_TIMEOUT_MS) })
        return
      } catch {
        retries++
        await new Promise(resolve => setTimeout(resolve, DIAL_RETRY_PAUSE_MS))
      }
    }
  }))
  return retries
}

/** What the orchestrator watches to see the network formed and quiet (bench/relay.ts, settle). */
export interface NetworkState {
  /** Open connections of every node here. */
  connections: number
  /** Connections opened since start: a change during a round means the round was not deposits alone. */
  connectionsOpened: number
  /** Peers in the LAN DHT routing tables of every node here (docs/network.md section 8: the table filler). */
  lanPeers: number
  /** The smallest of those tables (Infinity with no node here). */
  lanPeersMin: number
  /** This process's CPU since it started (us). */
  cpuUs: number
}

function network (): NetworkState {
  const sizes = nodes.map(n => n.services.tableFill.status().reduce((s, t) => s + t.size, 0))
  return {
    connections: nodes.reduce((sum, n) => sum + n.getConnections().length, 0),
    connectionsOpened,
    lanPeers: sizes.reduce((a, b) => a + b, 0),
    lanPeersMin: Math.min(...sizes),
    cpuUs: cpu()
  }
}

async function trust (params: { peerIds: string[] }): Promise<null> {
  for (const peerId of params.peerIds) await relayNode().services.mailbox.trust.add(peerId)
  return null
}

/**
 * Every node here registers a mailbox at `relay` and accepts deposits carrying `capability`.
 * Both requests are idempotent: one that times out (the nodes are still forming their network,
 * the processes busy) is sent again after a pause. Returns how many were.
 */
async function register (params: { relay: string, capability: string }): Promise<number> {
  const relay = peerIdFromString(params.relay)
  const hash = capabilityHash(Buffer.from(params.capability, 'hex'))
  let retries = 0
  const retried = async (request: () => Promise<void>): Promise<void> => {
    for (;;) {
      try {
        await request()
        return
      } catch (err) {
        if (!(err instanceof RelayTimeoutError) || retries >= REGISTER_RETRIES) throw err
        retries++
        await new Promise(resolve => setTimeout(resolve, DIAL_RETRY_PAUSE_MS))
      }
    }
  }
  for (const n of nodes) {
    await retried(async () => { await n.services.mailbox.register(relay) })
    await retried(async () => { await n.services.mailbox.addCapabilities(relay, [hash]) })
  }
  return retries
}

function envelope (recipient: Uint8Array<ArrayBuffer>): Uint8Array {
  return Envelope.encode({
    id: new Uint8Array(randomBytes(16)),
    sender: new Uint8Array(0),
    recipient,
    createdAt: BigInt(Date.now()),
    kind: Envelope.Kind.RATCHET,
    payload: new Uint8Array(randomBytes(PAYLOAD_BYTES)),
    expiresAt: 0n
  })
}

/**
 * Every node here deposits at `relay`, all at once, each one deposit at a time (awaiting each
 * answer), `count` envelopes in all, for `recipients` in turn. Milliseconds, and this process's
 * CPU.
 */
async function deposit (params: { relay: string, recipients: string[], count: number, capability: string }): Promise<{ ms: number, cpuUs: number }> {
  const relay = peerIdFromString(params.relay)
  const recipients = params.recipients.map(r => peerIdFromString(r).toMultihash().bytes as Uint8Array<ArrayBuffer>)
  const capability = Buffer.from(params.capability, 'hex')
  // Built before timing: the benchmark measures the relay, not the making of envelopes.
  const envelopes = Array.from({ length: params.count }, (_, i) => envelope(recipients[i % recipients.length]))
  let next = 0
  const cpu0 = process.cpuUsage()
  const t0 = performance.now()
  await Promise.all(nodes.map(async (sender) => {
    while (next < envelopes.length) {
      const e = envelopes[next++]
      await sender.services.mailbox.deposit(relay, e, { capability })
    }
  }))
  const ms = performance.now() - t0
  const cpu = process.cpuUsage(cpu0)
  return { ms, cpuUs: cpu.user + cpu.system }
}

/** Envelopes held for node `index` here (a status request to the relay). */
async function held (params: { relay: string, index: number }): Promise<number> {
  const owner = nodes[params.index]
  if (owner === undefined) throw new BenchmarkCheckError(`no node ${params.index}`)
  return (await owner.services.mailbox.status(peerIdFromString(params.relay))).count
}

/**
 * Node 0 comes back and subscribes: every push is made durable in its own classic-level store
 * (one synced batch per push) before it is acked. Until `expected` envelopes have arrived and
 * the relay holds none: milliseconds, and this process's CPU.
 */
async function drain (params: { relay: string, expected: number, folder: string }): Promise<{ ms: number, cpuUs: number }> {
  const owner = nodes[0]
  const relay = peerIdFromString(params.relay)
  const db = new ClassicLevel<string, Uint8Array>(join(params.folder, `owner-${Date.now()}`), { keyEncoding: 'utf8', valueEncoding: 'view' })
  await db.open()
  let received = 0
  const controller = new AbortController()
  const cpu0 = process.cpuUsage()
  const t0 = performance.now()
  const subscription = owner.services.mailbox.subscribe(relay, async (envelopes) => {
    await db.batch(envelopes.map((e) => ({ type: 'put' as const, key: `in!${Buffer.from(e.id).toString('hex')}`, value: e.bytes })), { sync: true } as never)
    received += envelopes.length
  }, { signal: controller.signal })
  try {
    // The owner's own counter first (free), then the relay's (one request each) at the end.
    while (received < params.expected) await new Promise((resolve) => setTimeout(resolve, 2))
    while ((await owner.services.mailbox.status(relay)).count > 0) await new Promise((resolve) => setTimeout(resolve, 2))
  } finally {
    controller.abort()
    await subscription.catch(() => {})
    await db.close()
  }
  const ms = performance.now() - t0
  const cpu = process.cpuUsage(cpu0)
  if (received !== params.expected) throw new BenchmarkCheckError(`drained ${received}, expected ${params.expected}`)
  return { ms, cpuUs: cpu.user + cpu.system }
}

/** level's own synced batch-write rate: `n` puts of an envelope's size in batches of `batchSize`, in `folder`. */
async function levelFloor (params: { folder: string, n: number, batchSize: number }): Promise<number> {
  const db = new ClassicLevel<string, Uint8Array>(join(params.folder, `floor-${Date.now()}`), { keyEncoding: 'utf8', valueEncoding: 'view' })
  await db.open()
  const value = new Uint8Array(randomBytes(PAYLOAD_BYTES + 60))
  const t0 = performance.now()
  for (let i = 0; i < params.n; i += params.batchSize) {
    const ops = []
    for (let j = i; j < Math.min(params.n, i + params.batchSize); j++) ops.push({ type: 'put' as const, key: `k!${String(j).padStart(16, '0')}`, value })
    await db.batch(ops, { sync: true } as never)
  }
  const rate = params.n / ((performance.now() - t0) / 1000)
  await db.close()
  return rate
}

function cpu (): number {
  const c = process.cpuUsage()
  return c.user + c.system
}

/**
 * LevelDB batch writes the stores here have issued, and the commits they carried (a relay
 * commits one batch per group of deposits it decides together; a write carries every commit
 * queued while the one before was in flight).
 */
function storeWrites (): { writes: number, commits: number } {
  return stores.reduce((sum, s) => ({ writes: sum.writes + s.stats().writes, commits: sum.commits + s.stats().commits }), { writes: 0, commits: 0 })
}

async function stopAll (): Promise<void> {
  await Promise.allSettled(nodes.splice(0).map(async n => { await n.stop() }))
  for (const s of stores.splice(0)) await s.close().catch(() => {})
}

const handlers: Record<string, Handler> = {
  startRelay, startClients, connect, network, trust, register, deposit, held, drain, levelFloor, cpu, storeWrites, stopAll, memory: settledMemory, quietMemory
}

serve(handlers, stopAll)
