/**
 * Hole punching (DESIGN.md "Reachability"; docs/network.md "Hole punching").
 *
 * Two nodes behind NATs first talk through a relay. When a relayed connection arrives, the node
 * that was dialled (B) tries to replace it with a direct one:
 * 1. unilaterally, when the dialler (A) has a public address: B dials it;
 * 2. else by a TCP simultaneous open, with DCUtR's exchange (libp2p/specs relay/DCUtR.md) over
 *    the relayed connection: B sends CONNECT with the address it will dial from, A answers
 *    CONNECT with its own, B sends SYNC and waits half the round trip, then both dial each
 *    other at once. Each side's SYN opens its own NAT for the other's.
 *
 * Why not @libp2p/dcutr: on Node 20 a dial cannot leave from the listening port (no
 * SO_REUSEPORT), so libp2p drops observed TCP addresses and DCUtR has none to offer; it punches
 * nothing over TCP. Here each attempt dials from a fresh local port whose number it announces,
 * with the public IP that peers observed: a NAT that keeps source ports (as Linux masquerade
 * and most home routers do) maps it to the same port, so the announced address is right. A NAT
 * that picks random ports defeats this, and the peers stay on the relay (still working).
 */
import { setTimeout as delay } from 'node:timers/promises'
import { serviceCapabilities, TypedEventEmitter } from '@libp2p/interface'
import { isPrivate, pbStream } from '@libp2p/utils'
import { multiaddr, type Multiaddr } from '@multiformats/multiaddr'
import { Circuit, TCP } from '@multiformats/multiaddr-matcher'
import { isOpenDirect } from '../connections.js'
import { HolePunch } from '../../wire/holepunch.js'
import { HOLE_PUNCH_PROTOCOL, MAX_HOLE_PUNCH_ADDRS, MAX_HOLE_PUNCH_MESSAGE_BYTES, MAX_OBSERVED_IPS, RELAYED_CLOSE_GRACE_MS } from './constants.js'
import { HolePunchFailedError } from './errors.js'
import { dialWithin } from './dial.js'
import { reservePort } from './ports.js'
import type {
  AbortOptions, ComponentLogger, Connection, IdentifyResult, Libp2pEvents, Logger, MultiaddrConnection, PeerId, PeerStore, Startable,
  Stream, StreamHandler, StreamHandlerOptions, Transport, TypedEventTarget, Upgrader
} from '@libp2p/interface'

export interface HolePunchComponents {
  peerId: PeerId
  registrar: {
    handle(protocol: string, handler: StreamHandler, options?: StreamHandlerOptions): Promise<void>
    unhandle(protocol: string): Promise<void>
  }
  connectionManager: {
    getConnections(peerId?: PeerId): Connection[]
    openConnection(peer: Multiaddr[], options?: AbortOptions & { force?: boolean }): Promise<Connection>
  }
  transportManager: {
    dialTransportForMultiaddr(ma: Multiaddr): Transport | undefined
    /** The addresses we listen on, wildcards expanded to each interface's. */
    getAddrs(): Multiaddr[]
  }
  upgrader: Upgrader
  peerStore: PeerStore
  events: TypedEventTarget<Libp2pEvents>
  logger: ComponentLogger
}

export interface HolePunchInit {
  /** One attempt (exchange and dial), in ms. */
  timeoutMs: number
  /** Simultaneous-open attempts per relayed connection. */
  attempts: number
}

export interface HolePunchOutcome {
  peerId: string
  /** 'direct': a direct connection replaced the relayed one; 'failed': it stays relayed. */
  outcome: 'direct' | 'failed'
  method?: 'unilateral' | 'simultaneous-open'
  /** From the relayed connection's arrival to the direct connection (or the last failure). */
  ms: number
  error?: string
}

export interface HolePunchEvents {
  punch: CustomEvent<HolePunchOutcome>
}

export interface HolePunchService extends TypedEventEmitter<HolePunchEvents> {
  /** The last outcome with `peerId`, if a punch was tried. */
  outcome(peerId: string): HolePunchOutcome | undefined
}

class DefaultHolePunchService extends TypedEventEmitter<HolePunchEvents> implements HolePunchService, Startable {
  readonly [Symbol.toStringTag] = '@murmur/holepunch'
  readonly [serviceCapabilities]: string[] = ['@murmur/holepunch']
  private readonly components: HolePunchComponents
  private readonly init: HolePunchInit
  private readonly log: Logger
  /** Our public IPs as peers on direct connections observed them, newest last. */
  private readonly observedIps: string[] = []
  private readonly outcomes = new Map<string, HolePunchOutcome>()
  private readonly punching = new Set<string>()
  private started = false

  constructor (components: HolePunchComponents, init: HolePunchInit) {
    super()
    this.components = components
    this.init = init
    this.log = components.logger.forComponent('murmur:net:holepunch')
    this.onConnectionOpen = this.onConnectionOpen.bind(this)
    this.onIdentify = this.onIdentify.bind(this)
    this.handleStream = this.handleStream.bind(this)
  }

  async start (): Promise<void> {
    await this.components.registrar.handle(HOLE_PUNCH_PROTOCOL, this.handleStream, {
      runOnLimitedConnection: true,
      maxInboundStreams: 2,
      maxOutboundStreams: 2
    })
    this.components.events.addEventListener('connection:open', this.onConnectionOpen)
    this.components.events.addEventListener('peer:identify', this.onIdentify)
    this.started = true
  }

  async stop (): Promise<void> {
    this.started = false
    this.components.events.removeEventListener('connection:open', this.onConnectionOpen)
    this.components.events.removeEventListener('peer:identify', this.onIdentify)
    await this.components.registrar.unhandle(HOLE_PUNCH_PROTOCOL)
  }

  outcome (peerId: string): HolePunchOutcome | undefined {
    return this.outcomes.get(peerId)
  }

  /** Peers on direct connections tell us which public IP our NAT gives us (identify). */
  private onIdentify (event: CustomEvent<IdentifyResult>): void {
    const { observedAddr, connection } = event.detail
    if (observedAddr == null || Circuit.matches(connection.remoteAddr) || isPrivate(observedAddr)) return
    const host = observedAddr.getComponents()[0]
    if (host?.name !== 'ip4' || host.value == null) return
    const index = this.observedIps.indexOf(host.value)
    if (index >= 0) this.observedIps.splice(index, 1)
    this.observedIps.push(host.value)
    if (this.observedIps.length > MAX_OBSERVED_IPS) this.observedIps.shift()
  }

  private onConnectionOpen (event: CustomEvent<Connection>): void {
    const connection = event.detail
    this.log.trace('connection %s %a', connection.direction, connection.remoteAddr)
    if (connection.direction !== 'inbound' || !Circuit.matches(connection.remoteAddr)) return
    const peerId = connection.remotePeer.toString()
    if (this.punching.has(peerId)) return
    this.punching.add(peerId)
    void this.upgrade(connection).finally(() => { this.punching.delete(peerId) })
  }

  private hasDirect (peer: PeerId): boolean {
    return this.components.connectionManager.getConnections(peer).some(isOpenDirect)
  }

  /** B's side: replace the relayed `connection` by a direct one if the NATs allow it. */
  private async upgrade (relayed: Connection): Promise<void> {
    const peer = relayed.remotePeer
    const startedAt = Date.now()
    let lastError: Error | undefined
    try {
      if (this.hasDirect(peer)) return
      const direct = await this.unilateral(peer)
      if (direct != null) {
        this.succeed(relayed, 'unilateral', startedAt)
        return
      }
      for (let attempt = 1; attempt <= this.init.attempts && this.started; attempt++) {
        if (relayed.status !== 'open' || this.hasDirect(peer)) return
        try {
          await this.initiate(relayed)
          this.succeed(relayed, 'simultaneous-open', startedAt)
          return
        } catch (err) {
          lastError = err as Error
          this.log('punch to %p, attempt %d: %s', peer, attempt, lastError.message)
          if (lastError instanceof HolePunchFailedError && lastError.reason !== 'dial') break
        }
      }
    } catch (err) {
      lastError = err as Error
    }
    if (this.hasDirect(peer)) return
    const outcome: HolePunchOutcome = { peerId: peer.toString(), outcome: 'failed', ms: Date.now() - startedAt, ...(lastError != null ? { error: lastError.message } : {}) }
    this.outcomes.set(outcome.peerId, outcome)
    this.safeDispatchEvent('punch', { detail: outcome })
  }

  private succeed (relayed: Connection, method: HolePunchOutcome['method'], startedAt: number): void {
    const outcome: HolePunchOutcome = { peerId: relayed.remotePeer.toString(), outcome: 'direct', method, ms: Date.now() - startedAt }
    this.outcomes.set(outcome.peerId, outcome)
    this.log('direct connection to %p by %s after %d ms', relayed.remotePeer, method, outcome.ms)
    this.safeDispatchEvent('punch', { detail: outcome })
    // Streams still on the relayed connection finish; new ones take the direct connection.
    setTimeout(() => { relayed.close().catch(() => {}) }, RELAYED_CLOSE_GRACE_MS).unref?.()
  }

  /** The dialler has a public address: dial it. */
  private async unilateral (peer: PeerId): Promise<Connection | undefined> {
    const known = await this.components.peerStore.get(peer).catch(() => undefined)
    const targets = (known?.addresses ?? [])
      .map(a => a.multiaddr)
      .filter(a => !Circuit.matches(a) && !isPrivate(a))
      .map(a => a.encapsulate(`/p2p/${peer.toString()}`))
    if (targets.length === 0) return undefined
    try {
      const connection = await this.components.connectionManager.openConnection(targets, {
        signal: AbortSignal.timeout(this.init.timeoutMs),
        force: true
      })
      return Circuit.matches(connection.remoteAddr) ? undefined : connection
    } catch (err) {
      this.log('unilateral upgrade to %p failed - %s', peer, (err as Error).message)
      return undefined
    }
  }

  /**
   * The addresses this attempt dials from, with a fresh port: our global IPv6 addresses first
   * (not translated: a stateful firewall lets the peer's SYN in once ours went out, whatever
   * the IPv4 NAT does), then each public IPv4 address peers observed.
   */
  private async ownAddresses (): Promise<{ port: number, addrs: Multiaddr[] }> {
    const ipv6 = globalIpv6(this.components.transportManager.getAddrs())
    if (this.observedIps.length === 0 && ipv6.length === 0) {
      throw new HolePunchFailedError('no-public-ip', 'no peer has told us our public IP yet, and we have no global IPv6 address')
    }
    const port = await reservePort()
    const addrs = [
      ...ipv6.map(ip => multiaddr(`/ip6/${ip}/tcp/${port}`)),
      ...[...this.observedIps].reverse().map(ip => multiaddr(`/ip4/${ip}/tcp/${port}`))
    ].slice(0, MAX_HOLE_PUNCH_ADDRS)
    return { port, addrs }
  }

  /** B's side of one attempt: CONNECT, CONNECT, SYNC, then dial as the Noise responder. */
  private async initiate (relayed: Connection): Promise<Connection> {
    const endsAt = Date.now() + this.init.timeoutMs
    const signal = AbortSignal.timeout(this.init.timeoutMs)
    const { port, addrs } = await this.ownAddresses()
    let stream: Stream | undefined
    try {
      stream = await relayed.newStream(HOLE_PUNCH_PROTOCOL, { signal, runOnLimitedConnection: true })
      const messages = pbStream(stream, { maxDataLength: MAX_HOLE_PUNCH_MESSAGE_BYTES }).pb(HolePunch)
      const sentAt = Date.now()
      await messages.write({ type: HolePunch.Type.CONNECT, addrs: addrs.map(a => a.bytes) }, { signal })
      const answer = await messages.read({ signal })
      const rtt = Date.now() - sentAt
      if (answer.type !== HolePunch.Type.CONNECT) throw new HolePunchFailedError('protocol', 'expected CONNECT')
      const theirs = dialableAddrs(answer.addrs)
      if (theirs.length === 0) throw new HolePunchFailedError('protocol', 'the peer offered no public TCP address')
      this.log('punch to %p: offered %s, dialling %s', relayed.remotePeer, addrs.map(String).join(' '), theirs.map(String).join(' '))
      await messages.write({ type: HolePunch.Type.SYNC, addrs: [] }, { signal })
      await stream.close({ signal }).catch(() => {})
      // A dials when SYNC arrives, half a round trip from now: dial then too.
      await delay(rtt / 2, undefined, { signal })
      return await this.dialFrom(relayed.remotePeer, theirs, port, false, signal, endsAt)
    } catch (err) {
      stream?.abort(err as Error)
      if (err instanceof HolePunchFailedError) throw err
      throw new HolePunchFailedError('dial', (err as Error).message, { cause: err })
    }
  }

  /** A's side of one attempt. */
  private async handleStream (stream: Stream, connection: Connection): Promise<void> {
    const endsAt = Date.now() + this.init.timeoutMs
    const signal = AbortSignal.timeout(this.init.timeoutMs)
    try {
      // Only over a relayed connection: a direct one needs no punching.
      if (!Circuit.matches(connection.remoteAddr)) throw new HolePunchFailedError('protocol', 'not a relayed connection')
      const messages = pbStream(stream, { maxDataLength: MAX_HOLE_PUNCH_MESSAGE_BYTES }).pb(HolePunch)
      const connect = await messages.read({ signal })
      if (connect.type !== HolePunch.Type.CONNECT) throw new HolePunchFailedError('protocol', 'expected CONNECT')
      const theirs = dialableAddrs(connect.addrs)
      if (theirs.length === 0) throw new HolePunchFailedError('protocol', 'the peer offered no public TCP address')
      const { port, addrs } = await this.ownAddresses()
      await messages.write({ type: HolePunch.Type.CONNECT, addrs: addrs.map(a => a.bytes) }, { signal })
      this.log('punch with %p (dialler side): offered %s, dialling %s', connection.remotePeer, addrs.map(String).join(' '), theirs.map(String).join(' '))
      const sync = await messages.read({ signal })
      if (sync.type !== HolePunch.Type.SYNC) throw new HolePunchFailedError('protocol', 'expected SYNC')
      await stream.close({ signal }).catch(() => {})
      await this.dialFrom(connection.remotePeer, theirs, port, true, signal, endsAt)
      this.log('direct connection to %p by simultaneous open (dialler side)', connection.remotePeer)
    } catch (err) {
      this.log('punch with %p (dialler side) failed - %s', connection.remotePeer, (err as Error).message)
      stream.abort(err as Error)
    }
  }

  /**
   * Dials `peer` at each of `addrs` in turn from local `port` (one socket can hold the port at
   * a time). Both peers dial and one TCP connection forms, which both ends see as outgoing: the
   * `initiator` runs Noise as initiator and Yamux as client, the other end as responder and
   * server. libp2p decides Yamux's role from the socket's direction and its connection manager
   * drops a dial's local port, so the dial goes to the TCP transport itself, and on the
   * responder's side through an upgrader that marks the socket as incoming.
   */
  private async dialFrom (peer: PeerId, addrs: Multiaddr[], port: number, initiator: boolean, signal: AbortSignal, endsAt: number): Promise<Connection> {
    let lastError: Error | undefined
    // IPv6 first on both ends (as both offer it first), then IPv4: the two dial the same family
    // at about the same time. Each address gets an equal share of what is left of the attempt to
    // connect, so a family whose SYNs are dropped (a peer whose IPv6 goes nowhere) cannot take
    // it all; once connected, the upgrade (Noise, Yamux) has the rest of the attempt, which a
    // busy machine needs.
    const ordered = [...addrs.filter(a => a.getComponents()[0]?.name === 'ip6'), ...addrs.filter(a => a.getComponents()[0]?.name !== 'ip6')]
    for (const [i, addr] of ordered.entries()) {
      if (signal.aborted) break
      const target = addr.encapsulate(`/p2p/${peer.toString()}`)
      const transport = this.components.transportManager.dialTransportForMultiaddr(target)
      if (transport == null) continue
      try {
        const upgrader = initiator ? this.components.upgrader : responderUpgrader(this.components.upgrader)
        // `localPort` reaches net.connect through the TCP transport's dial options; the
        // attempt's deadline bounds the dial only, not the connection (dial.ts).
        const share = Math.max(1, (endsAt - Date.now()) / (ordered.length - i))
        return await dialWithin(transport, target, { localPort: port, upgrader }, signal, share)
      } catch (err) {
        lastError = err as Error
      }
    }
    throw new HolePunchFailedError('dial', lastError?.message ?? 'no address answered', { cause: lastError })
  }
}

/**
 * The responder's upgrader for a simultaneous open: the outgoing socket is upgraded as an
 * incoming one (Noise responder, Yamux server), so the two ends take opposite roles.
 */
function responderUpgrader (upgrader: Upgrader): Upgrader {
  return new Proxy(upgrader, {
    get (target, property, receiver) {
      if (property === 'upgradeOutbound') {
        return async (maConn: MultiaddrConnection, options: Parameters<Upgrader['upgradeOutbound']>[1]) => {
          (maConn as { direction: 'inbound' | 'outbound' }).direction = 'inbound'
          return await target.upgradeOutbound(maConn, { ...options, initiator: false })
        }
      }
      const value = Reflect.get(target, property, receiver)
      return typeof value === 'function' ? value.bind(target) : value
    }
  })
}

/** The global IPv6 addresses among our TCP listen addresses (not loopback, link-local or unique-local). */
function globalIpv6 (listening: Multiaddr[]): string[] {
  const ips = new Set<string>()
  for (const ma of listening) {
    const host = ma.getComponents()[0]
    if (host?.name === 'ip6' && host.value != null && TCP.exactMatch(ma) && isPrivate(ma) !== true) ips.add(host.value)
  }
  return [...ips]
}

/** Public TCP addresses among `bytes`, at most MAX_HOLE_PUNCH_ADDRS; the rest is ignored. */
function dialableAddrs (bytes: Uint8Array[]): Multiaddr[] {
  const out: Multiaddr[] = []
  for (const b of bytes.slice(0, MAX_HOLE_PUNCH_ADDRS)) {
    try {
      const ma = multiaddr(b)
      if (TCP.exactMatch(ma) && !isPrivate(ma)) out.push(ma)
    } catch {
      // Not a multiaddr: ignored, like any address we could not dial.
    }
  }
  return out
}

export function holePunch (init: HolePunchInit): (components: HolePunchComponents) => HolePunchService {
  return (components) => new DefaultHolePunchService(components, init)
}
