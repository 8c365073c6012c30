/**
 * createMurmur: a running murmur node, the application of DESIGN.md. It opens the home's
 * store and datastore, keeps prekeys, assembles the libp2p node with the dm and bundle
 * services, publishes the contact record, receives, sends and delivers the outbox.
 */
import type { PeerId } from '@libp2p/interface'
import type { Datastore } from 'interface-datastore'
import { logger } from '@libp2p/logger'
import { peerIdFromString } from '@libp2p/peer-id'
import { multiaddr } from '@multiformats/multiaddr'
import { fingerprintHalf, formatSafetyNumber, safetyNumber } from '../crypto/fingerprint.js'
import { identityKeyFromPeerId, peerIdFromIdentityKey, toLibp2pPrivateKey, type Identity } from '../crypto/identity.js'
import { encodeBundle } from '../crypto/pqxdh/index.js'
import { createProvider, providersReady } from '../crypto/providers/index.js'
import type { CryptoProvider } from '../crypto/provider.js'
import { bundle, type BundleService } from '../net/bundle/index.js'
import { ContactRecordLookups } from '../net/contact-record-lookups.js'
import { ContactRecordRepublisher } from '../net/contact-records.js'
import { openDatastore } from '../net/datastore.js'
import { PeerCacheDatastore } from '../net/peer-cache-datastore.js'
import { dm, type DmService } from '../net/dm/index.js'
import { createNodeWithWarnings, MURMUR_DHT_PROTOCOL, MURMUR_LAN_DHT_PROTOCOL, type MurmurNode } from '../net/node.js'
import type { ReachabilityView } from '../net/reachability/index.js'
import { mailbox, type MailboxService } from '../relay/index.js'
import { HomeDiskFullError, type Store, type StoreCipher } from '../store/index.js'
import { SealedDatastore, type ClosableDatastore } from '../store/at-rest/sealed-datastore.js'
import { passphraseBytes } from '../store/at-rest/kdf.js'
import { createBackup, type BackupSummary } from './backup.js'
import type {
  BackupOptions, BlocksApi, ConnectionView, QueuedView, ReachabilityStatus, ContactsApi, HistoryOptions, IdView, LookupOptions, LookupView, Murmur, MurmurOptions, RelaysApi, SendOptions,
  StatusView, TrustApi, WaitOptions
} from './api-types.js'
import { Blocks, createBlocksApi } from './blocks.js'
import { readConfig } from './config.js'
import { ContactBook } from './contacts.js'
import type { MessengerContext, Transport } from './context.js'
import { DEFAULT_MESSAGE_TTL_MS, DIRECT_HEAD_START_MS, RESOLVE_TIMEOUT_MS } from './constants.js'
import { Delivery } from './delivery.js'
import { InvalidListenAddressError, ListenAddressInUseError, MessageNotFoundError, NotStartedError, PeerBlockedError, SelfMessageError } from './errors.js'
import { MurmurEventEmitter, type ContactChange } from './events.js'
import { homePath } from './home.js'
import { Incoming } from './incoming.js'
import { lookupContactRecord } from './lookup.js'
import { Outgoing } from './outgoing.js'
import { KeyedLocks } from '../runtime/keyed-locks.js'
import { OutboxViews } from './outbox-views.js'
import { DeliveredReceipts } from './delivered-receipts.js'
import { systemClock } from '../runtime/clock.js'
import { PrekeyTending } from './prekey-tending.js'
import { PrekeyManager } from './prekeys.js'
import { preferredThenFallback } from './race.js'
import { PeerReacher } from './reach.js'
import { OurMailboxes, RelayDeposits, RelayServing } from './relays/index.js'
import { SessionCache } from './sessions.js'
import { openHome } from './unlock.js'
import type { ContactView, ConversationView, MessageState, MessageView, SafetyNumberView } from './types.js'
import { messageView } from './views.js'

const log = logger('murmur:messenger')

/**
 * Listen addresses when neither the options nor config.json give any: all interfaces of both
 * families, fixed ports. IPv6 matters where people are: behind a carrier's NAT (most mobile
 * networks, many ISPs) IPv4 cannot be punched, while the same home's IPv6 addresses are
 * global and only firewalled (docs/network.md "IPv6"). A machine without IPv6 listens on IPv4
 * alone (libp2p starts when every IPv4 address listens and every IPv6 one fails).
 */
export const DEFAULT_LISTEN = ['/ip4/0.0.0.0/tcp/4455', '/ip4/0.0.0.0/tcp/4456/ws', '/ip6/::/tcp/4455', '/ip6/::/tcp/4456/ws']

/** How long send() waits for the first delivery attempt before returning the message as queued. */
const SEND_RETURN_MS = 3_000
/** How many recent peers a starting node dials to say it is back. */
const RECONNECT_PEERS = 50
/** Warnings kept for `murmur status` (the newest). */
const MAX_WARNINGS = 20
/** Shown while the home's disk is full (Store.diskFullSince): what stops, and what to do. */
export const DISK_FULL_WARNING = 'the disk of this home is full: nothing new can be stored, so messages to you wait at their senders and your relays; free some space'

type Services = { dm: DmService, bundle: BundleService, mailbox: MailboxService }

class MurmurNodeImpl implements Murmur {
  readonly peerId: string
  readonly events = new MurmurEventEmitter()
  readonly contacts: ContactsApi
  readonly trust: TrustApi
  readonly relays: RelaysApi
  readonly blocks: BlocksApi
  private readonly options: MurmurOptions
  private readonly identity: Identity
  private readonly provider: CryptoProvider
  private readonly store: Store
  private readonly book: ContactBook
  private readonly blockList: Blocks
  private readonly prekeys: PrekeyManager
  private readonly ctx: MessengerContext
  private readonly outgoing: Outgoing
  private readonly incoming: Incoming
  private readonly delivery: Delivery
  private readonly receipts: DeliveredReceipts
  /** Relays: the ones we serve as, our mailboxes, and deposits through them. */
  private readonly serving: RelayServing
  private readonly ourMailboxes: OurMailboxes
  private readonly deposits: RelayDeposits
  /** Lookups and dials in progress, by peer ID (see reach). */
  private readonly reaching = new Map<string, Promise<PeerId>>()
  private node: MurmurNode<Services> | undefined
  private datastore: ClosableDatastore | undefined
  private readonly datastoreCipher: StoreCipher
  private republisher: ContactRecordRepublisher | undefined
  private prekeyTending: PrekeyTending | undefined
  private readonly reacher: PeerReacher
  /** One look-up's budget: reaching a peer, its bundle, its contact record (options.resolveTimeoutMs). */
  private readonly resolveTimeoutMs: number
  /** Contact-record look-ups, one per peer at a time, shared by the paths of a send. */
  private readonly recordLookups: ContactRecordLookups
  private readonly warnings: string[] = []
  private stopWatchingDisk: (() => void) | undefined
  private ownFingerprint: string | undefined
  private running = false

  constructor (options: MurmurOptions, identity: Identity, provider: CryptoProvider, store: Store, datastoreCipher: StoreCipher) {
    this.options = options
    this.identity = identity
    this.provider = provider
    this.store = store
    this.datastoreCipher = datastoreCipher
    this.peerId = peerIdFromIdentityKey(identity.publicKey)
    this.book = new ContactBook(store)
    // A new signed or last-resort prekey, whichever maintain() made it: the record and our relays' bundles follow.
    this.prekeys = new PrekeyManager(store, identity, provider, () => { this.prekeyTending?.rotated() })
    this.recordLookups = new ContactRecordLookups(() => this.requireNode(), provider)
    this.resolveTimeoutMs = options.resolveTimeoutMs ?? RESOLVE_TIMEOUT_MS
    this.reacher = new PeerReacher(() => this.requireNode(), this.recordLookups, this.resolveTimeoutMs)
    const transport: Transport = {
      send: async (peerId, envelope, { signal }) => {
        const peer = await this.reach(peerId, signal)
        const result = await this.requireNode().services.dm.send(peer, envelope, { signal })
        return result.status
      },
      fetchBundle: async (peerId, { signal }) => await this.fetchBundle(peerId, signal),
      depositViaRelays: async (peerId, envelope, { signal, onLine }) => await this.deposits.deposit(peerId, envelope, signal, onLine)
    }
    const locks = new KeyedLocks()
    this.blockList = new Blocks(store, locks,
      (batch, peerId) => { this.outgoing.forgetCapabilitySent(batch, peerId) },
      async (batch, peerId) => await this.incoming.unblocking(batch, peerId))
    this.ctx = {
      store,
      provider,
      identity,
      peerId: this.peerId,
      sessions: new SessionCache(store),
      locks,
      prekeys: this.prekeys,
      contacts: this.book,
      blocks: this.blockList,
      events: this.events,
      transport,
      messageTtlMs: options.messageTtlMs ?? DEFAULT_MESSAGE_TTL_MS,
      clock: options.clock ?? systemClock,
      onCapability: (peerId, secret) => { this.ourMailboxes.capabilityCreated(peerId, secret) }
    }
    const outboxViews = new OutboxViews(store)
    this.outgoing = new Outgoing(this.ctx, (peerId, entries, generation) => { outboxViews.added(peerId, entries, generation) })
    this.delivery = new Delivery(this.ctx, this.outgoing, outboxViews)
    this.receipts = new DeliveredReceipts(this.ctx, this.outgoing, (peerId, entry, generation) => {
      outboxViews.added(peerId, [entry], generation)
      void this.delivery.kick(peerId)
    })
    // A receipt queued by a receiving batch goes out after that batch's acks: the delivery's
    // first steps are synchronous, and the transport writes the acks only once receive() returns.
    this.incoming = new Incoming(this.ctx, this.outgoing, (peerId) => { process.nextTick(() => { void this.delivery.kick(peerId) }) }, this.ctx.onCapability, this.receipts)
    // Our mailboxes changed: the record that lists them goes out again through the republisher's
    // own schedule (a few changes close together make one publish; stop() aborts it; status()
    // reports it), not as a publish of its own beside it.
    this.ourMailboxes = new OurMailboxes(this.ctx, () => this.requireNode(), this.prekeys, this.incoming, () => { this.republisher?.publishSoon() })
    this.deposits = new RelayDeposits(this.ctx, () => this.requireNode(), this.ourMailboxes, this.recordLookups, options.relayCallTimeoutMs)
    this.serving = new RelayServing(() => this.requireNode(), this.deposits)
    this.trust = {
      add: async (peerId) => await this.serving.trustAdd(peerId),
      list: async () => this.serving.trustList(),
      remove: async (peerId) => await this.serving.trustRemove(peerId)
    }
    this.relays = {
      add: async (peerId, options = {}) => await this.ourMailboxes.add(peerId, options.addresses ?? []),
      list: async () => await this.ourMailboxes.views(false),
      remove: async (peerId) => await this.ourMailboxes.remove(peerId),
      setFirstContact: async (open) => await this.ourMailboxes.setFirstContact(open),
      firstContact: async () => await this.ourMailboxes.firstContact()
    }
    this.blocks = createBlocksApi({
      blocks: this.blockList,
      ownPeerId: this.peerId,
      resolve: async (peer) => await this.book.resolve(peer),
      contactName: async (peerId) => await this.contactName(peerId),
      events: this.events,
      clock: this.ctx.clock,
      dropQueued: (peerId) => { void this.delivery.kick(peerId) },
      revokeAtRelays: async (hash) => { await this.ourMailboxes.capabilityRevoked(hash) }
    })
    // Each change is announced (event `contacts`) once it is written: a page open elsewhere
    // names its conversations by contact and would otherwise show the old book until reloaded.
    const changed = (change: ContactChange, contact: ContactView): ContactView => {
      this.events.emit('contacts', { change, contact })
      return contact
    }
    this.contacts = {
      add: async (name, peerId) => changed('added', await this.book.add(name, peerId)),
      list: async () => await this.book.list(),
      rename: async (contact, newName) => changed('renamed', await this.book.rename(contact, newName)),
      remove: async (contact) => changed('removed', await this.book.remove(contact)),
      safetyNumber: async (contact) => await this.safetyNumberView(contact),
      setVerified: async (contact, verified) => {
        const { peerId } = await this.book.resolve(contact)
        changed('verified', await this.book.setVerified(peerId, verified))
        return await this.safetyNumberView(contact)
      }
    }
  }

  private requireNode (): MurmurNode<Services> {
    if (this.node == null || !this.running) throw new NotStartedError()
    return this.node
  }

  async start (): Promise<void> {
    if (this.running) return
    await providersReady
    const config = await readConfig(this.options.home)
    await this.prekeys.maintain(this.ctx.clock.now())
    // Before the node receives anything: the receive path reads the list in memory.
    await this.blockList.load()
    // Housekeeping: a home whose disk is full still starts (the next start tries again).
    await this.outgoing.forgetOldClientIds().catch((err: Error) => { log('forgetting old client ids failed: %s', err.name) })
    const datastore = await openDatastore(homePath(this.options.home, 'datastore'))
    // In an encrypted home the peer store and DHT records are sealed too (they name who we talk to).
    // The peer store's entries are read far more often than written: kept in memory in front.
    this.datastore = new PeerCacheDatastore(this.store.encrypted ? new SealedDatastore(datastore, this.datastoreCipher) : datastore)
    const listen = this.options.listen ?? config.listen ?? DEFAULT_LISTEN
    checkListenAddresses(listen)
    const bootstrap = [...new Set([...(config.bootstrap ?? []), ...(this.options.bootstrap ?? [])])]
    const created = await createNodeWithWarnings<Services>({
      privateKey: toLibp2pPrivateKey(this.identity),
      listen,
      bootstrap,
      mdns: this.options.mdns ?? true,
      upnp: this.options.upnp ?? true,
      relayService: this.options.relayService ?? true,
      datastore: this.datastore as Datastore,
      cryptoProvider: this.provider,
      isTrusted: (peerId) => this.node?.services.mailbox.trust.has(peerId) ?? false,
      preferredRelays: async () => (await this.ourMailboxes.list()).map(r => ({ peerId: r.peerId, addresses: r.addresses })),
      services: { dm: dm(), bundle: bundle(), mailbox: mailbox({ store: this.store, clock: this.ctx.clock }) }
    }).catch(async (err: Error) => {
      await this.datastore?.close().catch(() => {})
      this.datastore = undefined
      throw listenError(err) ?? err
    })
    this.node = created.node
    this.running = true
    const node = this.node
    for (const warning of created.warnings) this.warn(warning)
    this.stopWatchingDisk = this.store.onDiskFull((since) => { this.diskFullChanged(since) })
    node.services.bootstrap.addEventListener('warning', (event) => { this.warn(event.detail.message) })
    let reachable: 'never' | 'yes' | 'lost' = 'never'
    node.services.reachability.addEventListener('change', (event) => {
      // The record carries our addresses: a new relay address must reach those who look us up.
      this.republisher?.publishSoon()
      log('reachability: %s', event.detail.mode)
      const nowReachable = event.detail.mode === 'public' || event.detail.mode === 'relayed'
      if (nowReachable && reachable === 'lost') {
        // We were unreachable for a while (our relay's connection died: a router that rebooted,
        // a new public address, a laptop that slept). Contacts with messages queued for us
        // retry on their own schedule, up to minutes apart by then, and a record they looked up
        // meanwhile named a reservation that no longer exists. Connecting to them, as after a
        // start, has them deliver now (they retry on every new connection from us).
        log('reachable again: reconnecting to recent peers')
        void this.reconnect()
      }
      reachable = nowReachable ? 'yes' : reachable === 'yes' ? 'lost' : reachable
      void this.reachabilityView(event.detail).then(v => { this.events.emit('reachability', v) }, (err: Error) => { log.error('reachability view failed - %e', err) })
    })
    node.services.holePunch.addEventListener('punch', (event) => {
      const { peerId, outcome, method, ms, error } = event.detail
      this.events.emit('connection', { peerId, status: outcome === 'direct' ? 'direct' : 'relayed', ...(method !== undefined ? { method } : {}), ms, ...(error !== undefined ? { reason: error } : {}) })
    })
    // A dm stream whose envelopes go unanswered: its connection is checked now, not at the
    // next periodic pings, so that a path that died lets the retry find a live one.
    node.services.dm.addEventListener('stream:silent', (event) => { node.services.liveness.probe(event.detail.connection) })
    node.services.dm.setHandler({
      receive: async (from, envelopes) => await this.incoming.receive(from.toString(), envelopes)
    })
    node.services.bundle.setProvider({
      getBundle: async () => {
        try {
          return encodeBundle(await this.prekeys.issueBundle(this.ctx.clock.now()))
        } catch (err) {
          if (!(err instanceof HomeDiskFullError)) throw err
          // One-time prekeys leave only once marked given, which a full disk refuses. The bundle
          // without them (the one our DHT contact record carries) needs no write: a new contact
          // still opens its session, and its first message then waits with the reason a known
          // contact's does (RECIPIENT_DISK_FULL), not behind "internal error" (docs/messaging.md, "Prekeys").
          return encodeBundle(await this.prekeys.publicBundle())
        }
      }
    })
    // A record no DHT peer took yet goes out as soon as a DHT server appears (one that was not
    // a server until AutoNAT confirmed its public address, say), not a backoff later.
    node.addEventListener('peer:update', (event) => {
      if (this.republisher?.waitingForPeers !== true) return
      const protocols = event.detail.peer.protocols
      if (protocols.includes(MURMUR_DHT_PROTOCOL) || protocols.includes(MURMUR_LAN_DHT_PROTOCOL)) this.republisher.publishSoon()
    })
    node.addEventListener('peer:connect', (event) => {
      this.events.emit('connection', { peerId: event.detail.toString(), status: 'open' })
    })
    // Every new connection, not only a peer's first: a peer that restarted may reach us
    // before we noticed its old connection close, and what we queued for it should go now.
    node.addEventListener('connection:open', (event) => {
      void this.delivery.kick(event.detail.remotePeer.toString())
    })
    node.addEventListener('peer:disconnect', (event) => {
      this.events.emit('connection', { peerId: event.detail.toString(), status: 'closed' })
    })
    this.republisher = new ContactRecordRepublisher(node, {
      privateKey: toLibp2pPrivateKey(this.identity),
      provider: this.provider,
      content: async () => ({ bundle: encodeBundle(await this.prekeys.publicBundle()), mailboxes: await this.ourMailboxes.mailboxes() }),
      onError: (err) => { log('contact record publish failed: %s', err.message) }
    })
    this.republisher.start()
    // New signed and last-resort prekeys are in the record's bundle and in every bundle our
    // relays hand out: the record goes out again soon, and the relays' bundles are replaced.
    this.prekeyTending = new PrekeyTending(this.prekeys, this.ctx.clock, async () => {
      this.republisher?.publishSoon()
      await this.ourMailboxes.restockPrekeys()
    })
    this.prekeyTending.start()
    await this.ourMailboxes.start()
    this.serving.start()
    this.delivery.start()
    await this.receipts.start()
    void this.reconnect()
    log('started %s', this.peerId)
  }

  /**
   * After a start, dial the peers of recent conversations: they learn that we are back (and
   * deliver what they queued for us), and we deliver what we queued for them.
   */
  private async reconnect (): Promise<void> {
    try {
      const conversations = (await this.store.sublevels.conversations.list())
        .map(e => e.value).sort((a, b) => b.lastMessageAt - a.lastMessageAt).slice(0, RECONNECT_PEERS)
      const contacts = await this.book.list()
      const peers = [...new Set([...conversations.map(c => c.peerId), ...contacts.map(c => c.peerId)])].slice(0, RECONNECT_PEERS)
      await Promise.allSettled(peers.map(async (peerId) => {
        if (!this.running || this.node == null) return
        await this.reach(peerId, AbortSignal.timeout(this.resolveTimeoutMs))
      }))
    } catch (err) {
      log('reconnect failed: %s', (err as Error).message)
    }
  }

  async stop (): Promise<void> {
    if (!this.running) {
      await this.datastore?.close().catch(() => {})
      this.datastore = undefined
      await this.store.close()
      this.datastoreCipher.dispose()
      return
    }
    // First: a restocking of our relays under way ends before the mailboxes' calls are aborted.
    await this.prekeyTending?.stop()
    await this.ourMailboxes.stop()
    this.serving.stop()
    this.running = false
    this.stopWatchingDisk?.()
    await this.republisher?.stop()
    this.reacher.stop()
    await this.receipts.stop()
    await this.delivery.stop()
    this.node?.services.dm.setHandler(undefined)
    await this.node?.stop()
    await this.datastore?.close()
    this.datastore = undefined
    await this.store.close()
    this.datastoreCipher.dispose()
    log('stopped')
  }

  private async reach (peerId: string, signal: AbortSignal): Promise<PeerId> {
    return await this.reacher.reach(peerId, signal)
  }

  /**
   * A prekey bundle for a first message: from the peer itself, or - when it has not answered
   * within DIRECT_HEAD_START_MS or cannot be reached - a one-time bundle from one of its
   * mailboxes, else the bundle in its contact record (last-resort keys only). The two race, so
   * an unreachable address never delays the first message to an offline contact.
   */
  private async fetchBundle (peerId: string, signal: AbortSignal): Promise<Uint8Array> {
    const node = this.requireNode()
    const peer = peerIdFromString(peerId)
    const startedAt = Date.now()
    const { value, path } = await preferredThenFallback({
      run: async (s) => {
        await this.reach(peerId, s)
        return await node.services.bundle.fetchBundle(peer, { signal: AbortSignal.any([s, AbortSignal.timeout(this.resolveTimeoutMs)]) })
      }
    }, {
      run: async (s) => {
        const fromRelay = await this.deposits.takePrekey(peerId, s)
        if (fromRelay != null) return fromRelay
        const resolved = await this.recordLookups.resolve(peer, { signal: s, timeoutMs: this.resolveTimeoutMs })
        return resolved.record.bundle
      }
    }, DIRECT_HEAD_START_MS, signal)
    log('bundle of %s by the %s path after %d ms', peerId, path === 'preferred' ? 'direct' : 'relay or record', Date.now() - startedAt)
    return value
  }

  /** Our half of every safety number: 5,200 SHA-512 rounds, so computed once (the web app asks `id` often). */
  private fingerprint (): string {
    this.ownFingerprint ??= formatSafetyNumber(fingerprintHalf(this.provider, this.identity.publicKey))
    return this.ownFingerprint
  }

  /**
   * A full disk stops what the node does by itself (a received message is not stored, so not
   * acknowledged; its sender and our relays keep it) and says so nowhere else: a warning while
   * it lasts, withdrawn once a write succeeds again (docs/store.md "Durability: group commit").
   */
  private diskFullChanged (since: number | undefined): void {
    if (since !== undefined) {
      this.warn(DISK_FULL_WARNING)
      return
    }
    const at = this.warnings.indexOf(DISK_FULL_WARNING)
    if (at >= 0) this.warnings.splice(at, 1)
    log('the disk of this home has room again')
  }

  private warn (message: string): void {
    this.warnings.push(message)
    if (this.warnings.length > MAX_WARNINGS) this.warnings.shift()
    log('warning: %s', message)
    this.events.emit('warning', { message })
  }

  /** How the node can be reached, relays named by contact name where the owner has one. */
  private async reachabilityView (view: ReachabilityView): Promise<ReachabilityStatus> {
    const nameOf = async (peerId: string): Promise<string> => (await this.book.byPeerId(peerId))?.name ?? `…${peerId.slice(-8)}`
    const relayNames = await Promise.all(view.relays.map(nameOf))
    let detail = view.detail
    if (view.mode === 'relayed') detail = `through relay ${relayNames.join(', ')}`
    else if (view.reservationError != null) detail = `${view.detail}; no relay holds a reservation for us (${await nameOf(view.reservationError.relay)}: ${view.reservationError.reason})`
    return { ...view, detail, relayNames }
  }

  async id (): Promise<IdView> {
    const config = await readConfig(this.options.home)
    return {
      peerId: this.peerId,
      fingerprint: this.fingerprint(),
      ...(config.name !== undefined ? { name: config.name } : {}),
      addresses: this.node?.getMultiaddrs().map(a => a.toString()) ?? []
    }
  }

  async status (): Promise<StatusView> {
    const node = this.requireNode()
    const connections = node.getConnections().filter(c => c.status === 'open')
    const routingTableSize = (dht: unknown): number => (dht as { routingTable?: { size: number } }).routingTable?.size ?? 0
    const lan = routingTableSize(node.services.lanDht)
    const wan = routingTableSize(node.services.dht)
    // A count of keys only: the outbox's due index has one key per entry.
    const outbox = await this.store.sublevels.outboxDue.rangeKeys({ limit: 100_000 })
    const { oneTime } = await this.prekeys.counts()
    const names = new Map((await this.book.list()).map(c => [c.peerId, c.name]))
    const published = this.republisher?.lastPublished
    const connectionList: ConnectionView[] = connections.map(c => {
      const peerId = c.remotePeer.toString()
      const name = names.get(peerId)
      return {
        peerId,
        ...(name !== undefined ? { contact: name } : {}),
        address: c.remoteAddr.toString(),
        kind: c.remoteAddr.toString().includes('/p2p-circuit') ? 'relayed' : 'direct',
        limited: c.limits != null,
        direction: c.direction
      }
    })
    return {
      peerId: this.peerId,
      reachability: await this.reachabilityView(node.services.reachability.view()),
      connections: connections.length,
      peers: [...new Set(connectionList.map(c => c.peerId))],
      connectionList,
      dhtRoutingTableSize: lan + wan,
      dht: { lan, wan, wanMode: node.services.dht.getMode(), recordLookups: this.recordLookups.lookups },
      ...(published != null ? { record: { sequence: published.sequence.toString(), publishedAt: published.at, peers: published.accepted } } : {}),
      bootstrap: node.services.bootstrap.status(),
      warnings: [...this.warnings],
      ...(this.store.diskFullSince !== undefined ? { diskFullSince: this.store.diskFullSince } : {}),
      outbox: outbox.length,
      queued: await this.queuedViews(names),
      listenAddresses: node.getMultiaddrs().map(a => a.toString()),
      storeEncrypted: this.store.encrypted,
      oneTimePrekeys: oneTime,
      relays: await this.ourMailboxes.views(true),
      relaying: this.serving.relaying()
    }
  }

  async lookup (peer: string, options: LookupOptions = {}): Promise<LookupView> {
    const { peerId, contact } = await this.book.resolve(peer)
    const found = await lookupContactRecord(this.recordLookups, this.provider, peerId, {
      ...(options.signal !== undefined ? { signal: options.signal } : {}),
      timeoutMs: options.timeoutMs ?? this.resolveTimeoutMs
    })
    return { ...found, ...(contact !== undefined ? { contact: contact.name } : {}) }
  }

  /** The messages waiting in the outbox (oldest due first, at most 50), with why they wait. */
  private async queuedViews (names: Map<string, string>): Promise<QueuedView[]> {
    const due = await this.store.dueOutbox(Number.MAX_SAFE_INTEGER, { limit: 200 })
    const views: QueuedView[] = []
    for (const entry of due) {
      if (views.length >= 50) break
      const history = await this.store.getHistory(entry.peerId, entry.seq)
      // Receipts wait in the outbox too, but they are not messages the owner wrote.
      if (history == null || history.direction !== 'out') continue
      const name = names.get(entry.peerId)
      views.push({
        peerId: entry.peerId,
        ...(name !== undefined ? { contact: name } : {}),
        id: history.id,
        state: history.state,
        ...(history.reason !== undefined ? { reason: history.reason } : {}),
        queuedAt: history.sentAt,
        nextAttemptAt: entry.nextAttemptAt
      })
    }
    return views
  }

  private async contactName (peerId: string): Promise<string | undefined> {
    return (await this.book.byPeerId(peerId))?.name
  }

  async send (to: string, text: string, options: SendOptions = {}): Promise<MessageView> {
    this.requireNode()
    const { peerId, contact } = await this.book.resolve(to)
    // There is no session with ourselves and no peer to deliver to: it would wait forever.
    if (peerId === this.peerId) throw new SelfMessageError()
    if (this.blockList.has(peerId)) throw new PeerBlockedError()
    const entry = await this.outgoing.sendText(peerId, text, undefined, options.clientId)
    if (options.returnWhen === 'queued') {
      // Durable in the outbox: delivery starts now and is not waited for (kick() never
      // rejects; the outbox keeps trying). The state follows in events and history.
      void this.delivery.kick(peerId)
      return messageView(entry, contact?.name)
    }
    // Try at once; return when its first attempt finished or SEND_RETURN_MS passed (the
    // message is durable either way, and the outbox keeps trying).
    await this.firstAttempt(peerId, entry.seq)
    const current = await this.store.getHistory(peerId, entry.seq) ?? entry
    return messageView(current, contact?.name)
  }

  /**
   * The text a client's id named (SendOptions.clientId), stored within CLIENT_ID_TTL_MS, also
   * before a restart; undefined when there is none.
   */
  async sentWithClientId (clientId: string): Promise<MessageView | undefined> {
    const entry = await this.outgoing.sentWithClientId(clientId)
    return entry === undefined ? undefined : messageView(entry, await this.contactName(entry.peerId))
  }

  async resend (to: string, messageId: string): Promise<MessageView> {
    this.requireNode()
    const { peerId, contact } = await this.book.resolve(to)
    if (this.blockList.has(peerId)) throw new PeerBlockedError()
    const entry = await this.outgoing.resend(peerId, messageId)
    await this.firstAttempt(peerId, entry.seq)
    const current = await this.store.getHistory(peerId, entry.seq) ?? entry
    return messageView(current, contact?.name)
  }

  async cancel (to: string, messageId: string): Promise<MessageView> {
    this.requireNode()
    const { peerId, contact } = await this.book.resolve(to)
    return messageView(await this.outgoing.cancel(peerId, messageId), contact?.name)
  }

  private async firstAttempt (peerId: string, seq: number): Promise<void> {
    let timer: ReturnType<typeof setTimeout> | undefined
    await Promise.race([
      this.delivery.attempt(peerId, seq),
      new Promise<void>(resolve => { timer = setTimeout(resolve, SEND_RETURN_MS) })
    ])
    clearTimeout(timer)
  }

  async waitForState (to: string, messageId: string, states: MessageState[], options: WaitOptions = {}): Promise<MessageView> {
    const { peerId, contact } = await this.book.resolve(to)
    const wanted = new Set(states)
    const read = async (): Promise<MessageView> => {
      const entry = await this.store.findMessage(peerId, messageId)
      if (entry == null) throw new MessageNotFoundError(`no message ${messageId}`)
      return messageView(entry, contact?.name)
    }
    return await new Promise<MessageView>((resolve, reject) => {
      let done = false
      const finish = (): void => {
        if (done) return
        done = true
        unsubscribe()
        clearTimeout(timer)
        options.signal?.removeEventListener('abort', onAbort)
        read().then(resolve, reject)
      }
      const onAbort = (): void => { finish() }
      const unsubscribe = this.events.on('message:state', (e) => {
        if (e.id === messageId && e.peerId === peerId && wanted.has(e.state)) finish()
      })
      const timer = setTimeout(finish, options.timeoutMs ?? 30_000)
      options.signal?.addEventListener('abort', onAbort)
      read().then(view => { if (wanted.has(view.state)) finish() }, (err) => {
        done = true
        unsubscribe()
        clearTimeout(timer)
        options.signal?.removeEventListener('abort', onAbort)
        reject(err)
      })
    })
  }

  async history (to: string, options: HistoryOptions = {}): Promise<MessageView[]> {
    const { peerId, contact } = await this.book.resolve(to)
    const entries = await this.store.history(peerId, { limit: options.limit ?? 50, ...(options.before !== undefined ? { before: options.before } : {}), order: 'newest' })
    return entries.reverse().map(e => messageView(e, contact?.name))
  }

  async inbox (): Promise<ConversationView[]> {
    const conversations = await this.store.sublevels.conversations.list()
    const views: ConversationView[] = []
    for (const { value } of conversations) {
      const contact = await this.contactName(value.peerId)
      const [last] = await this.store.history(value.peerId, { limit: 1, order: 'newest' })
      views.push({
        peerId: value.peerId,
        ...(contact !== undefined ? { contact } : {}),
        unread: value.unread,
        lastMessageAt: value.lastMessageAt,
        ...(last != null ? { lastMessage: messageView(last, contact) } : {})
      })
    }
    return views.sort((a, b) => b.lastMessageAt - a.lastMessageAt)
  }

  async markRead (to: string): Promise<{ peerId: string, marked: number }> {
    const { peerId } = await this.book.resolve(to)
    const now = this.ctx.clock.now()
    const marked = await this.ctx.locks.run(peerId, async () => {
      const conversation = await this.store.sublevels.conversations.get(peerId)
      if (conversation == null || conversation.unread === 0) return undefined
      const unread = (await this.store.history(peerId, { after: conversation.readSeq, limit: 1000, order: 'oldest' }))
        .filter(e => e.direction === 'in')
      const batch = this.store.batch()
      batch.markRead(peerId)
      const record = await this.ctx.sessions.get(peerId)
      let next = record
      if (record != null && unread.length > 0) {
        next = (await this.outgoing.addReceipt(batch, peerId, record, 'read', unread.map(e => new Uint8Array(Buffer.from(e.id, 'hex'))), now)).record
        this.ctx.sessions.put(batch, peerId, next)
      }
      await this.store.write(batch, { sync: true })
      if (next !== record) this.ctx.sessions.remember(peerId, next)
      return unread.length
    })
    if (marked === undefined) return { peerId, marked: 0 }
    // Every client showing unread counts (another tab of the web app among them) learns it.
    this.events.emit('conversation:read', { peerId, marked })
    if (marked > 0 && this.running) void this.delivery.kick(peerId)
    return { peerId, marked }
  }

  async backup (options: BackupOptions): Promise<{ file: Uint8Array, summary: BackupSummary }> {
    const passphrase = passphraseBytes(options.passphrase)
    try {
      const config = await readConfig(this.options.home)
      return await createBackup(this.store, this.identity, this.provider, {
        passphrase,
        withHistory: options.history !== false,
        ...(config.name !== undefined ? { displayName: config.name } : {})
      })
    } finally {
      passphrase.fill(0)
    }
  }

  private async safetyNumberView (contact: string): Promise<SafetyNumberView> {
    const { peerId, contact: known } = await this.book.resolve(contact)
    const remote = identityKeyFromPeerId(peerId)
    return {
      peerId,
      ...(known != null ? { contact: known.name } : {}),
      safetyNumber: formatSafetyNumber(safetyNumber(this.provider, this.identity.publicKey, remote)),
      verified: known?.verified ?? false
    }
  }
}

/** Refuses listen addresses that are not multiaddrs, naming the value and the expected form. */
function checkListenAddresses (listen: string[]): void {
  for (const address of listen) {
    try {
      multiaddr(address)
    } catch {
      throw new InvalidListenAddressError(`--listen ${address} is not a multiaddr; write e.g. /ip4/127.0.0.1/tcp/4792 (TCP) or /ip4/127.0.0.1/tcp/4793/ws (WebSocket)`)
    }
  }
}

/** libp2p's "could not listen" error, as one line saying which port is taken and what to do. */
function listenError (err: Error): Error | undefined {
  const text = `${err.message} ${String((err as { cause?: Error }).cause?.message ?? '')}`
  const inUse = /EADDRINUSE[^\n]*?:(\d+)/.exec(text)
  if (inUse != null) {
    return new ListenAddressInUseError(`port ${inUse[1]} is in use (another murmur node?); choose other ports with --listen, e.g. --listen /ip4/0.0.0.0/tcp/4465 --listen /ip4/0.0.0.0/tcp/4466/ws, and give each node its own --home`)
  }
  if (/EADDRNOTAVAIL|EACCES/.test(text)) {
    return new InvalidListenAddressError(`cannot listen there: ${/(EADDRNOTAVAIL|EACCES)[^\n]*/.exec(text)?.[0] ?? err.message}; check --listen`)
  }
  return undefined
}

/**
 * Opens the home and returns a node, not yet started (call start()). An encrypted home needs
 * `passphrase`; a new one (`createIdentity`) or one of the first murmur (migrated here) needs
 * `passphrase` or `noPassphrase: true` (docs/store.md, "Encryption at rest").
 */
export async function createMurmur (options: MurmurOptions): Promise<Murmur> {
  const provider = createProvider(options.provider ?? 'node')
  const opened = await openHome({
    home: options.home,
    provider,
    ...(options.passphrase !== undefined ? { passphrase: options.passphrase } : {}),
    noPassphrase: options.noPassphrase === true,
    createIdentity: options.createIdentity === true,
    ...(options.onMigrationStep !== undefined ? { onMigrationStep: options.onMigrationStep } : {})
  })
  if (opened.created || opened.migrated) log('home %s: %s, %s', options.home, opened.created ? 'created' : 'migrated from the first layout', opened.encrypted ? 'encrypted' : 'not encrypted')
  return new MurmurNodeImpl(options, opened.identity, provider, opened.store, opened.datastoreCipher)
}

export type { ContactView }
