/**
 * The mailbox service, '/murmur/mailbox/1.0.0', built like a js-libp2p v3 service
 * (docs/relay.md). Every node has it: as a client (owner of mailboxes elsewhere, depositor,
 * recipient of deliveries) always, and as a relay when given a store.
 */
import { serviceCapabilities } from '@libp2p/interface'
import { peerIdFromString } from '@libp2p/peer-id'
import { repeatingTask, type RepeatingTask } from '@libp2p/utils'
import { sha256 } from '@noble/hashes/sha2.js'
import {
  DEFAULT_FETCH_LIMIT, DEFAULT_REQUEST_TIMEOUT_MS, DEPOSIT_RATE_BURST, DEPOSIT_RATE_PER_SEC, FIRST_CONTACT_RATE_BURST,
  FIRST_CONTACT_RATE_PER_SEC, FORWARD_ATTEMPT_TIMEOUT_MS, FORWARD_BACKOFF_MAX_MS, FORWARD_BACKOFF_MIN_MS,
  FORWARD_CONCURRENCY, MAILBOX_MAX_INBOUND_STREAMS, MAILBOX_MAX_OUTBOUND_STREAMS, MAILBOX_PROTOCOL,
  PREKEY_RATE_BURST, PREKEY_RATE_PER_SEC, SWEEP_INTERVAL_MS
} from './constants.js'
import { InvalidRelayRequestError } from './errors.js'
import { MailboxClient, type DepositOptions, type FetchResult, type MailboxStatus, type PushHandler, type RelayCallOptions, type UploadPrekeysOptions } from './client.js'
import { Forwarder, type ForwardCallback } from './forwarder.js'
import { systemClock, type Clock } from '../runtime/clock.js'
import { RelayStore, type RelayLimits, type RelayStats } from './store/index.js'
import { DEFAULT_SERVER_TIMEOUTS, MailboxServer, type DeliveryHandler } from './server.js'
import { budgetOf, PeerRateLimit } from '../net/rate-limit.js'
import type { PeerAddresses, PeerConnections, ProtocolRegistrar } from '../net/connections.js'
import type { Store } from '../store/store.js'
import type { ComponentLogger, Libp2pEvents, Logger, PeerId, Startable, TypedEventTarget } from '@libp2p/interface'

export interface MailboxComponents {
  registrar: ProtocolRegistrar
  connectionManager: PeerConnections
  peerStore: PeerAddresses
  logger: ComponentLogger
  /** libp2p's event bus: a recipient that connects gets its forward queue at once. */
  events?: TypedEventTarget<Libp2pEvents>
}

/**
 * A per-peer rate: `burst` requests at once, `perSecond` on average; counted as `burst` per
 * window of `burst / perSecond` seconds (src/net/rate-limit.ts).
 */
export interface RateInit {
  burst: number
  perSecond: number
}

export interface MailboxInit {
  /** The node's store. Without one the node relays for nobody (every relay request is NOT_FOUND). */
  store?: Store
  limits?: Partial<RelayLimits>
  rates?: { deposit?: RateInit, firstContact?: RateInit, prekey?: RateInit }
  /** Client: one request/response exchange, dial included (ms). */
  timeout?: number
  /** Client: a request stream with nothing outstanding for this long is closed (ms); default CLIENT_STREAM_IDLE_MS. */
  requestStreamIdleMs?: number
  /** Sweeper period (ms); 0 turns the timer off (sweep() still works). */
  sweepIntervalMs?: number
  forward?: { backoffMinMs?: number, backoffMaxMs?: number, attemptTimeoutMs?: number, concurrency?: number }
  /** Pushes sent and not yet acknowledged on one subscription. Default 2. */
  pushWindow?: number
  /** Envelopes per push. Default DEFAULT_FETCH_LIMIT. */
  pushLimit?: number
  server?: Partial<typeof DEFAULT_SERVER_TIMEOUTS>
  maxInboundStreams?: number
  maxOutboundStreams?: number
  /**
   * Serve mailbox streams on relayed (limited) connections too; on by default, as the owner of a
   * mailbox may be behind a NAT. A relayed connection's caps end the stream; the client reopens.
   */
  runOnLimitedConnection?: boolean
  /** The clock of TTLs, expiry and the forwarder's backoff (runtime/clock.ts); default the system's. */
  clock?: Clock
}

export interface TrustList {
  add(peerId: PeerId | string): Promise<void>
  remove(peerId: PeerId | string): Promise<void>
  list(): Array<{ peerId: string, addedAt: number }>
  has(peerId: PeerId | string): boolean
}

export interface MailboxService {
  readonly protocol: string
  // relay side (needs a store)
  readonly trust: TrustList
  /** Deletes expired envelopes now; returns how many. */
  sweep(): Promise<number>
  stats(): RelayStats & { mailboxes: number, forwardQueued: number, forwardBytes: number }
  /** The application's fallback for forwarding (called when direct delivery fails). */
  setForwarder(callback: ForwardCallback | undefined): void
  // owner side
  register(relay: PeerId, options?: RelayCallOptions): Promise<void>
  setFirstContact(relay: PeerId, open: boolean, options?: RelayCallOptions): Promise<void>
  addCapabilities(relay: PeerId, hashes: Uint8Array[], options?: RelayCallOptions): Promise<void>
  removeCapabilities(relay: PeerId, hashes: Uint8Array[], options?: RelayCallOptions): Promise<void>
  uploadPrekeys(relay: PeerId, bundles: Uint8Array[], options?: UploadPrekeysOptions): Promise<{ remaining: number }>
  fetch(relay: PeerId, options?: RelayCallOptions & { cursor?: number, limit?: number }): Promise<FetchResult>
  subscribe(relay: PeerId, onEnvelopes: PushHandler, options?: RelayCallOptions): Promise<void>
  ack(relay: PeerId, ids: Uint8Array[], options?: RelayCallOptions): Promise<void>
  status(relay: PeerId, options?: RelayCallOptions): Promise<MailboxStatus>
  // depositor side
  deposit(relay: PeerId, envelope: Uint8Array, options?: DepositOptions): Promise<{ status: 'stored', duplicate: boolean }>
  takePrekey(relay: PeerId, owner: PeerId, options?: RelayCallOptions): Promise<Uint8Array>
  // recipient side
  /** Receives envelopes relays deliver; must resolve only once they are durable. */
  setDeliveryHandler(handler: DeliveryHandler | undefined): void
  /** Relay side, also usable directly: hand envelopes to `recipient`'s node. */
  deliver(recipient: PeerId, envelopes: Uint8Array[], options?: RelayCallOptions): Promise<void>
}

/** SHA-256 of a 32-byte capability: what the owner registers and the relay keeps. */
export function capabilityHash (capability: Uint8Array): Uint8Array {
  return sha256(capability)
}

function asString (peerId: PeerId | string): string {
  return typeof peerId === 'string' ? peerIdFromString(peerId).toString() : peerId.toString()
}

class DefaultMailboxService implements MailboxService, Startable {
  readonly protocol = MAILBOX_PROTOCOL
  readonly [Symbol.toStringTag] = '@murmur/mailbox'
  readonly [serviceCapabilities]: string[] = ['@murmur/mailbox']
  readonly trust: TrustList

  private readonly components: MailboxComponents
  private readonly init: MailboxInit
  private readonly log: Logger
  private readonly client: MailboxClient
  private readonly server: MailboxServer
  private relay: RelayStore | undefined
  private forwarder: Forwarder | undefined
  private forwardCallback: ForwardCallback | undefined
  private deliveryHandler: DeliveryHandler | undefined
  private sweeper: RepeatingTask | undefined
  /** The sweep in progress, if any: stop() waits for it before the store goes away. */
  private sweeping: Promise<unknown> | undefined
  private started = false
  private readonly onPeerConnect = (event: CustomEvent<PeerId>): void => { this.forwarder?.kick(event.detail.toString()) }

  constructor (components: MailboxComponents, init: MailboxInit = {}) {
    this.components = components
    this.init = init
    this.log = components.logger.forComponent('murmur:relay')
    this.client = new MailboxClient({
      connectionManager: components.connectionManager,
      peerStore: components.peerStore,
      protocol: MAILBOX_PROTOCOL,
      log: this.log,
      timeout: init.timeout ?? DEFAULT_REQUEST_TIMEOUT_MS,
      channelIdleMs: init.requestStreamIdleMs
    })
    const buckets = (rate: RateInit | undefined, burst: number, perSecond: number): PeerRateLimit =>
      new PeerRateLimit(budgetOf(rate?.burst ?? burst, rate?.perSecond ?? perSecond))
    this.server = new MailboxServer({
      log: this.log,
      rates: {
        deposit: buckets(init.rates?.deposit, DEPOSIT_RATE_BURST, DEPOSIT_RATE_PER_SEC),
        firstContact: buckets(init.rates?.firstContact, FIRST_CONTACT_RATE_BURST, FIRST_CONTACT_RATE_PER_SEC),
        prekey: buckets(init.rates?.prekey, PREKEY_RATE_BURST, PREKEY_RATE_PER_SEC)
      },
      relay: () => this.relay,
      deliveryHandler: () => this.deliveryHandler,
      pushWindow: init.pushWindow ?? 2,
      pushLimit: init.pushLimit ?? DEFAULT_FETCH_LIMIT,
      ...DEFAULT_SERVER_TIMEOUTS,
      ...init.server
    })
    this.trust = {
      add: async (peerId) => { await this.requireRelay().trust.add(asString(peerId)) },
      remove: async (peerId) => { await this.requireRelay().trust.remove(asString(peerId)) },
      list: () => this.requireRelay().trust.list(),
      has: (peerId) => this.relay?.trust.has(asString(peerId)) ?? false
    }
  }

  async start (): Promise<void> {
    if (this.init.store !== undefined) {
      const clock = this.init.clock ?? systemClock
      this.relay = await RelayStore.open(this.init.store, { limits: this.init.limits, now: clock.now })
      const f = this.init.forward ?? {}
      this.forwarder = new Forwarder({
        relay: this.relay,
        log: this.log,
        deliverDirect: async (recipient, envelopes, signal) => { await this.client.deliver(recipient, envelopes, { signal }) },
        callback: () => this.forwardCallback,
        backoffMinMs: f.backoffMinMs ?? FORWARD_BACKOFF_MIN_MS,
        backoffMaxMs: f.backoffMaxMs ?? FORWARD_BACKOFF_MAX_MS,
        attemptTimeoutMs: f.attemptTimeoutMs ?? FORWARD_ATTEMPT_TIMEOUT_MS,
        concurrency: f.concurrency ?? FORWARD_CONCURRENCY,
        clock
      })
    }
    await this.components.registrar.handle(this.protocol, async (stream, connection) => { await this.server.handleStream(stream, connection) }, {
      maxInboundStreams: this.init.maxInboundStreams ?? MAILBOX_MAX_INBOUND_STREAMS,
      maxOutboundStreams: this.init.maxOutboundStreams ?? MAILBOX_MAX_OUTBOUND_STREAMS,
      runOnLimitedConnection: this.init.runOnLimitedConnection ?? true
    })
    this.started = true
  }

  /** After every service has started: the forwarder may dial. */
  afterStart (): void {
    if (this.relay === undefined) return
    this.components.events?.addEventListener('peer:connect', this.onPeerConnect)
    this.forwarder?.start()
    const every = this.init.sweepIntervalMs ?? SWEEP_INTERVAL_MS
    if (every > 0) {
      // @libp2p/utils' repeatingTask: the next sweep is scheduled when the last one ended, so a
      // slow sweep (a large backlog on a loaded disk) never overlaps the next.
      this.sweeper = repeatingTask(async () => {
        this.sweeping = this.sweep().catch((err: unknown) => { this.log.error('sweep failed - %e', err) })
        await this.sweeping
      }, every)
      this.sweeper.start()
    }
  }

  async stop (): Promise<void> {
    this.started = false
    this.sweeper?.stop()
    this.sweeper = undefined
    await this.sweeping
    this.components.events?.removeEventListener('peer:connect', this.onPeerConnect)
    this.forwarder?.stop()
    this.server.stop()
    this.client.stop()
    await this.components.registrar.unhandle(this.protocol)
    this.relay = undefined
    this.forwarder = undefined
  }

  isStarted (): boolean {
    return this.started
  }

  private requireRelay (): RelayStore {
    if (this.relay === undefined) throw new InvalidRelayRequestError('this node has no relay store (mailbox({ store }) and a started node)')
    return this.relay
  }

  async sweep (): Promise<number> {
    return this.requireRelay().sweep()
  }

  stats (): RelayStats & { mailboxes: number, forwardQueued: number, forwardBytes: number } {
    return this.requireRelay().stats()
  }

  setForwarder (callback: ForwardCallback | undefined): void {
    this.forwardCallback = callback
  }

  setDeliveryHandler (handler: DeliveryHandler | undefined): void {
    this.deliveryHandler = handler
  }

  async register (relay: PeerId, options?: RelayCallOptions): Promise<void> { await this.client.register(relay, options) }
  async setFirstContact (relay: PeerId, open: boolean, options?: RelayCallOptions): Promise<void> { await this.client.setFirstContact(relay, open, options) }
  async addCapabilities (relay: PeerId, hashes: Uint8Array[], options?: RelayCallOptions): Promise<void> { await this.client.addCapabilities(relay, hashes, options) }
  async removeCapabilities (relay: PeerId, hashes: Uint8Array[], options?: RelayCallOptions): Promise<void> { await this.client.removeCapabilities(relay, hashes, options) }
  async uploadPrekeys (relay: PeerId, bundles: Uint8Array[], options?: UploadPrekeysOptions): Promise<{ remaining: number }> { return this.client.uploadPrekeys(relay, bundles, options) }
  async fetch (relay: PeerId, options?: RelayCallOptions & { cursor?: number, limit?: number }): Promise<FetchResult> { return this.client.fetch(relay, options) }
  async subscribe (relay: PeerId, onEnvelopes: PushHandler, options?: RelayCallOptions): Promise<void> { await this.client.subscribe(relay, onEnvelopes, options) }
  async ack (relay: PeerId, ids: Uint8Array[], options?: RelayCallOptions): Promise<void> { await this.client.ack(relay, ids, options) }
  async status (relay: PeerId, options?: RelayCallOptions): Promise<MailboxStatus> { return this.client.status(relay, options) }
  async deposit (relay: PeerId, envelope: Uint8Array, options?: DepositOptions): Promise<{ status: 'stored', duplicate: boolean }> { return this.client.deposit(relay, envelope, options) }
  async takePrekey (relay: PeerId, owner: PeerId, options?: RelayCallOptions): Promise<Uint8Array> { return this.client.takePrekey(relay, owner, options) }
  async deliver (recipient: PeerId, envelopes: Uint8Array[], options?: RelayCallOptions): Promise<void> { await this.client.deliver(recipient, envelopes, options) }
}

/** The service factory: `createNode({ services: { mailbox: mailbox({ store }) } })`. */
export function mailbox (init: MailboxInit = {}): (components: MailboxComponents) => MailboxService {
  return (components) => new DefaultMailboxService(components, init)
}
