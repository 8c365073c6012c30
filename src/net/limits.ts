/**
 * Every limit and timeout of the network layer, in one place, set explicitly rather than left
 * to library defaults that move between versions. docs/network.md ("Limits") gives the reason
 * for each value. DESIGN.md "Network and scale": set the limits, timeouts on every await.
 */

/**
 * The largest envelope any murmur protocol accepts, in bytes: the envelope's own limit
 * (src/wire/strict/envelope.ts), listed here with the other limits. The dm, bundle and mailbox
 * services size their framed decoders from it.
 */
export { MAX_ENVELOPE_BYTES } from '../wire/strict/envelope.js'

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
  /** Table filler (src/net/table-fill): random-key lookups while a routing table holds fewer peers than this (0: never). */
  fillTargetPeers: number
  /** Table filler: one lookup, in ms. */
  fillQueryTimeoutMs: number
  /** Table filler: wait between lookups while they add peers, doubled after one that adds none, in ms. */
  fillInitialBackoffMs: number
  fillMaxBackoffMs: number
  /** Table filler: how often a full enough table is looked at again, in ms. */
  fillCheckIntervalMs: number
}

/** Connection liveness (src/net/liveness, in place of libp2p's connection monitor). */
export interface MonitorLimits {
  /** How often every connection is pinged, in ms. */
  pingIntervalMs: number
  /** The adaptive ping timeout never goes below this, in ms. */
  pingMinTimeoutMs: number
  /** The adaptive ping timeout never goes above this, in ms. */
  pingMaxTimeoutMs: number
  /** A connection is aborted after this many pings in a row failed (src/net/liveness). */
  maxPingFailures: number
  /**
   * A connection checked out of turn, because a dm stream on it fell silent (src/net/dm), is
   * aborted if its ping is not answered within this, in ms: one failure, not maxPingFailures.
   */
  probeTimeoutMs: number
  /**
   * Concurrent `/ipfs/ping` streams per connection, each way: both DHTs' routing tables (a new
   * contact, an old one before eviction) ping the same peer, and a ping over the limit fails.
   * Liveness pings with yamux frames, not streams (src/net/liveness).
   */
  pingMaxStreams: number
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

/**
 * Circuit relay v2 as a server (DESIGN.md "Reachability"): every node that is publicly reachable
 * relays for anyone within libp2p's default limits, and for the peers its owner trusts within
 * generous ones. A relayed connection is "limited" whenever it carries any limit.
 */
export interface RelayServiceLimits {
  /** Reservations held at once, for everyone together. */
  maxReservations: number
  /** Of maxReservations, this many are kept for trusted peers: strangers cannot fill them. */
  trustedReservations: number
  /** A reservation lasts this long unless the peer refreshes it, in ms. */
  reservationTtlMs: number
  /** A HOP request (reserve or connect) must complete within this, in ms. */
  hopTimeoutMs: number
  /** Concurrent inbound HOP streams per connection. */
  maxInboundHopStreams: number
  /** Concurrent outbound STOP streams per connection (one per relayed connection being set up). */
  maxOutboundStopStreams: number
  /** A stranger's relayed connection: libp2p's defaults (enough for a punch, a bundle and a few messages). */
  defaultDurationLimitMs: number
  defaultDataLimitBytes: bigint
  /** A relayed connection to or from a trusted peer. */
  trustedDurationLimitMs: number
  trustedDataLimitBytes: bigint
}

/** The client side of reachability: AutoNAT, relay reservations, hole punching, bootstrap. */
export interface ReachabilityLimits {
  /** Relays we hold reservations at when we are not publicly reachable. */
  maxReservations: number
  /** One reservation attempt (dial included), in ms. */
  reservationTimeoutMs: number
  /**
   * A node that listens on a public address waits this long for AutoNAT to confirm it before it
   * takes relay reservations anyway (a firewall may stop what the address promises), in ms. A
   * node with only private addresses does not wait.
   */
  autonatGraceMs: number
  /** How often reachability is re-evaluated when nothing changes it, in ms. */
  checkIntervalMs: number
  /** AutoNAT: one dial-back request, in ms. */
  autonatTimeoutMs: number
  /** Hole punching: one attempt (exchange and simultaneous dial), in ms. */
  holePunchTimeoutMs: number
  /** Hole punching: attempts per relayed connection. */
  holePunchAttempts: number
  /** Bootstrap: keep redialling the bootstrap peers while we have fewer connections than this. */
  bootstrapMinConnections: number
  /** Bootstrap: first retry after this, doubling up to bootstrapMaxBackoffMs, in ms. */
  bootstrapInitialBackoffMs: number
  bootstrapMaxBackoffMs: number
  /** Bootstrap: a peer still not connected after this long is reported (a warning), in ms. */
  bootstrapWarnAfterMs: number
}

export interface NetworkLimits {
  connections: ConnectionLimits
  dht: DhtLimits
  monitor: MonitorLimits
  relay: RelayServiceLimits
  reachability: ReachabilityLimits
}

export const DEFAULT_CONNECTION_LIMITS: Readonly<ConnectionLimits> = Object.freeze({
  maxConnections: 200,
  // Relayed connections all arrive from the relay's address, and a relay serves many peers:
  // libp2p's 5 per second per host refused some of them.
  inboundConnectionThreshold: 25,
  maxIncomingPendingConnections: 10,
  maxParallelDials: 50,
  maxDialQueueLength: 200,
  maxPeerAddrsToDial: 16,
  dialTimeoutMs: 10_000,
  // Addresses of one peer are dialled one after another: a black-holed address costs this much
  // before the next is tried. The messenger orders addresses so that the likely ones go first.
  addressDialTimeoutMs: 3_000,
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
  findPeerTimeoutMs: 15_000,
  // kad-dht's k: a table of k peers spans the buckets a lookup needs. Beyond that, kad-dht's own
  // refresh (every 5 minutes) keeps it; the filler's longest wait matches it.
  fillTargetPeers: 20,
  fillQueryTimeoutMs: 10_000,
  fillInitialBackoffMs: 1_000,
  fillMaxBackoffMs: 5 * 60_000,
  fillCheckIntervalMs: 30_000
})

export const DEFAULT_MONITOR_LIMITS: Readonly<MonitorLimits> = Object.freeze({
  pingIntervalMs: 10_000,
  pingMinTimeoutMs: 10_000,
  pingMaxTimeoutMs: 60_000,
  // One failed ping aborted healthy connections of busy nodes (libp2p's monitor): about 30 per
  // node per minute in the reach benchmark, each one redialled.
  maxPingFailures: 3,
  // Half the periodic minimum: a probe follows evidence (dm envelopes unanswered for
  // DM_SILENCE_PROBE_MS), where a periodic ping has none, and a connection that answers nothing
  // is a path that holds messages back (a relay whose host dropped off the network held two
  // homes' messages for 26-56 s in the NAT testbed). A false verdict costs a redial, not a message.
  probeTimeoutMs: 5_000,
  // libp2p's default of 1 outbound and 2 inbound made the monitor abort most connections of a
  // 100-node network (docs/benchmarks.md "The reach benchmark").
  pingMaxStreams: 8
})

export const DEFAULT_RELAY_SERVICE_LIMITS: Readonly<RelayServiceLimits> = Object.freeze({
  maxReservations: 64,
  trustedReservations: 16,
  reservationTtlMs: 60 * 60_000,
  hopTimeoutMs: 15_000,
  maxInboundHopStreams: 32,
  maxOutboundStopStreams: 64,
  defaultDurationLimitMs: 2 * 60_000,
  defaultDataLimitBytes: 128n * 1024n,
  trustedDurationLimitMs: 60 * 60_000,
  trustedDataLimitBytes: 64n * 1024n * 1024n
})

export const DEFAULT_REACHABILITY_LIMITS: Readonly<ReachabilityLimits> = Object.freeze({
  maxReservations: 2,
  reservationTimeoutMs: 10_000,
  autonatGraceMs: 20_000,
  checkIntervalMs: 30_000,
  autonatTimeoutMs: 10_000,
  holePunchTimeoutMs: 8_000,
  holePunchAttempts: 3,
  bootstrapMinConnections: 3,
  bootstrapInitialBackoffMs: 1_000,
  bootstrapMaxBackoffMs: 5 * 60_000,
  bootstrapWarnAfterMs: 10_000
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

/** A contact-record lookup waits this long for a newer record once it has a valid one, in ms. */
export const CONTACT_RECORD_SETTLE_MS = 300

/**
 * ...unless this many other peers have answered with a valid record by then (the highest
 * sequence among them wins): a publish reaches the k closest peers, so a few answers from them
 * hold the newest record unless all of them missed the last publish together.
 */
export const CONTACT_RECORD_QUORUM = 3

/**
 * A contact-record look-up asks each DHT at most `maxPasses` times: again when its routing table
 * gained a peer since it was last asked, or every `repassMs` while the other DHT's query still
 * runs (src/net/lookup-passes.ts; docs/network.md "Contact-record look-ups").
 */
export const CONTACT_RECORD_PASSES = Object.freeze({ maxPasses: 4, repassMs: 1_000 })

/** A DHT peer look-up (src/net/dht-peer-lookup.ts) asks each DHT as a contact-record look-up does. */
export const DHT_PEER_LOOKUP_PASSES = CONTACT_RECORD_PASSES

/**
 * Contact-record look-ups shared by callers (src/net/contact-record-lookups.ts): a record found
 * is reused for `foundMs` (one send's look-up budget, RESOLVE_TIMEOUT_MS: its paths come one
 * after another within it), for at most `maxEntries` peers. A miss is not remembered. For a
 * dial only within `dialMs` (src/messenger/reach.ts): addresses age faster than a bundle or a
 * mailbox list. Behind real NATs a record found right after its owner started lacked the relay
 * address published a second later; reused for the retries (2 s, 4 s... later), it held a first
 * message back ~20 s.
 */
export const CONTACT_RECORD_REUSE = Object.freeze({ foundMs: 10_000, maxEntries: 256, dialMs: 2_000 })

/** After a publish no DHT peer took, the next is tried after this, doubling up to the interval. */
export const REPUBLISH_RETRY_MIN_MS = 2_000

/** A change to the record's content (addresses, mailboxes) is published after this quiet time. */
export const REPUBLISH_DEBOUNCE_MS = 500

/** How long the republisher waits for the previous record before choosing a sequence. */
export const REPUBLISH_LOOKUP_TIMEOUT_MS = 10_000


/** Default limits, with optional overrides per group. */
export function resolveLimits (overrides: PartialNetworkLimits = {}): NetworkLimits {
  return {
    connections: { ...DEFAULT_CONNECTION_LIMITS, ...overrides.connections },
    dht: { ...DEFAULT_DHT_LIMITS, ...overrides.dht },
    monitor: { ...DEFAULT_MONITOR_LIMITS, ...overrides.monitor },
    relay: { ...DEFAULT_RELAY_SERVICE_LIMITS, ...overrides.relay },
    reachability: { ...DEFAULT_REACHABILITY_LIMITS, ...overrides.reachability }
  }
}

export interface PartialNetworkLimits {
  connections?: Partial<ConnectionLimits>
  dht?: Partial<DhtLimits>
  monitor?: Partial<MonitorLimits>
  relay?: Partial<RelayServiceLimits>
  reachability?: Partial<ReachabilityLimits>
}
