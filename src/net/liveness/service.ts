/**
 * Connection liveness (docs/network.md "Connection liveness"; docs/benchmarks.md "The reach
 * benchmark"): pings every open connection with its muxer's own ping (a yamux ping frame) and
 * aborts one only after `maxFailures` pings in a row have failed.
 *
 * It replaces libp2p's connection monitor, which aborts a connection at its first failed ping
 * and starts a new ping every interval whether or not the last one has ended. On a busy node
 * the pings piled up past the remote's limit on ping streams (which then reset them), one slow
 * or reset ping killed a healthy connection, and every peer had to be dialled again (a Noise
 * handshake each): in the reach benchmark every connection abort came from that monitor, about
 * 30 per node per minute, and the redials were a good part of what kept the nodes busy. Here a
 * connection has at most one ping in flight, and a dead one is still closed within
 * `maxFailures` intervals (plus the ping timeout).
 *
 * A yamux ping is one 12-byte frame each way (yamux spec, "Ping" type), answered by the remote's
 * muxer: no stream to open, no protocol to negotiate, no handler to run, where a `/ipfs/ping`
 * ping costs a stream, a multistream-select round and 32 random bytes on both ends. It proves
 * what liveness needs, that the remote reads and answers on this connection.
 *
 * A connection can also be probed out of turn (probe()): when a dm stream on it has gone
 * unanswered (src/net/dm/silence.ts), a path that silently died (a relay whose host dropped
 * off the network, a router that lost its state) is found within one short ping instead of
 * `maxFailures` intervals, and the next attempt dials a live path (docs/network.md,
 * "Connection liveness").
 */
import { setMaxListeners } from 'node:events'
import { ConnectionClosedError, serviceCapabilities } from '@libp2p/interface'
import { AdaptiveTimeout } from '@libp2p/utils'
import { isOpenDirect } from '../connections.js'
import { relayOf } from '../reachability/classify.js'
import type { AbortOptions, ComponentLogger, Connection, Libp2pEvents, Logger, PeerId, Startable, TypedEventTarget } from '@libp2p/interface'

/**
 * The part of a connection's muxer liveness uses. libp2p's connection holds its muxer but its
 * public type does not show it; yamux (@chainsafe/libp2p-yamux, the only muxer murmur runs)
 * has `ping`.
 */
interface PingingMuxer {
  status: string
  ping: (options?: AbortOptions) => Promise<number>
}

function muxerOf (connection: Connection): PingingMuxer | undefined {
  return (connection as unknown as { muxer?: PingingMuxer }).muxer
}

/** Errors that mean the connection itself can carry no stream any more, whatever it reports. */
const CLOSED_ERRORS = new Set(['ConnectionClosedError', 'MuxerClosedError'])

export interface LivenessComponents {
  connectionManager: { getConnections(peerId?: PeerId): Connection[] }
  events: TypedEventTarget<Libp2pEvents>
  logger: ComponentLogger
}

export interface LivenessInit {
  intervalMs: number
  /** Bounds of the adaptive ping timeout (libp2p's AdaptiveTimeout), in ms. */
  minTimeoutMs: number
  maxTimeoutMs: number
  /** Consecutive failed pings after which a connection is aborted. */
  maxFailures: number
  /** A probed connection whose ping is not answered within this is aborted (ms). */
  probeTimeoutMs: number
  /**
   * Whether a connection carries our own reachability: the connections to the relays that hold
   * a reservation for us. One failed periodic ping on such a connection has every open
   * connection probed at once (see check()).
   */
  carriesReachability?: (connection: Connection) => boolean
}

export interface LivenessStats {
  pings: number
  failures: number
  /** Connections probed out of turn (probe()). */
  probes: number
  /** Connections aborted as dead. */
  aborted: number
}

export interface Liveness {
  stats(): LivenessStats
  /**
   * Pings `connection` now, out of turn, and aborts it if the ping is not answered within
   * probeTimeoutMs; the peer's other connections are probed too (the path that died, a home
   * router that lost its state, carries them all), and a relayed connection's connections to
   * its relay (the relay's own path may be the one that died). Once per connection at a time;
   * never throws.
   */
  probe(connection: Connection): void
}

class DefaultLiveness implements Liveness, Startable {
  readonly [Symbol.toStringTag] = '@murmur/liveness'
  readonly [serviceCapabilities]: string[] = ['@murmur/liveness']
  private readonly components: LivenessComponents
  private readonly init: LivenessInit
  private readonly log: Logger
  private readonly timeout: AdaptiveTimeout
  /** Consecutive failures per connection; a connection is in `inFlight` while its ping runs. */
  private readonly failures = new WeakMap<Connection, number>()
  private readonly inFlight = new WeakSet<Connection>()
  private readonly probing = new WeakSet<Connection>()
  private readonly counts: LivenessStats = { pings: 0, failures: 0, probes: 0, aborted: 0 }
  private timer: ReturnType<typeof setInterval> | undefined
  private controller = new AbortController()

  constructor (components: LivenessComponents, init: LivenessInit) {
    this.components = components
    this.init = init
    this.log = components.logger.forComponent('murmur:net:liveness')
    this.timeout = new AdaptiveTimeout({ minTimeout: init.minTimeoutMs, maxTimeout: init.maxTimeoutMs })
  }

  start (): void {
    this.controller = new AbortController()
    setMaxListeners(Infinity, this.controller.signal)
    this.timer = setInterval(() => { this.round() }, this.init.intervalMs)
    this.timer.unref?.()
    this.components.events.addEventListener('connection:open', this.onConnectionOpen)
  }

  stop (): void {
    this.controller.abort()
    clearInterval(this.timer)
    this.components.events.removeEventListener('connection:open', this.onConnectionOpen)
  }

  /**
   * A peer that dials us again while we hold a direct connection to it, or that we dial again,
   * may have lost the old one without a word: a home router that rebooted forgot the old
   * connection's mapping, and the home reconnects (and takes its relay reservation again) over a
   * new one. The old one still says "open", and libp2p's relay server sends every relayed
   * connection for that peer over its first connection, the dead one, until periodic pings give
   * up on it (30 s and more). The new connection is the evidence to check the older ones now.
   */
  private readonly onConnectionOpen = (event: CustomEvent<Connection>): void => {
    const fresh = event.detail
    if (!isOpenDirect(fresh)) return
    for (const c of this.components.connectionManager.getConnections(fresh.remotePeer)) {
      if (c !== fresh && isOpenDirect(c) && c.timeline.open < fresh.timeline.open) this.probeOne(c)
    }
  }

  stats (): LivenessStats {
    return { ...this.counts }
  }

  probe (connection: Connection): void {
    const relay = relayOf(connection.remoteAddr)
    const relayConnections = relay === undefined
      ? []
      : this.components.connectionManager.getConnections().filter(c => c.remotePeer.toString() === relay && isOpenDirect(c))
    const peerConnections = this.components.connectionManager.getConnections(connection.remotePeer)
    for (const c of new Set([connection, ...peerConnections, ...relayConnections])) this.probeOne(c)
  }

  private probeOne (c: Connection): void {
    if (c.status !== 'open' || this.probing.has(c) || this.controller.signal.aborted) return
    this.probing.add(c)
    this.counts.probes++
    void this.checkNow(c).finally(() => { this.probing.delete(c) })
  }

  /** One ping within probeTimeoutMs; unanswered, the connection is aborted. */
  private async checkNow (connection: Connection): Promise<void> {
    try {
      await openMuxer(connection).ping({ signal: AbortSignal.any([this.controller.signal, AbortSignal.timeout(this.init.probeTimeoutMs)]) })
    } catch (err) {
      if (this.controller.signal.aborted || connection.status !== 'open') return
      this.counts.failures++
      this.abortDead(connection, err, 'a probe found it silent')
    }
  }

  private round (): void {
    for (const connection of this.components.connectionManager.getConnections()) {
      if (connection.status !== 'open' || this.inFlight.has(connection)) continue
      this.inFlight.add(connection)
      void this.check(connection).finally(() => { this.inFlight.delete(connection) })
    }
  }

  private async check (connection: Connection): Promise<void> {
    this.counts.pings++
    try {
      await this.ping(connection)
      this.failures.delete(connection)
    } catch (err) {
      if (this.controller.signal.aborted || connection.status !== 'open') return
      this.counts.failures++
      if (CLOSED_ERRORS.has((err as Error).name)) {
        // The connection says "open" but its muxer has closed (seen after an AutoNAT dial-back
        // over WebSockets): no stream can ever open on it, and while it stays listed every dial
        // to that peer is answered with it. Waiting for more failures would leave the peer
        // unreachable for maxFailures intervals; libp2p's monitor aborted it at once too.
        this.abortDead(connection, err, 'its muxer is closed')
        return
      }
      const failures = (this.failures.get(connection) ?? 0) + 1
      this.failures.set(connection, failures)
      this.log('ping %d of %d to %p failed - %e', failures, this.init.maxFailures, connection.remotePeer, err)
      if (failures >= this.init.maxFailures) {
        this.abortDead(connection, err, `${failures} pings in a row failed`)
      } else if (this.init.carriesReachability?.(connection) === true) {
        // Our relay went silent: most likely our own path died (a home router that rebooted or
        // was renumbered forgets every connection through it), and with it every connection we
        // hold. Waiting for maxFailures pings, each with a timeout that grows after a failure,
        // left a home unreachable, its reservation dead, for ~100 s in the NAT testbed. One
        // short ping per connection finds out now; those that answer stay.
        this.log('a ping to %p, which holds our reservation, failed: probing every connection', connection.remotePeer)
        for (const c of this.components.connectionManager.getConnections()) this.probeOne(c)
      }
    }
  }

  private abortDead (connection: Connection, err: unknown, why: string): void {
    this.counts.aborted++
    this.log('aborting the connection to %p: %s - %e', connection.remotePeer, why, err)
    connection.abort(err as Error)
  }

  private async ping (connection: Connection): Promise<void> {
    const muxer = openMuxer(connection)
    const signal = this.timeout.getTimeoutSignal({ signal: this.controller.signal })
    try {
      await muxer.ping({ signal })
    } finally {
      this.timeout.cleanUp(signal)
    }
  }
}

/** The connection's muxer; ConnectionClosedError when it is not open (a connection can say "open" while its muxer has closed under it: nothing will answer). */
function openMuxer (connection: Connection): PingingMuxer {
  const muxer = muxerOf(connection)
  if (muxer === undefined || muxer.status !== 'open') throw new ConnectionClosedError(`the connection's muxer is ${muxer?.status ?? 'missing'}`)
  return muxer
}

export function liveness (init: LivenessInit): (components: LivenessComponents) => Liveness {
  return (components) => new DefaultLiveness(components, init)
}
