/**
 * Which connection a murmur protocol stream uses (docs/network.md "Connections").
 *
 * A peer behind a NAT is first reached through a relay: the relayed connection is "limited"
 * (circuit relay v2 caps its bytes and duration), and libp2p's openConnection never reuses a
 * limited connection - it dials again, making a second relayed connection each time. So the
 * dm, bundle and mailbox protocols pick the connection themselves: a direct one when there is
 * one, else an unlimited relayed one, else a limited one, and only dial when none is open.
 * When a limited connection runs out, the relay closes it and the next stream dials anew.
 */
import { Circuit } from '@multiformats/multiaddr-matcher'
import { PeerNotFoundError } from './errors.js'
import type { AbortOptions, Connection, PeerId, Stream, StreamHandler, StreamHandlerOptions } from '@libp2p/interface'
import type { Multiaddr } from '@multiformats/multiaddr'

/** The parts of libp2p's ConnectionManager the murmur protocols use to reach a peer. */
export interface PeerConnections {
  getConnections(peerId?: PeerId): Connection[]
  openConnection(peer: PeerId | Multiaddr[], options?: AbortOptions): Promise<Connection>
}

/** The parts of libp2p's Registrar a murmur protocol service uses (dm, bundle, mailbox). */
export interface ProtocolRegistrar {
  handle(protocol: string, handler: StreamHandler, options?: StreamHandlerOptions): Promise<void>
  unhandle(protocol: string, options?: AbortOptions): Promise<void>
}

/** The part of libp2p's PeerStore the murmur protocols read: addresses known for a peer. */
export interface PeerAddresses {
  get(peerId: PeerId, options?: AbortOptions): Promise<{ addresses: Array<{ multiaddr: Multiaddr }> }>
}

/** How good a connection is for murmur's streams: higher is better, -1 when unusable. */
function rank (connection: Connection): number {
  if (connection.status !== 'open') return -1
  if (connection.limits == null) return connection.direct ? 3 : 2
  return 1
}

/** The best open connection among `connections` (see the module comment), or undefined. */
export function bestConnection (connections: Connection[]): Connection | undefined {
  let best: Connection | undefined
  let bestRank = 0
  for (const connection of connections) {
    const r = rank(connection)
    if (r > bestRank) {
      best = connection
      bestRank = r
    }
  }
  return best
}

/** Whether `connection` is open and direct: not through a relay (no /p2p-circuit in its address). */
export function isOpenDirect (connection: Connection): boolean {
  return connection.status === 'open' && !Circuit.matches(connection.remoteAddr)
}

/** Whether `connection` is limited (a relayed connection with a data or time cap). */
export function isLimited (connection: Connection): boolean {
  return connection.limits != null
}

export interface OpenStreamOptions extends AbortOptions {
  /**
   * Called with the connection when the stream's opening (protocol negotiation) has not been
   * answered after `afterMs`: the connection may be dead (the caller has it probed).
   */
  unanswered?: { afterMs: number, onUnanswered: (connection: Connection) => void }
}

/**
 * Opens `protocol` to `peer` on its best open connection, dialling the peer store's addresses
 * only when none is open. Relayed, limited connections are used too: every murmur protocol is
 * registered to run on them. A peer with no known address is PeerNotFoundError at once: libp2p
 * would otherwise run a DHT lookup inside the dial, bounded only by the caller's signal; who
 * wants a lookup does one first, with its own budget (src/messenger/reach.ts).
 */
export async function openStreamToPeer (connections: PeerConnections, peerStore: PeerAddresses, peer: PeerId, protocol: string, options: OpenStreamOptions = {}): Promise<Stream> {
  options.signal?.throwIfAborted()
  const { unanswered, ...abortOptions } = options
  let connection = bestConnection(connections.getConnections(peer))
  if (connection == null) {
    const known = await peerStore.get(peer, abortOptions).catch(() => ({ addresses: [] }))
    if (known.addresses.length === 0) throw new PeerNotFoundError(`no address known for ${peer.toString()}`)
    const id = peer.toString()
    const addresses = known.addresses.map(a => a.multiaddr.toString().includes(`/p2p/${id}`) ? a.multiaddr : a.multiaddr.encapsulate(`/p2p/${id}`))
    connection = await connections.openConnection(addresses, abortOptions)
  }
  const opening = connection.newStream(protocol, { ...abortOptions, runOnLimitedConnection: true })
  if (unanswered === undefined) return await opening
  // A connection whose path died without a word still says "open": the stream's negotiation
  // waits on it until the caller's timeout, and every retry picks the same connection again
  // until periodic pings give up on it. Its silence is the evidence to check it now.
  const on = connection
  const timer = setTimeout(() => { unanswered.onUnanswered(on) }, unanswered.afterMs)
  try {
    return await opening
  } finally {
    clearTimeout(timer)
  }
}
