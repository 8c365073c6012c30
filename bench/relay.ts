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
 * 4. Encryption at rest: steps 1 and 2 run on two relays in the same process, one whose store
 *    is encrypted (the figures above, and step 3) and one without encryption, alternating over
 *    --rounds rounds (5); medians of the per-round ratios, and of the
 *    process's CPU per envelope. Target: encrypted at most 15% slower on deposits and drains.
 *
 * Before step 1 the bench waits until the nodes stop opening connections to each other (they
 * find each other through the DHT: ~350 noise handshakes among 22 nodes in one process, which
 * would otherwise land inside the deposit measurement); --no-settle skips the wait.
 *
 * Options: --drain N (default 10000), --hold N (default 100000; 0 skips step 3), --senders N (20),
 * --push-limit N, --push-window N, --rounds N (5), --no-settle. Writes bench/results/relay.json.
 */
import '../src/net/shims.js'
import { randomBytes } from 'node:crypto'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { generateKeyPair } from '@libp2p/crypto/keys'
import type { AbstractBatchOptions } from 'abstract-level'
import { ClassicLevel } from 'classic-level'
import { createNode, type MurmurNode } from '../src/net/node.js'
import { capabilityHash, DEFAULT_FETCH_LIMIT, mailbox, type MailboxInit, type MailboxService } from '../src/relay/index.js'
import { deriveHomeKeys, generateDataKey } from '../src/store/at-rest/keys.js'
import { defaultProvider } from '../src/crypto/providers/index.js'
import { openStore, plainCipher, sealedCipher, type Store, type StoreCipher } from '../src/store/index.js'
import { Envelope } from '../src/wire/envelope.js'
import { BenchmarkCheckError, BenchmarkOptionError, formatNumber, formatTable, median, positiveInteger, resultMeta, writeResult } from './harness.js'

type Node = MurmurNode<{ mailbox: MailboxService }>

const PAYLOAD_BYTES = 100

/** classic-level takes `sync` on batch(); abstract-level's types do not list it. */
const SYNC = { sync: true } as unknown as AbstractBatchOptions<string, Uint8Array>

interface Options { drain: number, hold: number, senders: number, pushLimit: number, pushWindow: number, rounds: number, settle: boolean }

function parseOptions (args: string[]): Options {
  const options: Options = { drain: 10_000, hold: 100_000, senders: 20, pushLimit: DEFAULT_FETCH_LIMIT, pushWindow: 2, rounds: 5, settle: true }
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
    else if (arg === '--rounds') options.rounds = positiveInteger(arg, value())
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

/** A relay's store encrypted under a fresh data key, as in a home with a passphrase. */
function encryptedCipher (): StoreCipher {
  const provider = defaultProvider()
  return sealedCipher(provider, deriveHomeKeys(provider, generateDataKey(provider)))
}

/** The offline owner comes back and subscribes: envelopes per second until all `count` are pushed, durable in its own store, and acked. */
async function drainAll (relay: Node, owner: Node, ownerStore: Store, count: number): Promise<number> {
  const level = ownerStore.level
  let received = 0
  const controller = new AbortController()
  const start = process.hrtime.bigint()
  const subscription = owner.services.mailbox.subscribe(relay.peerId, async (envelopes) => {
    await level.batch(envelopes.map((e) => ({ type: 'put' as const, key: `in!${Buffer.from(e.id).toString('hex')}`, value: e.bytes })), SYNC)
    received += envelopes.length
  }, { signal: controller.signal })
  // Poll the owner's own counter first (free), and the relay (a stream each) only at the end.
  while (received < count) await new Promise((resolve) => setTimeout(resolve, 2))
  while ((await owner.services.mailbox.status(relay.peerId)).count > 0) await new Promise((resolve) => setTimeout(resolve, 2))
  const seconds = Number(process.hrtime.bigint() - start) / 1e9
  controller.abort()
  await subscription
  if (received !== count) throw new BenchmarkCheckError(`drained ${received}, expected ${count}`)
  return count / seconds
}

export async function run (args: string[]): Promise<void> {
  const options = parseOptions(args)
  const folder = await mkdtemp(join(tmpdir(), 'murmur-bench-relay-'))
  const nodes: Node[] = []
  const stores: Store[] = []
  try {
    const big = 10 * options.hold + options.drain
    const relayNode = async (name: string, cipher: StoreCipher): Promise<Node> => {
      const store = await openStore({ path: join(folder, name) }, { cipher })
      stores.push(store)
      const n = await node({
        store,
        sweepIntervalMs: 0,
        pushLimit: options.pushLimit,
        pushWindow: options.pushWindow,
        limits: { mailboxMaxCount: big, mailboxMaxBytes: big * 1024 },
        rates: { deposit: { burst: big, perSecond: big } }
      })
      nodes.push(n)
      return n
    }
    // Two relays: an encrypted store (as every home with a passphrase has) and an unencrypted one.
    const relay = await relayNode('relay', encryptedCipher())
    const plainRelay = await relayNode('relay-plain', plainCipher)
    const owner = await node()
    const senders = await Promise.all(Array.from({ length: options.senders }, async () => node()))
    nodes.push(owner, ...senders)
    const capability = new Uint8Array(randomBytes(32))
    for (const r of [relay, plainRelay]) {
      await r.services.mailbox.trust.add(owner.peerId)
      // One at a time: 21 noise handshakes at once time out on a loaded machine.
      for (const n of [owner, ...senders]) await n.dial(r.getMultiaddrs())
      await owner.services.mailbox.register(r.peerId)
      await owner.services.mailbox.addCapabilities(r.peerId, [capabilityHash(capability)])
    }
    // The nodes find each other through the DHT and connect pairwise (~350 noise handshakes
    // among 22 nodes in one process); measure the relay, not that start-up.
    if (options.settle) await settle(nodes)
    const ownerStore = await openStore({ path: join(folder, 'owner') })
    stores.push(ownerStore)

    // 1 and 2, per round on both relays, in alternating order: deposit while the owner is away, then drain.
    const rates = { deposit: [] as number[], drain: [] as number[], depositPlain: [] as number[], drainPlain: [] as number[] }
    // CPU of this process (every node is in it) per envelope deposited and drained: less sensitive to load than time.
    const cpu = { encrypted: [] as number[], plain: [] as number[] }
    for (let round = 0; round < options.rounds; round++) {
      const order = round % 2 === 0 ? [relay, plainRelay] : [plainRelay, relay]
      for (const r of order) {
        const encrypted = r === relay
        process.stdout.write(`round ${round + 1}: depositing ${options.drain} envelopes from ${options.senders} senders at the ${encrypted ? 'encrypted' : 'unencrypted'} relay...\n`)
        const cpu0 = process.cpuUsage()
        const deposit = await depositAll(r, senders, [owner], options.drain, capability)
        const held = (await owner.services.mailbox.status(r.peerId)).count
        if (held !== options.drain) throw new BenchmarkCheckError(`relay holds ${held}, expected ${options.drain}`)
        const drain = await drainAll(r, owner, ownerStore, options.drain)
        const used = process.cpuUsage(cpu0)
        ;(encrypted ? cpu.encrypted : cpu.plain).push((used.user + used.system) / options.drain)
        ;(encrypted ? rates.deposit : rates.depositPlain).push(deposit)
        ;(encrypted ? rates.drain : rates.drainPlain).push(drain)
      }
    }
    const depositRate = median(rates.deposit)
    const drainRate = median(rates.drain)
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

    // Medians of the per-round ratios: each round's two runs sat next to each other in time.
    const depositRatio = median(rates.deposit.map((x, i) => x / rates.depositPlain[i]))
    const drainRatio = median(rates.drain.map((x, i) => x / rates.drainPlain[i]))
    const cpuRatio = median(cpu.encrypted.map((x, i) => x / cpu.plain[i]))
    const result = {
      drain_msgs_per_s: Math.round(drainRate),
      level_floor_per_s: Math.round(floor),
      drain_vs_floor: drainRate / floor,
      deposit_msgs_per_s: Math.round(depositRate),
      memory_mb_100k: memory === undefined ? null : Math.round(memory.rssMb),
      heap_mb_100k: memory === undefined ? null : Math.round(memory.heapMb),
      deposit_msgs_per_s_plain: Math.round(median(rates.depositPlain)),
      drain_msgs_per_s_plain: Math.round(median(rates.drainPlain)),
      encryption_deposit_ratio: Math.round(depositRatio * 100) / 100,
      encryption_drain_ratio: Math.round(drainRatio * 100) / 100,
      cpu_us_per_envelope: { encrypted: Math.round(median(cpu.encrypted)), plain: Math.round(median(cpu.plain)) },
      encryption_cpu_ratio: Math.round(cpuRatio * 100) / 100,
      targets: [
        { name: 'drain >= 5,000 msg/s', value: drainRate, min: 5000, met: drainRate >= 5000 },
        { name: 'drain >= 25% of floor', value: drainRate / floor, min: 0.25, met: drainRate / floor >= 0.25 },
        { name: 'deposits encrypted / unencrypted', value: depositRatio, min: 0.85, met: depositRatio >= 0.85 },
        { name: 'drain encrypted / unencrypted', value: drainRatio, min: 0.85, met: drainRatio >= 0.85 }
      ],
      meta: { ...resultMeta(options.rounds), settled: options.settle, drain: options.drain, hold: memory?.held ?? 0, senders: options.senders, payloadBytes: PAYLOAD_BYTES, pushSize: options.pushLimit, pushWindow: options.pushWindow, gcExposed: typeof (globalThis as { gc?: unknown }).gc === 'function', rates, cpu }
    }
    process.stdout.write(formatTable(['measure', 'value'], [
      ['deposit, 20 senders (msg/s)', formatNumber(result.deposit_msgs_per_s)],
      ['  unencrypted relay (msg/s)', formatNumber(result.deposit_msgs_per_s_plain)],
      ['  encrypted / unencrypted', result.encryption_deposit_ratio.toFixed(2)],
      ['drain (msg/s)', formatNumber(result.drain_msgs_per_s)],
      ['  unencrypted relay (msg/s)', formatNumber(result.drain_msgs_per_s_plain)],
      ['  encrypted / unencrypted', result.encryption_drain_ratio.toFixed(2)],
      ['CPU per envelope, deposit + drain (us)', formatNumber(result.cpu_us_per_envelope.encrypted)],
      ['  unencrypted relay (us)', formatNumber(result.cpu_us_per_envelope.plain)],
      ['  encrypted / unencrypted', result.encryption_cpu_ratio.toFixed(2)],
      ['level floor, synced batches (puts/s)', formatNumber(result.level_floor_per_s)],
      ['drain / floor', result.drain_vs_floor.toFixed(2)],
      ['RSS holding envelopes (MB)', formatNumber(result.memory_mb_100k ?? undefined)],
      ['heap holding envelopes (MB)', formatNumber(result.heap_mb_100k ?? undefined)]
    ]) + '\n')
    for (const t of result.targets) process.stdout.write(`${t.met ? 'met   ' : 'MISSED'} ${t.name}: ${t.value.toFixed(2)} (min ${t.min})\n`)
    process.stdout.write(`wrote ${writeResult('relay', result)}\n`)
  } finally {
    await Promise.all(nodes.map(async (n) => n.stop()))
    for (const s of stores) await s.close()
    await rm(folder, { recursive: true, force: true })
  }
}
