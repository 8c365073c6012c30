/**
 * `npm run bench -- relay`: the mailbox relay (docs/relay.md, docs/benchmarks.md).
 *
 * 1. Deposit: 20 sender nodes deposit 10,000 envelopes (100-byte payloads) concurrently into
 *    one mailbox of a relay on a classic-level store; messages per second.
 * 2. Drain: the offline owner comes back and subscribes; time until all 10,000 are pushed,
 *    made durable in the owner's own classic-level store (one synced batch per push) and
 *    acked (the relay's count back to 0). Beside it, the floor: level's own synced batch-write
 *    rate for the same number of entries in batches of the push size, in the same run.
 * 3. Memory: the relay holding 100,000 envelopes (10 mailboxes of 10,000); RSS and heap after GC.
 *    Everything runs in one process, so RSS includes the senders and the owner as well.
 *
 * Before step 1 the bench waits until the nodes stop opening connections to each other (they
 * find each other through the DHT: ~350 noise handshakes among 22 nodes in one process, which
 * would otherwise land inside the deposit measurement); --no-settle skips the wait.
 *
 * Options: --drain N (default 10000), --hold N (default 100000; 0 skips step 3), --senders N (20),
 * --push-limit N, --push-window N, --no-settle. Writes bench/results/relay.json.
 */
import '../src/runtime/node20-shims.js'
import { randomBytes } from 'node:crypto'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { generateKeyPair } from '@libp2p/crypto/keys'
import type { AbstractBatchOptions } from 'abstract-level'
import { ClassicLevel } from 'classic-level'
import { createNode, type MurmurNode } from '../src/net/node.js'
import { capabilityHash, DEFAULT_FETCH_LIMIT, mailbox, type MailboxInit, type MailboxService } from '../src/relay/index.js'
import { openStore, type Store } from '../src/store/index.js'
import { Envelope } from '../src/wire/envelope.js'
import { BenchmarkCheckError, BenchmarkOptionError, formatNumber, formatTable, positiveInteger, resultMeta, writeResult } from './harness.js'

type Node = MurmurNode<{ mailbox: MailboxService }>

const PAYLOAD_BYTES = 100

/** classic-level takes `sync` on batch(); abstract-level's types do not list it. */
const SYNC = { sync: true } as unknown as AbstractBatchOptions<string, Uint8Array>

interface Options { drain: number, hold: number, senders: number, pushLimit: number, pushWindow: number, settle: boolean }

function parseOptions (args: string[]): Options {
  const options: Options = { drain: 10_000, hold: 100_000, senders: 20, pushLimit: DEFAULT_FETCH_LIMIT, pushWindow: 2, settle: true }
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]
    const value = (): string => {
      const v = args[++i]
      if (v === undefined) throw new BenchmarkOptionError(`${arg} needs a value`)
      return v
    }
    if (arg === '--drain') options.drain = positiveInteger(arg, value())
    else if (arg === '--hold') options.hold = Number(value())
    else if (arg === '--senders') options.senders = positiveInteger(arg, value())
    else if (arg === '--push-limit') options.pushLimit = positiveInteger(arg, value())
    else if (arg === '--push-window') options.pushWindow = positiveInteger(arg, value())
    else if (arg === '--no-settle') options.settle = false
    else throw new BenchmarkOptionError(`unknown option ${arg}`)
  }
  return options
}

async function node (init: MailboxInit = {}): Promise<Node> {
  return createNode<{ mailbox: MailboxService }>({
    privateKey: await generateKeyPair('Ed25519'),
    listen: ['/ip4/127.0.0.1/tcp/0'],
    limits: { connections: { inboundConnectionThreshold: 1000 } },
    services: { mailbox: mailbox(init) }
  })
}

function envelope (recipient: Node): Uint8Array {
  return Envelope.encode({
    id: new Uint8Array(randomBytes(16)),
    sender: new Uint8Array(0),
    recipient: recipient.peerId.toMultihash().bytes as Uint8Array<ArrayBuffer>,
    createdAt: BigInt(Date.now()),
    kind: Envelope.Kind.RATCHET,
    payload: new Uint8Array(randomBytes(PAYLOAD_BYTES)),
    expiresAt: 0n
  })
}

/** Deposits `total` envelopes for `owner` from `senders`, all running at once; returns msgs/s. */
async function depositAll (relay: Node, senders: Node[], owners: Node[], total: number, capability: Uint8Array): Promise<number> {
  let next = 0
  const start = process.hrtime.bigint()
  await Promise.all(senders.map(async (sender) => {
    while (next < total) {
      const i = next++
      await sender.services.mailbox.deposit(relay.peerId, envelope(owners[i % owners.length]), { capability })
    }
  }))
  return total / (Number(process.hrtime.bigint() - start) / 1e9)
}

/** Waits until no node has opened or closed a connection for 2 s (at most 30 s). */
async function settle (nodes: Node[]): Promise<void> {
  const count = (): number => nodes.reduce((sum, n) => sum + n.getConnections().length, 0)
  const deadline = Date.now() + 30_000
  let last = count()
  let stableSince = Date.now()
  while (Date.now() < deadline && Date.now() - stableSince < 2_000) {
    await new Promise((resolve) => setTimeout(resolve, 250))
    const now = count()
    if (now !== last) {
      last = now
      stableSince = Date.now()
    }
  }
}

async function levelFloor (folder: string, n: number, batchSize: number): Promise<number> {
  const db = new ClassicLevel<string, Uint8Array>(join(folder, 'floor'), { keyEncoding: 'utf8', valueEncoding: 'view' })
  await db.open()
  const value = new Uint8Array(randomBytes(PAYLOAD_BYTES + 60))
  const start = process.hrtime.bigint()
  for (let i = 0; i < n; i += batchSize) {
    const ops = []
    for (let j = i; j < Math.min(n, i + batchSize); j++) ops.push({ type: 'put' as const, key: `k!${String(j).padStart(16, '0')}`, value })
    await db.batch(ops, SYNC as never)
  }
  const rate = n / (Number(process.hrtime.bigint() - start) / 1e9)
  await db.close()
  return rate
}

export async function run (args: string[]): Promise<void> {
  const options = parseOptions(args)
  const folder = await mkdtemp(join(tmpdir(), 'murmur-bench-relay-'))
  const nodes: Node[] = []
  const stores: Store[] = []
  try {
    const relayStore = await openStore({ path: join(folder, 'relay') })
    stores.push(relayStore)
    const big = 10 * options.hold + options.drain
    const relay = await node({
      store: relayStore,
      sweepIntervalMs: 0,
      pushLimit: options.pushLimit,
      pushWindow: options.pushWindow,
      limits: { mailboxMaxCount: big, mailboxMaxBytes: big * 1024 },
      rates: { deposit: { burst: big, perSecond: big } }
    })
    nodes.push(relay)
    const owner = await node()
    const senders = await Promise.all(Array.from({ length: options.senders }, async () => node()))
    nodes.push(owner, ...senders)
    await relay.services.mailbox.trust.add(owner.peerId)
    await Promise.all([owner, ...senders].map(async (n) => n.dial(relay.getMultiaddrs())))
    await owner.services.mailbox.register(relay.peerId)
    const capability = new Uint8Array(randomBytes(32))
    await owner.services.mailbox.addCapabilities(relay.peerId, [capabilityHash(capability)])
    // The nodes find each other through the DHT and connect pairwise (~350 noise handshakes
    // among 22 nodes in one process); measure the relay, not that start-up.
    if (options.settle) await settle(nodes)

    // 1. Deposit, while the owner is not subscribed.
    process.stdout.write(`depositing ${options.drain} envelopes from ${options.senders} senders...\n`)
    const depositRate = await depositAll(relay, senders, [owner], options.drain, capability)
    const held = (await owner.services.mailbox.status(relay.peerId)).count
    if (held !== options.drain) throw new BenchmarkCheckError(`relay holds ${held}, expected ${options.drain}`)

    // 2. Drain into the owner's own store, then the floor.
    const ownerStore = await openStore({ path: join(folder, 'owner') })
    stores.push(ownerStore)
    const level = ownerStore.level
    let received = 0
    const controller = new AbortController()
    const start = process.hrtime.bigint()
    const subscription = owner.services.mailbox.subscribe(relay.peerId, async (envelopes) => {
      await level.batch(envelopes.map((e) => ({ type: 'put' as const, key: `in!${Buffer.from(e.id).toString('hex')}`, value: e.bytes })),
        SYNC)
      received += envelopes.length
    }, { signal: controller.signal })
    // Poll the owner's own counter first (free), and the relay (a stream each) only at the end.
    while (received < options.drain) await new Promise((resolve) => setTimeout(resolve, 2))
    while ((await owner.services.mailbox.status(relay.peerId)).count > 0) await new Promise((resolve) => setTimeout(resolve, 2))
    const drainSeconds = Number(process.hrtime.bigint() - start) / 1e9
    controller.abort()
    await subscription
    if (received !== options.drain) throw new BenchmarkCheckError(`drained ${received}, expected ${options.drain}`)
    const drainRate = options.drain / drainSeconds
    const floor = await levelFloor(folder, options.drain, options.pushLimit)

    // 3. Memory while holding many envelopes (10 mailboxes; the default quota is 10,000 each).
    let memory: { rssMb: number, heapMb: number, held: number } | undefined
    if (options.hold > 0) {
      const owners = [owner]
      await owner.services.mailbox.ack(relay.peerId, [])
      for (let i = 1; i < 10; i++) {
        const o = await node()
        nodes.push(o)
        await relay.services.mailbox.trust.add(o.peerId)
        await o.dial(relay.getMultiaddrs())
        await o.services.mailbox.register(relay.peerId)
        await o.services.mailbox.addCapabilities(relay.peerId, [capabilityHash(capability)])
        owners.push(o)
      }
      process.stdout.write(`depositing ${options.hold} envelopes to hold...\n`)
      await depositAll(relay, senders, owners, options.hold, capability)
      const gc = (globalThis as { gc?: () => void }).gc
      gc?.()
      const m = process.memoryUsage()
      let total = 0
      for (const o of owners) total += (await o.services.mailbox.status(relay.peerId)).count
      memory = { rssMb: m.rss / 2 ** 20, heapMb: m.heapUsed / 2 ** 20, held: total }
    }

    const result = {
      drain_msgs_per_s: Math.round(drainRate),
      level_floor_per_s: Math.round(floor),
      drain_vs_floor: drainRate / floor,
      deposit_msgs_per_s: Math.round(depositRate),
      memory_mb_100k: memory === undefined ? null : Math.round(memory.rssMb),
      heap_mb_100k: memory === undefined ? null : Math.round(memory.heapMb),
      targets: [
        { name: 'drain >= 5,000 msg/s', value: drainRate, min: 5000, met: drainRate >= 5000 },
        { name: 'drain >= 25% of floor', value: drainRate / floor, min: 0.25, met: drainRate / floor >= 0.25 }
      ],
      meta: { ...resultMeta(1), settled: options.settle, drain: options.drain, hold: memory?.held ?? 0, senders: options.senders, payloadBytes: PAYLOAD_BYTES, pushSize: options.pushLimit, pushWindow: options.pushWindow, gcExposed: typeof (globalThis as { gc?: unknown }).gc === 'function' }
    }
    process.stdout.write(formatTable(['measure', 'value'], [
      ['deposit, 20 senders (msg/s)', formatNumber(result.deposit_msgs_per_s)],
      ['drain (msg/s)', formatNumber(result.drain_msgs_per_s)],
      ['level floor, synced batches (puts/s)', formatNumber(result.level_floor_per_s)],
      ['drain / floor', result.drain_vs_floor.toFixed(2)],
      ['RSS holding envelopes (MB)', formatNumber(result.memory_mb_100k ?? undefined)],
      ['heap holding envelopes (MB)', formatNumber(result.heap_mb_100k ?? undefined)]
    ]) + '\n')
    process.stdout.write(`wrote ${writeResult('relay', result)}\n`)
  } finally {
    await Promise.all(nodes.map(async (n) => n.stop()))
    for (const s of stores) await s.close()
    await rm(folder, { recursive: true, force: true })
  }
}
