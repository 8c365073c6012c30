/**
 * The reachability service (DESIGN.md "Reachability"; docs/network.md "Reachability").
 *
 * It watches the addresses libp2p announces for this node and says how the node can be
 * reached (classify.ts). When the node is not publicly reachable it takes circuit relay v2
 * reservations itself - at the relays its owner chose (its mailboxes, which trust it) first,
 * else at publicly reachable peers it knows that serve relays - so that its announced
 * addresses, its contact record and identify pushes carry /p2p-circuit addresses.
 *
 * Why not libp2p's '/p2p-circuit' listen address: it reserves at whatever relay it meets first,
 * whether or not the node is reachable already, and cannot prefer the owner's relays.
 */
import { serviceCapabilities, TypedEventEmitter } from '@libp2p/interface'
import { isPrivate } from '@libp2p/utils'
import { multiaddr, type Multiaddr } from '@multiformats/multiaddr'
import { Circuit } from '@multiformats/multiaddr-matcher'
import { isOpenDirect } from '../connections.js'
import { classify, type ReachabilityView } from './classify.js'
import type { ComponentLogger, Connection, IdentifyResult, Libp2pEvents, Logger, PeerId, PeerStore, Startable, TypedEventTarget } from '@libp2p/interface'
import type { AddressManager, TransportManager } from '@libp2p/interface-internal'

/** circuit relay v2's HOP protocol: a peer that speaks it may serve reservations. */
const RELAY_HOP_PROTOCOL = '/libp2p/circuit/relay/0.2.0/hop'

/** A relay this node's owner chose (a mailbox): tried before any other. */
export interface PreferredRelay {
  peerId: string
  addresses: string[]
}

export interface ReachabilityComponents {
  peerId: PeerId
  addressManager: AddressManager
  transportManager: TransportManager
  connectionManager: { getConnections(peerId?: PeerId): Connection[] }
  peerStore: PeerStore
  events: TypedEventTarget<Libp2pEvents>
  logger: ComponentLogger
}

export interface ReachabilityInit {
  maxReservations: number
  reservationTimeoutMs: number
  autonatGraceMs: number
  checkIntervalMs: number
  /** The owner's relays, best first; asked at every evaluation. */
  preferredRelays?: () => Promise<PreferredRelay[]>
  /** Take relay reservations when not publicly reachable. Default true. */
  reserve?: boolean
}

export interface ReachabilityEvents {
  /** How the node can be reached changed (mode, addresses or relays). */
  change: CustomEvent<ReachabilityView>
}

export interface Reachability extends TypedEventEmitter<ReachabilityEvents> {
  /** How the node can be reached now. */
  view(): ReachabilityView
  /** Evaluate now (e.g. after the owner added a relay). Resolves when reservations were tried. */
  refresh(): Promise<void>
}

/** A relay that refused or failed is left alone for this long, doubling up to the maximum. */
const RELAY_RETRY_MIN_MS = 5_000
const RELAY_RETRY_MAX_MS = 30 * 60_000

class DefaultReachability extends TypedEventEmitter<ReachabilityEvents> implements Reachability, Startable {
  readonly [Symbol.toStringTag] = '@murmur/reachability'
  readonly [serviceCapabilities]: string[] = ['@murmur/reachability']
  private readonly components: ReachabilityComponents
  private readonly init: ReachabilityInit
  private readonly log: Logger
  private readonly retryAt = new Map<string, { at: number, backoffMs: number }>()
  private reservationError: { relay: string, reason: string } | undefined
  private last = ''
  private startedAt = 0
  private timer: ReturnType<typeof setInterval> | undefined
  private evaluating: Promise<void> | undefined
  private again = false
  private started = false

  constructor (components: ReachabilityComponents, init: ReachabilityInit) {
    super()
    this.components = components
    this.init = init
    this.log = components.logger.forComponent('murmur:net:reachability')
    this.onChange = this.onChange.bind(this)
    this.onIdentify = this.onIdentify.bind(this)
    this.onConnectionClose = this.onConnectionClose.bind(this)
  }

  start (): void {
    this.started = true
    this.startedAt = Date.now()
  }

  afterStart (): void {
    const events = this.components.events
    events.addEventListener('self:peer:update', this.onChange)
    events.addEventListener('peer:identify', this.onIdentify)
    events.addEventListener('connection:close', this.onConnectionClose)
    events.addEventListener('transport:listening', this.onChange)
    events.addEventListener('transport:close', this.onChange)
    this.timer = setInterval(() => { this.onChange() }, this.init.checkIntervalMs)
    this.timer.unref?.()
    // A node that only has public listen addresses gives AutoNAT its grace first.
    setTimeout(() => { this.onChange() }, this.init.autonatGraceMs + 100).unref?.()
    this.onChange()
  }

  stop (): void {
    this.started = false
    const events = this.components.events
    events.removeEventListener('self:peer:update', this.onChange)
    events.removeEventListener('peer:identify', this.onIdentify)
    events.removeEventListener('connection:close', this.onConnectionClose)
    events.removeEventListener('transport:listening', this.onChange)
    events.removeEventListener('transport:close', this.onChange)
    clearInterval(this.timer)
  }

  view (): ReachabilityView {
    const view = classify(this.components.addressManager.getAddresses())
    if (view.mode === 'public' || view.mode === 'relayed' || this.reservationError == null) return view
    return { ...view, reservationError: this.reservationError }
  }

  async refresh (): Promise<void> {
    this.onChange()
    while (this.evaluating != null) await this.evaluating
  }

  /**
   * Identify and connection events come by the hundred a minute in a busy DHT, and an evaluation
   * of a node that is not public scans the whole peer store for relays: only the events that can
   * change the answer start one. A newly identified relay is a new candidate; a closed
   * connection matters when it went to a relay that holds a reservation for us. Address changes
   * (self:peer:update, transport events) and the periodic check cover the rest.
   */
  private onIdentify (event: CustomEvent<IdentifyResult>): void {
    const { peerId, protocols, listenAddrs } = event.detail
    if (!protocols.includes(RELAY_HOP_PROTOCOL)) return
    // A relay that refused us may have done so because it was not yet public: it serves
    // strangers only once AutoNAT confirms its address (docs/network.md section 7), and then
    // tells its peers by identify push. Ask it again now rather than after the backoff, which
    // made a node that started beside its relay wait 15-20 s for a reservation.
    const id = peerId.toString()
    if (this.retryAt.has(id) && listenAddrs.some(a => !Circuit.matches(a) && !isPrivate(a))) this.retryAt.delete(id)
    this.onChange()
  }

  private onConnectionClose (event: CustomEvent<Connection>): void {
    if (this.view().relays.includes(event.detail.remotePeer.toString())) this.onChange()
  }

  private onChange (): void {
    if (!this.started) return
    if (this.evaluating != null) {
      this.again = true
      return
    }
    this.evaluating = (async () => {
      do {
        this.again = false
        try {
          this.report()
          await this.maybeReserve()
          this.report()
        } catch (err) {
          this.log.error('reachability evaluation failed - %e', err)
        }
      } while (this.again && this.started)
    })().finally(() => { this.evaluating = undefined })
  }

  private report (): void {
    const view = this.view()
    const key = JSON.stringify([view.mode, view.publicAddresses, view.relays, view.reservationError])
    if (key === this.last) return
    this.last = key
    this.log('reachability: %s (%s)', view.mode, view.detail)
    this.safeDispatchEvent('change', { detail: view })
  }

  /** Takes reservations while the node is not publicly reachable and holds fewer than it wants. */
  private async maybeReserve (): Promise<void> {
    if (this.init.reserve === false) return
    const view = this.view()
    if (view.mode === 'public') return
    const listensPublicly = this.components.transportManager.getAddrs().some(a => !Circuit.matches(a) && !isPrivate(a))
    if (listensPublicly && Date.now() - this.startedAt < this.init.autonatGraceMs) return
    const held = new Set(view.relays)
    let wanted = this.init.maxReservations - held.size
    if (wanted <= 0) return
    for (const candidate of await this.candidates(held)) {
      if (wanted <= 0 || !this.started) break
      if (await this.reserve(candidate.peerId, candidate.address)) wanted--
    }
  }

  /** Relays to try: the owner's first, then connected public relays, then known ones. */
  private async candidates (held: Set<string>): Promise<Array<{ peerId: string, address: Multiaddr }>> {
    const now = Date.now()
    const out: Array<{ peerId: string, address: Multiaddr }> = []
    const seen = new Set<string>([...held, this.components.peerId.toString()])
    const add = (peerId: string, address: Multiaddr | undefined): void => {
      if (address == null || seen.has(peerId)) return
      if ((this.retryAt.get(peerId)?.at ?? 0) > now) return
      seen.add(peerId)
      out.push({ peerId, address })
    }
    for (const relay of await this.init.preferredRelays?.() ?? []) {
      const connected = this.directConnection(relay.peerId)
      const given = relay.addresses.map(a => safeMultiaddr(a)).find(a => a != null && !Circuit.matches(a))
      add(relay.peerId, connected ?? given)
    }
    const relays = await this.components.peerStore.all({
      filters: [(peer) => peer.protocols.includes(RELAY_HOP_PROTOCOL)]
    })
    const connectedFirst = [...relays].sort((a, b) =>
      Number(this.directConnection(b.id.toString()) != null) - Number(this.directConnection(a.id.toString()) != null))
    for (const peer of connectedFirst) {
      const publicAddress = peer.addresses.map(a => a.multiaddr).find(a => !Circuit.matches(a) && !isPrivate(a))
      // Only a relay that others can dial is worth a reservation.
      if (publicAddress == null) continue
      add(peer.id.toString(), this.directConnection(peer.id.toString()) ?? publicAddress)
    }
    return out
  }

  private directConnection (peerId: string): Multiaddr | undefined {
    const connection = this.components.connectionManager.getConnections()
      .find(c => c.remotePeer.toString() === peerId && isOpenDirect(c))
    return connection?.remoteAddr
  }

  private async reserve (peerId: string, address: Multiaddr): Promise<boolean> {
    const base = address.toString().includes(`/p2p/${peerId}`) ? address : address.encapsulate(`/p2p/${peerId}`)
    const listenOn = base.encapsulate('/p2p-circuit')
    try {
      this.log('taking a reservation at %s', peerId)
      await withTimeout(this.components.transportManager.listen([listenOn]), this.init.reservationTimeoutMs)
      this.retryAt.delete(peerId)
      this.reservationError = undefined
      this.log('reservation at %s taken', peerId)
      return true
    } catch (err) {
      const previous = this.retryAt.get(peerId)?.backoffMs ?? RELAY_RETRY_MIN_MS / 2
      const backoffMs = Math.min(RELAY_RETRY_MAX_MS, previous * 2)
      this.retryAt.set(peerId, { at: Date.now() + backoffMs, backoffMs })
      this.reservationError = { relay: peerId, reason: reservationRefusal(err as Error) }
      this.log('no reservation at %s - %s', peerId, (err as Error).message)
      return false
    }
  }
}

/** A relay's answer in words (circuit relay v2 status codes, or what the dial ran into). */
function reservationRefusal (err: Error): string {
  const text = `${err.message} ${String((err as { cause?: Error }).cause?.message ?? '')}`
  if (/PERMISSION_DENIED/.test(text)) return 'it refused (it relays for nobody, or only for peers it trusts)'
  if (/RESERVATION_REFUSED/.test(text)) return 'it has no reservation left'
  if (/no answer within|Timeout|timed out|aborted/i.test(text)) return 'it did not answer in time'
  return 'it could not be reached'
}

function safeMultiaddr (text: string): Multiaddr | undefined {
  try {
    return multiaddr(text)
  } catch {
    return undefined
  }
}

/** The listener keeps its own timeout; this bounds our wait on it whatever happens inside. */
async function withTimeout<T> (promise: Promise<T>, ms: number): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined
  promise.catch(() => {})
  try {
    return await Promise.race([promise, new Promise<never>((_resolve, reject) => {
      timer = setTimeout(() => { reject(new Error(`no answer within ${ms} ms`)) }, ms)
    })])
  } finally {
    clearTimeout(timer)
  }
}

export function reachability (init: ReachabilityInit): (components: ReachabilityComponents) => Reachability {
  return (components) => new DefaultReachability(components, init)
}
