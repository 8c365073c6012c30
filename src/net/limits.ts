/**
 * Every limit and timeout of the network layer, in one place, set explicitly rather than left
 * to library defaults that move between versions. docs/network.md ("Limits") gives the reason
 * for each value. DESIGN.md "Network and scale": set the limits, timeouts on every await.
 */

/**
 * The largest envelope (src/wire/envelope.proto) any murmur protocol accepts, in bytes. The dm,
 * bundle and mailbox services use it as the `maxDataLength` of their framed decoders. A padded
 * text message is a few KiB; 256 KiB leaves room for attachments-by-reference and prekey
 * messages (an ML-KEM ciphertext is 1088 bytes) while bounding what a peer can make us buffer.
 */
export const MAX_ENVELOPE_BYTES = 256 * 1024

/** Connection manager caps (libp2p ConnectionManagerInit). */
export interface ConnectionLimits {
  /** Above this many open connections libp2p prunes the least valuable ones. */
  maxConnections: number
  /** Inbound connections per second accepted from one host (IP); more are refused. */
  inboundConnectionThreshold: number
  /** Inbound connections still in the Noise/Yamux upgrade at once. */
  maxIncomingPendingConnections: number
  /** Dials running at once, across all peers. */
  maxParallelDials: number
  /** Dials waiting in the queue before new dials are refused. */
  maxDialQueueLength: number
  /** Addresses of one peer tried before giving up on it. */
  maxPeerAddrsToDial: number
  /** A whole dial to one peer (all of its addresses, plus the upgrade), in ms. */
  dialTimeoutMs: number
  /** One address of a dial, in ms, so one dead address cannot eat the whole dial budget. */
  addressDialTimeoutMs: number
  /** An inbound connection must finish Noise + Yamux within this, in ms. */
  inboundUpgradeTimeoutMs: number
  /** multistream-select negotiation of one stream's protocol, both directions, in ms. */
  protocolNegotiationTimeoutMs: number
}

/** The DHT's own limits (kad-dht KadDHTInit) and murmur's timeouts around DHT calls. */
export interface DhtLimits {
  /** Concurrent inbound /murmur/kad/1.0.0 streams per connection. */
  maxInboundStreams: number
  /** Concurrent outbound /murmur/kad/1.0.0 streams per connection. */
  maxOutboundStreams: number
  /** An inbound DHT request must be answered within this, in ms. */
  incomingMessageTimeoutMs: number
  /** Routing-table update when a DHT peer connects, in ms. */
  onPeerConnectTimeoutMs: number
  /** Self-query interval right after start, in ms (fills the routing table quickly). */
  initialQuerySelfIntervalMs: number
  /** Self-query interval once running, in ms. */
  querySelfIntervalMs: number
  /** publishContactRecord: the whole DHT put, in ms. */
  putTimeoutMs: number
  /** resolveContactRecord: the whole DHT get, in ms. */
  getTimeoutMs: number
  /** findPeer: the whole DHT peer lookup, in ms. */
  findPeerTimeoutMs: number
}

/** Connection monitor (libp2p ConnectionMonitorInit). */
export interface MonitorLimits {
  /** How often every connection is pinged, in ms. */
  pingIntervalMs: number
  /** The adaptive ping timeout never goes below this, in ms. */
  pingMinTimeoutMs: number
  /** The adaptive ping timeout never goes above this, in ms. */
  pingMaxTimeoutMs: number
}

/** Limits on a contact record (src/net/contact-record.ts), checked by every validator. */
export interface ContactRecordLimits {
  /** The encoded record, signature included. */
  maxRecordBytes: number
  /** Entries in `addresses`. */
  maxAddresses: number
  /** One multiaddr's bytes, in `addresses` and in a mailbox's `addresses`. */
  maxAddressBytes: number
  /** Entries in `mailboxes`. */
  maxMailboxes: number
  /** Entries in one mailbox's `addresses`. */
  maxMailboxAddresses: number
}

export interface NetworkLimits {
  connections: ConnectionLimits
  dht: DhtLimits
  monitor: MonitorLimits
}

export const DEFAULT_CONNECTION_LIMITS: Readonly<ConnectionLimits> = Object.freeze({
  maxConnections: 200,
  inboundConnectionThreshold: 5,
  maxIncomingPendingConnections: 10,
  maxParallelDials: 50,
  maxDialQueueLength: 200,
  maxPeerAddrsToDial: 16,
  dialTimeoutMs: 10_000,
  addressDialTimeoutMs: 5_000,
  inboundUpgradeTimeoutMs: 10_000,
  protocolNegotiationTimeoutMs: 10_000
})

export const DEFAULT_DHT_LIMITS: Readonly<DhtLimits> = Object.freeze({
  maxInboundStreams: 32,
  maxOutboundStreams: 64,
  incomingMessageTimeoutMs: 10_000,
  onPeerConnectTimeoutMs: 10_000,
  initialQuerySelfIntervalMs: 1_000,
  querySelfIntervalMs: 5 * 60_000,
  putTimeoutMs: 30_000,
  getTimeoutMs: 30_000,
  findPeerTimeoutMs: 15_000
})

export const DEFAULT_MONITOR_LIMITS: Readonly<MonitorLimits> = Object.freeze({
  pingIntervalMs: 10_000,
  pingMinTimeoutMs: 10_000,
  pingMaxTimeoutMs: 60_000
})

export const CONTACT_RECORD_LIMITS: Readonly<ContactRecordLimits> = Object.freeze({
  maxRecordBytes: 16 * 1024,
  maxAddresses: 32,
  maxAddressBytes: 512,
  maxMailboxes: 8,
  maxMailboxAddresses: 8
})

/** How often the contact record is republished by default (DESIGN.md "Contact record"). */
export const DEFAULT_REPUBLISH_INTERVAL_MS = 60 * 60_000

/** How long the republisher waits for the previous record before choosing a sequence. */
export const REPUBLISH_LOOKUP_TIMEOUT_MS = 10_000

/** How long after start the bootstrap list is dialled, in ms (the library default is 1 s). */
export const BOOTSTRAP_DIAL_DELAY_MS = 10

/** Default limits, with optional overrides per group. */
export function resolveLimits (overrides: PartialNetworkLimits = {}): NetworkLimits {
  return {
    connections: { ...DEFAULT_CONNECTION_LIMITS, ...overrides.connections },
    dht: { ...DEFAULT_DHT_LIMITS, ...overrides.dht },
    monitor: { ...DEFAULT_MONITOR_LIMITS, ...overrides.monitor }
  }
}

export interface PartialNetworkLimits {
  connections?: Partial<ConnectionLimits>
  dht?: Partial<DhtLimits>
  monitor?: Partial<MonitorLimits>
}
