/**
 * Publishing and resolving contact records through the DHT, and the republisher that keeps
 * one's own record fresh (DESIGN.md "Contact record in the DHT"; docs/network.md).
 */
import { logger } from '@libp2p/logger'
import type { KadDHT, QueryEvent } from '@libp2p/kad-dht'
import type { PeerId, PrivateKey } from '@libp2p/interface'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import { defaultProvider } from '../crypto/providers/index.js'
import type { CryptoProvider } from '../crypto/provider.js'
import {
  contactRecordKey, decodeContactRecord, signContactRecord, verifyContactRecord,
  type ContactRecord, type UnsignedContactRecord
} from './contact-record.js'
import { ContactRecordNotFoundError } from './errors.js'
import { allDhtsOf, dhtQuerySignal, routingTableOf, runLookupPasses, type DhtNode } from './lookup-passes.js'
import { recordAddresses } from './record-addresses.js'
import { untilAborted } from './until-aborted.js'
import {
  CONTACT_RECORD_LIMITS, CONTACT_RECORD_PASSES, CONTACT_RECORD_QUORUM, CONTACT_RECORD_SETTLE_MS, DEFAULT_DHT_LIMITS, DEFAULT_REPUBLISH_INTERVAL_MS, REPUBLISH_DEBOUNCE_MS, REPUBLISH_LOOKUP_TIMEOUT_MS,
  REPUBLISH_RETRY_MIN_MS
} from './limits.js'

const log = logger('murmur:net:contact-records')

/**
 * The DHTs worth asking: those with peers in their routing table (the WAN DHT of a node on a
 * LAN, or the LAN DHT of a public server, has none). With none at all, the WAN DHT is asked.
 */
function dhtsOf (node: DhtNode): KadDHT[] {
  const all = allDhtsOf(node)
  const populated = all.filter(dht => (routingTableOf(dht)?.size ?? 1) > 0)
  return populated.length > 0 ? populated : [node.services.dht]
}

export interface ContactRecordCallOptions {
  signal?: AbortSignal
  /** resolve: how long to wait for a newer record once a valid one arrived, in ms. */
  settleMs?: number
  /** Bound on the DHT call, in ms; defaults from limits.ts. */
  timeoutMs?: number
  /** Crypto used to verify; default defaultProvider() (node:crypto). */
  provider?: CryptoProvider
}

export interface PublishResult {
  /** The DHT key the record was put under. */
  key: Uint8Array
  sequence: bigint
  /** Peers that answered the PUT_VALUE with the record stored. */
  accepted: number
  /** Peers sent the PUT_VALUE that refused it or failed (QUERY_ERROR after the send). */
  rejected: number
}

export interface ResolvedContactRecord {
  record: ContactRecord
  /** The canonical encoding, as stored in the DHT. */
  bytes: Uint8Array
}

function boundedSignal (timeoutMs: number, signal?: AbortSignal): AbortSignal {
  const signals = [AbortSignal.timeout(timeoutMs)]
  if (signal != null) signals.push(signal)
  return AbortSignal.any(signals)
}

/**
 * Put a signed record (its canonical bytes) into the DHT under its owner's key. The record is
 * verified first, so this node never spreads one that others would reject. A kad-dht put does
 * not throw when peers refuse the record (NOTES.md): refusals arrive as QUERY_ERROR events, so
 * the result counts acceptances and refusals among the peers the PUT_VALUE was sent to. The
 * record is also stored locally by kad-dht, whatever the count.
 */
export async function publishContactRecord (node: DhtNode, record: Uint8Array, options: ContactRecordCallOptions = {}): Promise<PublishResult> {
  const provider = options.provider ?? defaultProvider()
  const decoded = decodeContactRecord(record)
  verifyContactRecord(record, decoded.peerId, provider)
  const key = contactRecordKey(decoded.peerId)
  const signal = boundedSignal(options.timeoutMs ?? DEFAULT_DHT_LIMITS.putTimeoutMs, options.signal)

  // Per peer, the outcome of the PUT_VALUE: kad-dht yields SEND_QUERY(PUT_VALUE), then either a
  // PEER_RESPONSE(PUT_VALUE) or a QUERY_ERROR, and a QUERY_ERROR after a response when the
  // echoed value differs ("Value not put correctly").
  const putSentTo = new Set<string>()
  const outcome = new Map<string, boolean>()
  const record$ = (event: QueryEvent): void => {
    if (event.name === 'SEND_QUERY' && event.messageName === 'PUT_VALUE') {
      putSentTo.add(event.to.toString())
    } else if (event.name === 'PEER_RESPONSE' && event.messageName === 'PUT_VALUE') {
      if (!outcome.has(event.from.toString())) outcome.set(event.from.toString(), true)
    } else if (event.name === 'QUERY_ERROR' && putSentTo.has(event.from.toString())) {
      outcome.set(event.from.toString(), false)
    }
  }
  await Promise.all(dhtsOf(node).map(async (dht) => {
    try {
      const own = dhtQuerySignal(signal)
      for await (const event of untilAborted(dht.put(key, record, { signal: own }), own)) record$(event)
    } catch (err) {
      options.signal?.throwIfAborted()
      // A timeout or a failed lookup ends the put early; what was counted so far stands.
      log('put of contact record ended early - %e', err)
    }
  }))
  let accepted = 0
  for (const ok of outcome.values()) if (ok) accepted++
  const rejected = [...putSentTo].filter(p => outcome.get(p) !== true).length
  log('contact record seq %s: %d peers accepted, %d refused', decoded.sequence, accepted, rejected)
  return { key, sequence: decoded.sequence, accepted, rejected }
}

/**
 * Find the best contact record of `peerId`: every record seen in the DHT answers (and this
 * node's own copy) is verified again here, whatever kad-dht did, and the highest sequence wins.
 * Throws ContactRecordNotFoundError when no valid record turns up before the timeout.
 */
export async function resolveContactRecord (node: DhtNode, peerId: PeerId, options: ContactRecordCallOptions = {}): Promise<ResolvedContactRecord> {
  const provider = options.provider ?? defaultProvider()
  const key = contactRecordKey(peerId)
  // Once a valid record is in, the query ends after a short settling time: kad-dht would
  // otherwise walk on to every closer peer it heard of, some of them unreachable (a peer behind
  // a NAT, its private addresses black-holed), and hold the answer until each dial timed out.
  // Peers closest to the key answer first, and they hold the newest record. The wait ends at
  // once when the record's owner answers (it holds its newest record) or when
  // CONTACT_RECORD_QUORUM other peers have: in a network of some size the settling time was
  // most of a lookup (docs/benchmarks.md "The reach benchmark").
  const settled = new AbortController()
  let settleTimer: ReturnType<typeof setTimeout> | undefined
  const signal = AbortSignal.any([boundedSignal(options.timeoutMs ?? DEFAULT_DHT_LIMITS.getTimeoutMs, options.signal), settled.signal])
  let best: ResolvedContactRecord | undefined
  /** Remote peers that answered with a valid record (this node's own copy does not count). */
  const answered = new Set<string>()
  const consider = (bytes: Uint8Array, from: PeerId): void => {
    if (bytes.length > CONTACT_RECORD_LIMITS.maxRecordBytes) return
    let record: ContactRecord
    try {
      record = verifyContactRecord(bytes, peerId, provider)
    } catch (err) {
      log('ignoring an invalid contact record - %e', err)
      return
    }
    if (best == null || record.sequence > best.record.sequence) best = { record, bytes: Uint8Array.from(bytes) }
    if (!from.equals(node.peerId)) answered.add(from.toString())
    if (from.equals(peerId) || answered.size >= CONTACT_RECORD_QUORUM) {
      settled.abort()
      return
    }
    settleTimer ??= setTimeout(() => { settled.abort() }, options.settleMs ?? CONTACT_RECORD_SETTLE_MS)
  }
  // Both DHTs, each asked again when that can still find the record (src/net/lookup-passes.ts).
  await runLookupPasses(allDhtsOf(node), signal, async (dht, passSignal) => {
    try {
      const own = dhtQuerySignal(passSignal)
      for await (const event of untilAborted(dht.get(key, { signal: own }), own)) {
        // Remote records come in PEER_RESPONSE events; kad-dht only yields the one VALUE it
        // picks at the very end, after sending corrections, which can throw: collect as they
        // arrive.
        if (event.name === 'PEER_RESPONSE' && event.record != null) consider(event.record.value, event.from)
        else if (event.name === 'VALUE') consider(event.value, event.from)
      }
    } catch (err) {
      if (!passSignal.aborted) log('get of contact record ended early - %e', err)
    }
  }, CONTACT_RECORD_PASSES)
  clearTimeout(settleTimer)
  options.signal?.throwIfAborted()
  if (best == null) throw new ContactRecordNotFoundError(`No valid contact record for ${peerId.toString()}`)
  return best
}

/** The next sequence number: the clock in ms, but always above the last one (clocks step back). */
export function nextSequence (nowMs: number, last?: bigint): bigint {
  const now = BigInt(Math.floor(nowMs))
  if (last != null && now <= last) return last + 1n
  return now
}

/** What goes into one's own record, asked for afresh at every publish. */
export interface ContactRecordContent {
  /** Multiaddr bytes; default the node's current addresses (at most CONTACT_RECORD_LIMITS.maxAddresses). */
  addresses?: Uint8Array[]
  bundle: Uint8Array
  mailboxes?: UnsignedContactRecord['mailboxes']
}

export interface ContactRecordRepublisherInit {
  /** The node's own identity key (the record must be signed by the key of the peer ID). */
  privateKey: PrivateKey
  content(): ContactRecordContent | Promise<ContactRecordContent>
  /** Default DEFAULT_REPUBLISH_INTERVAL_MS. */
  intervalMs?: number
  provider?: CryptoProvider
  /** Clock, for tests; default Date.now. */
  now?(): number
  onPublished?(result: PublishResult): void
  onError?(err: Error): void
}

/**
 * Publishes the node's contact record at start and every `intervalMs`. The sequence is the
 * clock in ms, raised above the last one published or found in the DHT, so a restart needs no
 * saved state: the first publish after start looks the previous record up first.
 *
 * Its own timer, not @libp2p/utils' repeatingTask (which the relay's sweeper uses): the next
 * delay is only known when a publish ends (backing off while no DHT peer takes the record), and
 * repeatingTask (7.4) leaves a second timer running, past stop(), when its interval is changed
 * from inside a run; it also drops a run() asked for while one is in flight, where a change to
 * the record must still be published after it.
 */
export class ContactRecordRepublisher {
  private readonly node: DhtNode
  private readonly init: ContactRecordRepublisherInit
  private readonly intervalMs: number
  private readonly provider: CryptoProvider
  private timer: ReturnType<typeof setTimeout> | undefined
  private controller: AbortController | undefined
  private running: Promise<unknown> | undefined
  private last: bigint | undefined
  private looked = false
  private retryMs = REPUBLISH_RETRY_MIN_MS
  private soon: ReturnType<typeof setTimeout> | undefined
  private reachedPeers = false
  private lastResult: { sequence: bigint, accepted: number, at: number } | undefined

  constructor (node: DhtNode, init: ContactRecordRepublisherInit) {
    this.node = node
    this.init = init
    this.intervalMs = init.intervalMs ?? DEFAULT_REPUBLISH_INTERVAL_MS
    this.provider = init.provider ?? defaultProvider()
  }

  /** Whether the last publish reached no DHT peer (then a new DHT peer is a reason to publish). */
  get waitingForPeers (): boolean {
    return this.controller != null && !this.reachedPeers
  }

  /** The last publish: its sequence, how many DHT peers took the record, and when. */
  get lastPublished (): { sequence: bigint, accepted: number, at: number } | undefined {
    return this.lastResult
  }

  /** The sequence of the last record published (or found), if any. */
  get lastSequence (): bigint | undefined {
    return this.last
  }

  isStarted (): boolean {
    return this.controller != null
  }

  /** Publish now, then every intervalMs, until stop(). */
  start (): void {
    if (this.controller != null) return
    this.controller = new AbortController()
    this.tick()
  }

  /**
   * Publish again shortly (what the record says changed: addresses, relays, mailboxes); several
   * calls close together make one publish.
   */
  publishSoon (): void {
    if (this.controller == null || this.soon != null) return
    this.soon = setTimeout(() => {
      this.soon = undefined
      if (this.controller == null) return
      void (this.running ?? Promise.resolve()).then(() => {
        clearTimeout(this.timer)
        this.retryMs = REPUBLISH_RETRY_MIN_MS
        this.tick()
      })
    }, REPUBLISH_DEBOUNCE_MS)
    this.soon.unref?.()
  }

  /** Stop the timer and abort a publish in flight; resolves once it has wound down. */
  async stop (): Promise<void> {
    clearTimeout(this.soon)
    this.soon = undefined
    clearTimeout(this.timer)
    this.timer = undefined
    this.controller?.abort()
    this.controller = undefined
    await this.running
  }

  private tick (): void {
    const controller = this.controller
    if (controller == null) return
    // No DHT peer took the record (the node has just started, or found no server yet): try
    // again soon, backing off, rather than an interval later.
    let next = this.intervalMs
    this.running = this.publishNow({ signal: controller.signal })
      .then(result => {
        this.init.onPublished?.(result)
        this.reachedPeers = result.accepted > 0
        this.lastResult = { sequence: result.sequence, accepted: result.accepted, at: Date.now() }
        if (result.accepted === 0) {
          next = Math.min(this.intervalMs, this.retryMs)
          this.retryMs = Math.min(this.intervalMs, this.retryMs * 2)
        } else {
          this.retryMs = REPUBLISH_RETRY_MIN_MS
        }
      })
      .catch((err: Error) => {
        if (!controller.signal.aborted) {
          log.error('republish failed - %e', err)
          this.init.onError?.(err)
          next = Math.min(this.intervalMs, this.retryMs)
          this.retryMs = Math.min(this.intervalMs, this.retryMs * 2)
        }
      })
      .finally(() => {
        if (this.controller === controller) {
          this.timer = setTimeout(() => { this.tick() }, next)
          this.timer.unref?.()
        }
      })
  }

  /** Build, sign and publish a record with the next sequence number. */
  async publishNow (options: { signal?: AbortSignal } = {}): Promise<PublishResult> {
    if (!this.looked) {
      try {
        const previous = await resolveContactRecord(this.node, peerIdFromPrivateKey(this.init.privateKey), {
          signal: options.signal, timeoutMs: REPUBLISH_LOOKUP_TIMEOUT_MS, provider: this.provider
        })
        if (this.last == null || previous.record.sequence > this.last) this.last = previous.record.sequence
      } catch (err) {
        options.signal?.throwIfAborted()
        if ((err as Error).name !== 'ContactRecordNotFoundError') throw err
      }
      this.looked = true
    }
    const content = await this.init.content()
    const now = (this.init.now ?? Date.now)()
    const sequence = nextSequence(now, this.last)
    const addresses = content.addresses ??
      recordAddresses(this.node.getMultiaddrs(), CONTACT_RECORD_LIMITS.maxAddresses).map(ma => ma.bytes)
    const record = signContactRecord({
      sequence,
      addresses,
      bundle: content.bundle,
      mailboxes: content.mailboxes ?? [],
      createdAt: BigInt(Math.floor(now))
    }, this.init.privateKey, this.provider)
    this.last = sequence
    return await publishContactRecord(this.node, record, { signal: options.signal, provider: this.provider })
  }
}
