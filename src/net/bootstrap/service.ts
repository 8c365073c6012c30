/**
 * The bootstrapper (DESIGN.md "Network and scale": a bootstrap list redialled while we have too
 * few peers). @libp2p/bootstrap dials its list once, a second after start; a node whose
 * bootstrap peer was down at that moment stayed alone. This service dials every bootstrap peer
 * at start and keeps redialling the ones not connected, each with its own exponential backoff,
 * while the node has fewer connections than `minConnections`. A peer that has not answered
 * `warnAfterMs` after start is reported once through a 'warning' event.
 */
import { serviceCapabilities, TypedEventEmitter } from '@libp2p/interface'
import { CODE_P2P } from '@multiformats/multiaddr'
import type { ComponentLogger, Connection, Logger, PeerId, PeerStore, Startable } from '@libp2p/interface'
import type { Multiaddr } from '@multiformats/multiaddr'
import type { BootstrapPeer } from './parse.js'

/** Bootstrap peers are kept when the connection manager prunes (tag value out of 100). */
export const BOOTSTRAP_TAG = 'murmur-bootstrap'
const BOOTSTRAP_TAG_VALUE = 50

export interface BootstrapperComponents {
  peerStore: PeerStore
  connectionManager: {
    getConnections(peerId?: PeerId): Connection[]
    openConnection(peer: Multiaddr, options?: { signal?: AbortSignal }): Promise<Connection>
  }
  logger: ComponentLogger
}

export interface BootstrapperInit {
  peers: BootstrapPeer[]
  minConnections: number
  initialBackoffMs: number
  maxBackoffMs: number
  warnAfterMs: number
  /** One dial, in ms. */
  dialTimeoutMs: number
}

export interface BootstrapPeerStatus {
  peerId: string
  address: string
  connected: boolean
  attempts: number
  lastError?: string
}

export interface BootstrapperEvents {
  /** A bootstrap peer did not answer in time; `message` says which and why. */
  warning: CustomEvent<{ message: string, address: string }>
}

export interface Bootstrapper extends TypedEventEmitter<BootstrapperEvents> {
  status(): BootstrapPeerStatus[]
}

interface PeerState extends BootstrapPeer {
  attempts: number
  backoffMs: number
  nextAttemptAt: number
  dialing: boolean
  everConnected: boolean
  warned: boolean
  lastError?: string
}

class DefaultBootstrapper extends TypedEventEmitter<BootstrapperEvents> implements Bootstrapper, Startable {
  readonly [Symbol.toStringTag] = '@murmur/bootstrap'
  readonly [serviceCapabilities]: string[] = ['@murmur/bootstrap']
  private readonly components: BootstrapperComponents
  private readonly init: BootstrapperInit
  private readonly log: Logger
  private readonly peers: PeerState[]
  private timer: ReturnType<typeof setTimeout> | undefined
  private controller = new AbortController()
  private startedAt = 0

  constructor (components: BootstrapperComponents, init: BootstrapperInit) {
    super()
    this.components = components
    this.init = init
    this.log = components.logger.forComponent('murmur:net:bootstrap')
    this.peers = init.peers.map(p => ({ ...p, attempts: 0, backoffMs: init.initialBackoffMs, nextAttemptAt: 0, dialing: false, everConnected: false, warned: false }))
  }

  async start (): Promise<void> {
    this.controller = new AbortController()
    this.startedAt = Date.now()
    for (const peer of this.peers) {
      await this.components.peerStore.merge(peer.peerId, {
        multiaddrs: [peer.address.decapsulateCode(CODE_P2P)],
        tags: { [BOOTSTRAP_TAG]: { value: BOOTSTRAP_TAG_VALUE } }
      })
    }
  }

  /** The first round runs after libp2p has started (transports listen, services run). */
  afterStart (): void {
    if (this.peers.length > 0) this.tick()
  }

  async stop (): Promise<void> {
    this.controller.abort()
    clearTimeout(this.timer)
  }

  status (): BootstrapPeerStatus[] {
    return this.peers.map(p => ({
      peerId: p.peerId.toString(),
      address: p.address.toString(),
      connected: this.components.connectionManager.getConnections(p.peerId).length > 0,
      attempts: p.attempts,
      ...(p.lastError !== undefined ? { lastError: p.lastError } : {})
    }))
  }

  private tick (): void {
    if (this.controller.signal.aborted) return
    const now = Date.now()
    const connections = this.components.connectionManager.getConnections()
    const tooFew = new Set(connections.map(c => c.remotePeer.toString())).size < this.init.minConnections
    for (const peer of this.peers) {
      const connected = this.components.connectionManager.getConnections(peer.peerId).length > 0
      if (connected) {
        peer.everConnected = true
        peer.backoffMs = this.init.initialBackoffMs
        continue
      }
      // The first round dials every peer; later rounds only while the node is short of peers.
      if (peer.dialing || peer.nextAttemptAt > now || (peer.attempts > 0 && !tooFew)) continue
      void this.dial(peer)
    }
    this.warnSilentPeers(now)
    this.timer = setTimeout(() => { this.tick() }, this.init.initialBackoffMs)
    this.timer.unref?.()
  }

  private async dial (peer: PeerState): Promise<void> {
    peer.dialing = true
    peer.attempts++
    try {
      const signal = AbortSignal.any([this.controller.signal, AbortSignal.timeout(this.init.dialTimeoutMs)])
      await this.components.connectionManager.openConnection(peer.address, { signal })
      peer.everConnected = true
      peer.backoffMs = this.init.initialBackoffMs
      delete peer.lastError
      this.log('connected to bootstrap peer %p', peer.peerId)
    } catch (err) {
      if (this.controller.signal.aborted) return
      peer.lastError = (err as Error).message
      // Full jitter keeps many nodes that lost the same bootstrap peer from redialling in step.
      peer.nextAttemptAt = Date.now() + Math.round(peer.backoffMs * (0.5 + Math.random() / 2))
      peer.backoffMs = Math.min(this.init.maxBackoffMs, peer.backoffMs * 2)
      this.log('bootstrap peer %p not reached (attempt %d) - %s', peer.peerId, peer.attempts, peer.lastError)
    } finally {
      peer.dialing = false
    }
  }

  private warnSilentPeers (now: number): void {
    if (now - this.startedAt < this.init.warnAfterMs) return
    for (const peer of this.peers) {
      if (peer.everConnected || peer.warned) continue
      peer.warned = true
      const address = peer.address.toString()
      const why = peer.lastError !== undefined ? `: ${peer.lastError}` : ''
      this.safeDispatchEvent('warning', {
        detail: { address, message: `bootstrap peer ${address} has not answered after ${Math.round((now - this.startedAt) / 1000)} s${why}; still retrying` }
      })
    }
  }
}

export function bootstrapper (init: BootstrapperInit): (components: BootstrapperComponents) => Bootstrapper {
  return (components) => new DefaultBootstrapper(components, init)
}
