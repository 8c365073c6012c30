/**
 * The libp2p node of a murmur user (DESIGN.md "Network and scale"; docs/network.md "Assembly").
 *
 * TCP and WebSockets (browsers can reach nodes) plus the circuit relay v2 transport; Noise;
 * Yamux; identify with push; ping; two Kademlia DHTs under murmur's own protocol ids, as kubo
 * runs them: a LAN DHT that keeps private and loopback addresses and always answers, and a WAN
 * DHT that keeps public addresses and answers once AutoNAT has confirmed one; AutoNAT; a circuit
 * relay server gated by relay-policy.ts; relay reservations when unreachable (reachability/);
 * hole punching (holepunch/); UPnP port mapping; mDNS; a bootstrap list redialled while the node
 * has too few peers (bootstrap/); random-key lookups while a routing table is small (table-fill/); pings that abort a
 * connection only after several fail in a row (liveness/). Every limit is set explicitly from src/net/limits.ts.
 */
import { bulkWindowYamux } from './yamux-window.js'
import { singleWriteNoise } from './noise-framing.js'
import { autoNATv2 } from '@libp2p/autonat-v2'
import { circuitRelayServer, circuitRelayTransport, type CircuitRelayService } from '@libp2p/circuit-relay-v2'
import { identify, identifyPush, type Identify, type IdentifyPush } from '@libp2p/identify'
import { kadDHT, removePrivateAddressesMapper, type KadDHT } from '@libp2p/kad-dht'
import { logger } from '@libp2p/logger'
import { isLoopback } from '@libp2p/utils'
import { multiaddr } from '@multiformats/multiaddr'
import { mdns } from '@libp2p/mdns'
import { ping, type Ping } from '@libp2p/ping'
import { tcp } from '@libp2p/tcp'
import { webSockets } from '@libp2p/websockets'
import { createLibp2p, type Libp2pOptions, type ServiceFactoryMap } from 'libp2p'
import type { Libp2p, PeerId, PeerInfo, PrivateKey, ServiceMap } from '@libp2p/interface'
import { raceSignal } from 'race-signal'
import { defaultProvider } from '../crypto/providers/index.js'
import type { CryptoProvider } from '../crypto/provider.js'
import { createLanPeerInfoMapper, nodeAddressSorter } from './address-order.js'
import { bootstrapper, parseBootstrapList, type Bootstrapper } from './bootstrap/index.js'
import { CONTACT_RECORD_NAMESPACE, createContactRecordSelector, createContactRecordValidator } from './contact-record.js'
import { PeerNotFoundError, UnsupportedIdentityError } from './errors.js'
import { holePunch, type HolePunchService } from './holepunch/index.js'
import { resolveLimits, type PartialNetworkLimits } from './limits.js'
import { reachability, type PreferredRelay, type Reachability } from './reachability/index.js'
import { relayGater } from './relay-policy.js'
import { tableFill, type TableFill } from './table-fill/index.js'
import { liveness, type Liveness } from './liveness/index.js'

const log = logger('murmur:net:node')

/** The WAN DHT's protocol id: a murmur-only DHT, apart from the public IPFS DHT (/ipfs/kad/1.0.0). */
export const MURMUR_DHT_PROTOCOL = '/murmur/kad/1.0.0'
/** The LAN DHT's protocol id (private and loopback addresses only). */
export const MURMUR_LAN_DHT_PROTOCOL = '/murmur/lan/kad/1.0.0'

/** Where each DHT keeps records and provider entries inside the datastore. */
export const MURMUR_DHT_DATASTORE_PREFIX = '/dht'
export const MURMUR_LAN_DHT_DATASTORE_PREFIX = '/dht-lan'

/** The listen addresses used when the caller gives none: any interface of both families, random ports. */
export const DEFAULT_LISTEN_ADDRESSES = ['/ip4/0.0.0.0/tcp/0', '/ip4/0.0.0.0/tcp/0/ws', '/ip6/::/tcp/0', '/ip6/::/tcp/0/ws']

/**
 * Whether a gateway could map any of these listen addresses: one not on loopback (a wildcard
 * counts). A node that listens on loopback only has nothing to map, so it does not search the
 * LAN for a gateway at all (SSDP multicast every second for its first 5 s).
 */
export function mappable (listen: readonly string[]): boolean {
  return listen.some(address => {
    try {
      return !isLoopback(multiaddr(address))
    } catch {
      return true // not a multiaddr: libp2p refuses it when it listens
    }
  })
}

/** The services every murmur node has; callers add theirs (dm, bundle, mailbox) on top. */
export interface MurmurBaseServices extends ServiceMap {
  identify: Identify
  identifyPush: IdentifyPush
  ping: Ping
  /** The WAN DHT. */
  dht: KadDHT
  /** The LAN DHT. */
  lanDht: KadDHT
  autoNAT: unknown
  relay: CircuitRelayService
  reachability: Reachability
  holePunch: HolePunchService
  bootstrap: Bootstrapper
  tableFill: TableFill
  liveness: Liveness
}

export type MurmurNode<S extends ServiceMap = ServiceMap> = Libp2p<MurmurBaseServices & S>

export interface CreateNodeOptions<S extends ServiceMap = ServiceMap> {
  /** The user's Ed25519 identity key: it fixes the peer ID across restarts. */
  privateKey: PrivateKey
  /** Multiaddrs to listen on; default DEFAULT_LISTEN_ADDRESSES. */
  listen?: string[]
  /** Multiaddrs to announce instead of the listen addresses (e.g. a public address behind a port forward). */
  announce?: string[]
  /** Multiaddrs (with /p2p/<peer id>) dialled at start and redialled while the node has few peers. */
  bootstrap?: string[]
  /** Discover peers on the local network by multicast DNS. Default false. */
  mdns?: boolean
  /** Ask the router for a port mapping by UPnP. Default false. */
  upnp?: boolean
  /** Persistent datastore for the peer store and DHT records (see openDatastore); default in memory. */
  datastore?: Libp2pOptions['datastore']
  /** Serve circuit relay reservations (to strangers while public, to trusted peers always). Default true. */
  relayService?: boolean
  /** The owner's trust list: these peers get relay reservations with generous limits. */
  isTrusted?: (peerId: string) => boolean
  /** The owner's relays (mailboxes), tried first for reservations when the node is unreachable. */
  preferredRelays?: () => Promise<PreferredRelay[]>
  /** More services to merge in (the dm, bundle and mailbox services are added by callers). */
  services?: ServiceFactoryMap<S>
  /** Overrides of the default limits (limits.ts). */
  limits?: PartialNetworkLimits
  /** Crypto used by the contact-record validator; default defaultProvider() (node:crypto). */
  cryptoProvider?: CryptoProvider
  /** Start the node before returning. Default true. */
  start?: boolean
}

export interface CreatedNode<S extends ServiceMap> {
  node: MurmurNode<S>
  /** Problems with the options that did not stop the node (e.g. a bootstrap address without /p2p). */
  warnings: string[]
}

/** Assemble (and by default start) a libp2p node configured as murmur needs. */
export async function createNode<S extends ServiceMap = ServiceMap> (options: CreateNodeOptions<S>): Promise<MurmurNode<S>> {
  return (await createNodeWithWarnings(options)).node
}

/** createNode, also returning the warnings about its options. */
export async function createNodeWithWarnings<S extends ServiceMap = ServiceMap> (options: CreateNodeOptions<S>): Promise<CreatedNode<S>> {
  if (options.privateKey.type !== 'Ed25519') throw new UnsupportedIdentityError()
  const limits = resolveLimits(options.limits)
  const provider = options.cryptoProvider ?? defaultProvider()
  const { peers: bootstrapPeers, warnings } = parseBootstrapList(options.bootstrap ?? [])

  const peerDiscovery: NonNullable<Libp2pOptions['peerDiscovery']> = []
  if (options.mdns === true) peerDiscovery.push(mdns())
  const listen = options.listen ?? DEFAULT_LISTEN_ADDRESSES
  // Loaded only when used: with its SSDP client and XML parser it is some 50 ms of a start's
  // module loading (docs/network.md section 6.4).
  const upnp = options.upnp === true && mappable(listen) ? (await import('@libp2p/upnp-nat')).uPnPNAT : undefined

  const dhtCommon = {
    validators: { [CONTACT_RECORD_NAMESPACE]: createContactRecordValidator(provider) },
    selectors: { [CONTACT_RECORD_NAMESPACE]: createContactRecordSelector() },
    maxInboundStreams: limits.dht.maxInboundStreams,
    maxOutboundStreams: limits.dht.maxOutboundStreams,
    incomingMessageTimeout: limits.dht.incomingMessageTimeoutMs,
    onPeerConnectTimeout: limits.dht.onPeerConnectTimeoutMs,
    initialQuerySelfInterval: limits.dht.initialQuerySelfIntervalMs,
    querySelfInterval: limits.dht.querySelfIntervalMs
  }
  const r = limits.reachability
  // The gater and liveness read the node once it exists.
  const created: { node?: MurmurNode<S> } = {}
  const services = {
    identify: identify(),
    identifyPush: identifyPush(),
    ping: ping({ maxInboundStreams: limits.monitor.pingMaxStreams, maxOutboundStreams: limits.monitor.pingMaxStreams }),
    // The WAN DHT keeps public (and relayed) addresses, and switches itself to server mode once
    // the node has a confirmed public address (kad-dht's default when clientMode is unset).
    dht: kadDHT({
      ...dhtCommon,
      protocol: MURMUR_DHT_PROTOCOL,
      datastorePrefix: MURMUR_DHT_DATASTORE_PREFIX,
      logPrefix: 'murmur:net:dht',
      metricsPrefix: 'murmur_dht',
      peerInfoMapper: removePrivateAddressesMapper
    }),
    // The LAN DHT keeps the addresses on this machine and in its subnets, and always answers:
    // nodes on one machine or one LAN find each other with no flag (kad-dht README "LAN + WAN").
    lanDht: kadDHT({
      ...dhtCommon,
      protocol: MURMUR_LAN_DHT_PROTOCOL,
      datastorePrefix: MURMUR_LAN_DHT_DATASTORE_PREFIX,
      logPrefix: 'murmur:net:dht-lan',
      metricsPrefix: 'murmur_dht_lan',
      clientMode: false,
      peerInfoMapper: createLanPeerInfoMapper()
    }),
    autoNAT: autoNATv2({ timeout: r.autonatTimeoutMs }),
    relay: circuitRelayServer({
      hopTimeout: limits.relay.hopTimeoutMs,
      maxInboundHopStreams: limits.relay.maxInboundHopStreams,
      maxOutboundStopStreams: limits.relay.maxOutboundStopStreams,
      reservations: {
        maxReservations: limits.relay.maxReservations,
        reservationTtl: limits.relay.reservationTtlMs,
        applyDefaultLimit: true,
        defaultDurationLimit: limits.relay.defaultDurationLimitMs,
        defaultDataLimit: limits.relay.defaultDataLimitBytes
      }
    }),
    reachability: reachability({
      maxReservations: r.maxReservations,
      reservationTimeoutMs: r.reservationTimeoutMs,
      autonatGraceMs: r.autonatGraceMs,
      checkIntervalMs: r.checkIntervalMs,
      ...(options.preferredRelays != null ? { preferredRelays: options.preferredRelays } : {})
    }),
    holePunch: holePunch({ timeoutMs: r.holePunchTimeoutMs, attempts: r.holePunchAttempts }),
    bootstrap: bootstrapper({
      peers: bootstrapPeers,
      minConnections: r.bootstrapMinConnections,
      initialBackoffMs: r.bootstrapInitialBackoffMs,
      maxBackoffMs: r.bootstrapMaxBackoffMs,
      warnAfterMs: r.bootstrapWarnAfterMs,
      dialTimeoutMs: limits.connections.dialTimeoutMs
    }),
    // After both DHTs: it reads them from the components libp2p has built by then.
    liveness: liveness({
      intervalMs: limits.monitor.pingIntervalMs,
      minTimeoutMs: limits.monitor.pingMinTimeoutMs,
      maxTimeoutMs: limits.monitor.pingMaxTimeoutMs,
      maxFailures: limits.monitor.maxPingFailures,
      probeTimeoutMs: limits.monitor.probeTimeoutMs,
      carriesReachability: (connection) => created.node?.services.reachability.view().relays.includes(connection.remotePeer.toString()) ?? false
    }),
    // After the DHTs: libp2p builds services in this order, and the filler reads them by name.
    // The LAN DHT only: on the WAN DHT, peers behind NATs are reached through relays, whose
    // limited connections a query every few seconds would spend (kad-dht's own 5-minute
    // refresh keeps that table).
    tableFill: tableFill({
      dhts: ['lanDht'],
      targetPeers: limits.dht.fillTargetPeers,
      queryTimeoutMs: limits.dht.fillQueryTimeoutMs,
      initialBackoffMs: limits.dht.fillInitialBackoffMs,
      maxBackoffMs: limits.dht.fillMaxBackoffMs,
      checkIntervalMs: limits.dht.fillCheckIntervalMs
    }),
    // The gateway's own answer confirms the mapped address: upnp-nat maps only when the
    // gateway's external address is public (a private one is a double NAT, refused), and
    // AutoNAT v2 checks an address only on a new connection, so a mapping made after the
    // first connections (always: the gateway search takes seconds) went unconfirmed, and
    // unannounced, until a new peer happened to connect (docs/network.md "UPnP").
    ...(upnp !== undefined ? { upnp: upnp({ autoConfirmAddress: true }) } : {}),
    ...options.services
  } as unknown as ServiceFactoryMap<MurmurBaseServices & S>

  // The gater reads the node once it exists.
  const gater = relayGater({
    limits: limits.relay,
    serve: options.relayService ?? true,
    isTrusted: options.isTrusted ?? (() => false),
    isPublic: () => created.node?.services.reachability.view().mode === 'public',
    reservations: () => created.node?.services.relay.reservations
  })

  const config: Libp2pOptions<MurmurBaseServices & S> = {
    privateKey: options.privateKey,
    addresses: {
      listen,
      ...(options.announce != null ? { announce: options.announce } : {})
    },
    transports: [tcp(), webSockets(), circuitRelayTransport({ reservationCompletionTimeout: r.reservationTimeoutMs })],
    // noise, each message in one socket write (src/net/noise-framing.ts).
    connectionEncrypters: [singleWriteNoise()],
    // yamux's own keep-alive (a ping every 30 s that never judges the answer) is off: liveness
    // pings every connection through the same muxer every 10 s and acts on silence.
    streamMuxers: [bulkWindowYamux({ enableKeepAlive: false })],
    peerDiscovery,
    connectionGater: gater,
    connectionManager: {
      maxConnections: limits.connections.maxConnections,
      inboundConnectionThreshold: limits.connections.inboundConnectionThreshold,
      maxIncomingPendingConnections: limits.connections.maxIncomingPendingConnections,
      maxParallelDials: limits.connections.maxParallelDials,
      maxDialQueueLength: limits.connections.maxDialQueueLength,
      maxPeerAddrsToDial: limits.connections.maxPeerAddrsToDial,
      dialTimeout: limits.connections.dialTimeoutMs,
      addressDialTimeout: limits.connections.addressDialTimeoutMs,
      inboundUpgradeTimeout: limits.connections.inboundUpgradeTimeoutMs,
      inboundStreamProtocolNegotiationTimeout: limits.connections.protocolNegotiationTimeoutMs,
      outboundStreamProtocolNegotiationTimeout: limits.connections.protocolNegotiationTimeoutMs,
      addressSorter: nodeAddressSorter(() => created.node),
      // Nodes on this machine (tests, the demo, several users of one host) are not rate-limited.
      allow: ['/ip4/127.0.0.0/ipcidr/8', '/ip6/::1/ipcidr/128']
    },
    // src/net/liveness replaces it: libp2p's monitor aborts a connection at its first failed ping.
    connectionMonitor: { enabled: false },
    services,
    start: options.start ?? true
  }
  if (options.datastore != null) config.datastore = options.datastore

  const node = await createLibp2p<MurmurBaseServices & S>(config)
  created.node = node
  log('node %p created', node.peerId)
  return { node, warnings }
}

export interface FindPeerOptions {
  signal?: AbortSignal
  /** Bound on the DHT lookup, in ms; default limits.dht.findPeerTimeoutMs. */
  timeoutMs?: number
}

/**
 * Where can `peerId` be dialled? The peer store first (known addresses cost nothing), then a
 * DHT lookup bounded by `timeoutMs`. Throws PeerNotFoundError when neither knows the peer, and
 * the caller's abort reason when `signal` aborts.
 */
export async function findPeer (node: Libp2p, peerId: PeerId, options: FindPeerOptions = {}): Promise<PeerInfo> {
  options.signal?.throwIfAborted()
  try {
    const known = await node.peerStore.get(peerId, { signal: options.signal })
    if (known.addresses.length > 0) {
      return { id: known.id, multiaddrs: known.addresses.map(a => a.multiaddr) }
    }
  } catch (err) {
    if ((err as Error).name !== 'NotFoundError') throw err
  }
  const timeoutMs = options.timeoutMs ?? resolveLimits().dht.findPeerTimeoutMs
  const signals = [AbortSignal.timeout(timeoutMs)]
  if (options.signal != null) signals.push(options.signal)
  try {
    // The query can outlive its signal on a loaded network (src/net/until-aborted.ts): race it.
    const signal = AbortSignal.any(signals)
    return await raceSignal(node.peerRouting.findPeer(peerId, { signal }), signal)
  } catch (err) {
    options.signal?.throwIfAborted()
    log('DHT lookup of %p failed - %e', peerId, err)
    throw new PeerNotFoundError(`Peer ${peerId.toString()} not found`)
  }
}
