/**
 * The libp2p node of a murmur user (DESIGN.md "Network and scale"; docs/network.md "Assembly").
 *
 * TCP and WebSockets (browsers can reach nodes) plus the circuit relay v2 transport (peers
 * behind NAT); Noise; Yamux; identify; ping; a Kademlia DHT under murmur's own protocol id
 * with the contact-record validator and selector; optional mDNS and bootstrap list. Every
 * limit is set explicitly from src/net/limits.ts.
 */
import { noise } from '@chainsafe/libp2p-noise'
import { yamux } from '@chainsafe/libp2p-yamux'
import { bootstrap } from '@libp2p/bootstrap'
import { circuitRelayTransport } from '@libp2p/circuit-relay-v2'
import { identify, type Identify } from '@libp2p/identify'
import { kadDHT, passthroughMapper, removePrivateAddressesMapper, type KadDHT } from '@libp2p/kad-dht'
import { logger } from '@libp2p/logger'
import { mdns } from '@libp2p/mdns'
import { ping, type Ping } from '@libp2p/ping'
import { tcp } from '@libp2p/tcp'
import { webSockets } from '@libp2p/websockets'
import { createLibp2p, type Libp2pOptions, type ServiceFactoryMap } from 'libp2p'
import type { Libp2p, PeerId, PeerInfo, PrivateKey, ServiceMap } from '@libp2p/interface'
import { defaultProvider } from '../crypto/providers/index.js'
import type { CryptoProvider } from '../crypto/provider.js'
import { CONTACT_RECORD_NAMESPACE, createContactRecordSelector, createContactRecordValidator } from './contact-record.js'
import { PeerNotFoundError, UnsupportedIdentityError } from './errors.js'
import { BOOTSTRAP_DIAL_DELAY_MS, resolveLimits, type PartialNetworkLimits } from './limits.js'

const log = logger('murmur:net:node')

/** The DHT protocol id: a murmur-only DHT, apart from the public IPFS DHT (/ipfs/kad/1.0.0). */
export const MURMUR_DHT_PROTOCOL = '/murmur/kad/1.0.0'

/** Where kad-dht keeps records and provider entries inside the datastore. */
export const MURMUR_DHT_DATASTORE_PREFIX = '/dht'

/** The listen addresses used when the caller gives none: any interface, random ports. */
export const DEFAULT_LISTEN_ADDRESSES = ['/ip4/0.0.0.0/tcp/0', '/ip4/0.0.0.0/tcp/0/ws']

/** The services every murmur node has; callers add theirs (dm, bundle, mailbox) on top. */
export interface MurmurBaseServices extends ServiceMap {
  identify: Identify
  ping: Ping
  dht: KadDHT
}

export type MurmurNode<S extends ServiceMap = ServiceMap> = Libp2p<MurmurBaseServices & S>

export interface CreateNodeOptions<S extends ServiceMap = ServiceMap> {
  /** The user's Ed25519 identity key: it fixes the peer ID across restarts. */
  privateKey: PrivateKey
  /** Multiaddrs to listen on; default DEFAULT_LISTEN_ADDRESSES. Add "/p2p-circuit" to take relay reservations. */
  listen?: string[]
  /** Multiaddrs to announce instead of the listen addresses (e.g. a public address behind a port forward). */
  announce?: string[]
  /** Multiaddrs (with /p2p/<peer id>) dialled shortly after start. Empty or absent: no bootstrap. */
  bootstrap?: string[]
  /** Discover peers on the local network by multicast DNS. Default false. */
  mdns?: boolean
  /** Persistent datastore for the peer store and DHT records (see openDatastore); default in memory. */
  datastore?: Libp2pOptions['datastore']
  /**
   * Keep loopback and private addresses in DHT peer records. Needed on a LAN and in tests; on the
   * public network it stays false so the DHT does not spread undialable addresses.
   */
  allowPrivateAddresses?: boolean
  /** More services to merge in (the dm, bundle and mailbox services are added by callers). */
  services?: ServiceFactoryMap<S>
  /** Overrides of the default limits (limits.ts). */
  limits?: PartialNetworkLimits
  /** Crypto used by the contact-record validator; default defaultProvider() (node:crypto). */
  cryptoProvider?: CryptoProvider
  /** Start the node before returning. Default true. */
  start?: boolean
}

/** Assemble (and by default start) a libp2p node configured as murmur needs. */
export async function createNode<S extends ServiceMap = ServiceMap> (options: CreateNodeOptions<S>): Promise<MurmurNode<S>> {
  if (options.privateKey.type !== 'Ed25519') throw new UnsupportedIdentityError()
  const limits = resolveLimits(options.limits)
  const provider = options.cryptoProvider ?? defaultProvider()

  const peerDiscovery: NonNullable<Libp2pOptions['peerDiscovery']> = []
  if (options.bootstrap != null && options.bootstrap.length > 0) {
    peerDiscovery.push(bootstrap({ list: options.bootstrap, timeout: BOOTSTRAP_DIAL_DELAY_MS }))
  }
  if (options.mdns === true) peerDiscovery.push(mdns())

  const services = {
    identify: identify(),
    ping: ping(),
    dht: kadDHT({
      protocol: MURMUR_DHT_PROTOCOL,
      datastorePrefix: MURMUR_DHT_DATASTORE_PREFIX,
      logPrefix: 'murmur:net:dht',
      // A messenger node is meant to be reachable, so it answers DHT queries from the start
      // rather than waiting for AutoNAT to call it public (kad-dht's clientMode default).
      clientMode: false,
      peerInfoMapper: options.allowPrivateAddresses === true ? passthroughMapper : removePrivateAddressesMapper,
      validators: { [CONTACT_RECORD_NAMESPACE]: createContactRecordValidator(provider) },
      selectors: { [CONTACT_RECORD_NAMESPACE]: createContactRecordSelector() },
      maxInboundStreams: limits.dht.maxInboundStreams,
      maxOutboundStreams: limits.dht.maxOutboundStreams,
      incomingMessageTimeout: limits.dht.incomingMessageTimeoutMs,
      onPeerConnectTimeout: limits.dht.onPeerConnectTimeoutMs,
      initialQuerySelfInterval: limits.dht.initialQuerySelfIntervalMs,
      querySelfInterval: limits.dht.querySelfIntervalMs
    }),
    ...options.services
  } as ServiceFactoryMap<MurmurBaseServices & S>

  const config: Libp2pOptions<MurmurBaseServices & S> = {
    privateKey: options.privateKey,
    addresses: {
      listen: options.listen ?? DEFAULT_LISTEN_ADDRESSES,
      ...(options.announce != null ? { announce: options.announce } : {})
    },
    transports: [tcp(), webSockets(), circuitRelayTransport()],
    connectionEncrypters: [noise()],
    streamMuxers: [yamux()],
    peerDiscovery,
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
      outboundStreamProtocolNegotiationTimeout: limits.connections.protocolNegotiationTimeoutMs
    },
    connectionMonitor: {
      pingInterval: limits.monitor.pingIntervalMs,
      pingTimeout: { minTimeout: limits.monitor.pingMinTimeoutMs, maxTimeout: limits.monitor.pingMaxTimeoutMs }
    },
    services,
    start: options.start ?? true
  }
  if (options.datastore != null) config.datastore = options.datastore

  const node = await createLibp2p<MurmurBaseServices & S>(config)
  log('node %p created', node.peerId)
  return node
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
    return await node.peerRouting.findPeer(peerId, { signal: AbortSignal.any(signals) })
  } catch (err) {
    options.signal?.throwIfAborted()
    log('DHT lookup of %p failed - %e', peerId, err)
    throw new PeerNotFoundError(`Peer ${peerId.toString()} not found`)
  }
}
