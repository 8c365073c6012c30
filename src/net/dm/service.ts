/**
 * The dm protocol service, '/murmur/dm/1.0.0' (docs/protocol.md part 6, "dm"; DESIGN.md
 * "Delivery"). Built like a js-libp2p v3 service: `dm(init)` returns a factory that libp2p
 * calls with its components; start() registers the handler, stop() unregisters it.
 *
 * Sender: one long-lived outbound stream per peer, opened on demand and reused for every
 * envelope (opening a stream costs ~2.5 ms); envelopes are pipelined and acks matched by id.
 * Receiver: see dm-inbound.ts.
 */
import { serviceCapabilities, TypedEventEmitter } from '@libp2p/interface'
import { ENVELOPE_ID_BYTES, MAX_ENVELOPE_BYTES, type EnvelopeBytes } from '../../wire/strict/envelope.js'
import {
  DEFAULT_INBOUND_IDLE_TIMEOUT_MS, DEFAULT_OPEN_STREAM_TIMEOUT_MS, DEFAULT_SEND_TIMEOUT_MS, DEFAULT_WRITE_TIMEOUT_MS, DM_MAX_INBOUND_STREAMS,
  DM_MAX_OUTBOUND_STREAMS, DM_PROTOCOL, DM_SILENCE_PROBE_MS, MAX_UNACKED_PER_STREAM
} from './constants.js'
import { DmNotStartedError, DmTimeoutError, InvalidEnvelopeError } from './errors.js'
import { envelopeFrame } from './frames.js'
import { DmInboundSession } from './inbound.js'
import { DmOutboundChannel } from './outbound.js'
import { raceSignal } from 'race-signal'
import { openStreamToPeer, type PeerAddresses, type PeerConnections, type ProtocolRegistrar } from '../connections.js'
import type { DmHandler } from './inbound.js'
import type { DmSendResult } from './outbound.js'
import type {
  AbortOptions, ComponentLogger, Connection, Logger, PeerId, Startable, Stream
} from '@libp2p/interface'

export { DM_PROTOCOL } from './constants.js'
export type { DmHandler } from './inbound.js'
export type { DmReceiveResult } from './frames.js'
export type { DmSendResult } from './outbound.js'
export * from './errors.js'

export interface DmComponents {
  peerId: PeerId
  registrar: ProtocolRegistrar
  connectionManager: PeerConnections
  peerStore: PeerAddresses
  logger: ComponentLogger
}

export interface DmInit {
  /** Default time a send() waits for its ack, stream opening included (ms). */
  sendTimeout?: number
  /** Time allowed to open the outbound stream, dial included (ms). */
  openStreamTimeout?: number
  /** Time allowed for acks to drain to a slow peer before its stream is dropped (ms). */
  writeTimeout?: number
  /** An inbound stream idle this long (nothing received, nothing unanswered) is closed (ms). */
  inboundIdleTimeout?: number
  /** Unacknowledged envelopes held per inbound stream before reading stops. */
  maxUnackedPerStream?: number
  /** Envelopes in flight (or a stream's opening) and no answer for this long: a 'stream:silent' event (ms). */
  silenceProbeMs?: number
  maxInboundStreams?: number
  maxOutboundStreams?: number
  /**
   * Accept and open dm streams on relayed (limited) connections. On by default: a peer behind a
   * NAT is reached through a relay first. A stranger's relay caps such a connection at 128 KiB
   * and 2 minutes; when it runs out the stream closes and the next send opens a new one.
   */
  runOnLimitedConnection?: boolean
}

export interface DmSendOptions extends AbortOptions {
  /** Overrides the service's sendTimeout for this envelope (ms). */
  timeout?: number
}

export interface DmStreamEventDetail {
  peer: PeerId
  direction: 'inbound' | 'outbound'
}

export interface DmSilentEventDetail {
  peer: PeerId
  /** The connection the silent stream runs on. */
  connection: Connection
}

export interface DmServiceEvents {
  /** A dm stream opened (outbound: we opened it; inbound: the peer did). */
  'stream:open': CustomEvent<DmStreamEventDetail>
  /** A dm stream closed; for outbound, envelopes still in flight failed with DmStreamClosedError. */
  'stream:close': CustomEvent<DmStreamEventDetail>
  /**
   * An outbound stream's envelopes have gone unanswered for silenceProbeMs (silence.ts), or a
   * new outbound stream's negotiation has: its connection may be dead. The node has it probed
   * (src/net/liveness: probe()).
   */
  'stream:silent': CustomEvent<DmSilentEventDetail>
}

export interface DmService extends TypedEventEmitter<DmServiceEvents> {
  readonly protocol: string
  /**
   * Sends one envelope - its exact bytes, unchanged, and its id, which the ack names (the
   * envelope module's EnvelopeBytes: nothing is decoded here) - and waits for the peer's
   * answer. Rejects with DmRefusedError, DmTimeoutError, DmStreamClosedError,
   * InvalidEnvelopeError, the signal's reason, or a libp2p dial error.
   */
  send(peer: PeerId, envelope: EnvelopeBytes, options?: DmSendOptions): Promise<DmSendResult>
  /** Sets (or with undefined, clears) the application's receiver. */
  setHandler(handler: DmHandler | undefined): void
  /** Envelopes sent to `peer` and not yet answered. */
  inFlight(peer: PeerId): number
  /** Whether a usable outbound stream to `peer` is open. */
  hasOpenStream(peer: PeerId): boolean
}

class DefaultDmService extends TypedEventEmitter<DmServiceEvents> implements DmService, Startable {
  readonly protocol = DM_PROTOCOL
  readonly [Symbol.toStringTag] = '@murmur/dm'
  readonly [serviceCapabilities]: string[] = ['@murmur/dm']

  private readonly components: DmComponents
  private readonly log: Logger
  private readonly sendTimeout: number
  private readonly openStreamTimeout: number
  private readonly writeTimeout: number
  private readonly inboundIdleTimeout: number
  private readonly maxUnacked: number
  private readonly silenceProbeMs: number
  private readonly maxInboundStreams: number
  private readonly maxOutboundStreams: number
  private readonly runOnLimitedConnection: boolean
  private readonly channels = new Map<string, DmOutboundChannel>()
  private readonly opening = new Map<string, Promise<DmOutboundChannel>>()
  private readonly sessions = new Set<DmInboundSession>()
  private handler: DmHandler | undefined
  private started = false

  constructor (components: DmComponents, init: DmInit = {}) {
    super()
    this.components = components
    this.log = components.logger.forComponent('murmur:dm')
    this.sendTimeout = init.sendTimeout ?? DEFAULT_SEND_TIMEOUT_MS
    this.openStreamTimeout = init.openStreamTimeout ?? DEFAULT_OPEN_STREAM_TIMEOUT_MS
    this.writeTimeout = init.writeTimeout ?? DEFAULT_WRITE_TIMEOUT_MS
    this.inboundIdleTimeout = init.inboundIdleTimeout ?? DEFAULT_INBOUND_IDLE_TIMEOUT_MS
    this.maxUnacked = init.maxUnackedPerStream ?? MAX_UNACKED_PER_STREAM
    this.silenceProbeMs = init.silenceProbeMs ?? DM_SILENCE_PROBE_MS
    this.maxInboundStreams = init.maxInboundStreams ?? DM_MAX_INBOUND_STREAMS
    this.maxOutboundStreams = init.maxOutboundStreams ?? DM_MAX_OUTBOUND_STREAMS
    this.runOnLimitedConnection = init.runOnLimitedConnection ?? true
    this.handleStream = this.handleStream.bind(this)
  }

  async start (): Promise<void> {
    await this.components.registrar.handle(this.protocol, this.handleStream, {
      maxInboundStreams: this.maxInboundStreams,
      maxOutboundStreams: this.maxOutboundStreams,
      runOnLimitedConnection: this.runOnLimitedConnection
    })
    this.started = true
  }

  async stop (): Promise<void> {
    this.started = false
    await this.components.registrar.unhandle(this.protocol)
    const err = new DmNotStartedError('The dm service stopped')
    for (const channel of [...this.channels.values()]) {
      channel.abort(err)
    }
    for (const session of [...this.sessions]) {
      session.abort(err)
    }
    this.channels.clear()
    this.sessions.clear()
  }

  isStarted (): boolean {
    return this.started
  }

  setHandler (handler: DmHandler | undefined): void {
    this.handler = handler
  }

  inFlight (peer: PeerId): number {
    return this.channels.get(peer.toString())?.inFlight ?? 0
  }

  hasOpenStream (peer: PeerId): boolean {
    return this.channels.get(peer.toString())?.isOpen ?? false
  }

  async send (peer: PeerId, envelope: EnvelopeBytes, options: DmSendOptions = {}): Promise<DmSendResult> {
    if (!this.started) {
      throw new DmNotStartedError()
    }
    checkLimits(envelope)
    const frame = envelopeFrame(envelope)
    const timeout = options.timeout ?? this.sendTimeout
    // The common case, a stream already open, costs no signal or timer of its own here: the
    // channel times the answer, and watches the caller's signal once for all its sends.
    const open = this.channels.get(peer.toString())
    if (open?.isOpen === true) {
      return await open.send(envelope.id, frame, timeout, options.signal)
    }
    const startedAt = Date.now()
    const timeoutSignal = AbortSignal.timeout(timeout)
    const signal = options.signal == null ? timeoutSignal : AbortSignal.any([options.signal, timeoutSignal])
    let channel: DmOutboundChannel
    try {
      channel = await this.getChannel(peer, signal)
    } catch (err) {
      if (timeoutSignal.aborted && options.signal?.aborted !== true) {
        throw new DmTimeoutError()
      }
      throw err
    }
    // Opening the stream counts against the same timeout.
    return await channel.send(envelope.id, frame, Math.max(1, timeout - (Date.now() - startedAt)), options.signal)
  }

  /** The open outbound channel to `peer`, opening one (once, shared by concurrent callers). */
  private async getChannel (peer: PeerId, signal: AbortSignal): Promise<DmOutboundChannel> {
    const key = peer.toString()
    const existing = this.channels.get(key)
    if (existing?.isOpen === true) {
      return existing
    }
    let opening = this.opening.get(key)
    if (opening == null) {
      opening = this.openChannel(peer).finally(() => {
        this.opening.delete(key)
      })
      // A caller that gave up must not leave the shared attempt's failure unhandled.
      opening.catch(() => {})
      this.opening.set(key, opening)
    }
    return raceSignal(opening, signal)
  }

  private async openChannel (peer: PeerId): Promise<DmOutboundChannel> {
    // Not tied to any one caller's signal: the attempt is shared by every send waiting on it.
    const signal = AbortSignal.timeout(this.openStreamTimeout)
    let stream: Stream
    try {
      stream = await openStreamToPeer(this.components.connectionManager, this.components.peerStore, peer, this.protocol, {
        signal,
        unanswered: { afterMs: this.silenceProbeMs, onUnanswered: (connection) => { this.onOpeningSilent(peer, connection) } }
      })
    } catch (err) {
      if (signal.aborted) {
        throw new DmTimeoutError('Timed out opening the dm stream')
      }
      throw err
    }
    const key = peer.toString()
    if (!this.started) {
      stream.abort(new DmNotStartedError('The dm service stopped'))
      throw new DmNotStartedError('The dm service stopped')
    }
    const channel = new DmOutboundChannel(stream, peer, this.log, (closed) => {
      if (this.channels.get(key) === closed) {
        this.channels.delete(key)
      }
      this.log('outbound dm stream to %p closed', peer)
      this.safeDispatchEvent('stream:close', { detail: { peer, direction: 'outbound' } })
    }, { afterMs: this.silenceProbeMs, onSilent: (silent) => { this.onSilent(silent) } })
    this.channels.get(key)?.abort(new Error('replaced by a new dm stream'))
    this.channels.set(key, channel)
    this.log('outbound dm stream to %p open', peer)
    this.safeDispatchEvent('stream:open', { detail: { peer, direction: 'outbound' } })
    return channel
  }

  /** Names the connection a silent outbound stream runs on, for the node to probe. */
  private onSilent (channel: DmOutboundChannel): void {
    const connection = this.components.connectionManager.getConnections(channel.peer).find(c => c.streams.includes(channel.stream))
    if (connection === undefined) return
    this.log('outbound dm stream to %p: %d envelopes unanswered for %d ms', channel.peer, channel.inFlight, this.silenceProbeMs)
    this.safeDispatchEvent('stream:silent', { detail: { peer: channel.peer, connection } })
  }

  /** Names the connection on which a new outbound stream's negotiation went unanswered. */
  private onOpeningSilent (peer: PeerId, connection: Connection): void {
    if (connection.status !== 'open') return
    this.log('outbound dm stream to %p: opening unanswered for %d ms', peer, this.silenceProbeMs)
    this.safeDispatchEvent('stream:silent', { detail: { peer, connection } })
  }

  private handleStream (stream: Stream, connection: Connection): void {
    const peer = connection.remotePeer
    const session = new DmInboundSession(stream, connection, {
      localPeer: this.components.peerId,
      getHandler: () => this.handler,
      maxUnacked: this.maxUnacked,
      writeTimeout: this.writeTimeout,
      idleTimeout: this.inboundIdleTimeout,
      log: this.log,
      onClosed: (closed) => {
        this.sessions.delete(closed)
        this.safeDispatchEvent('stream:close', { detail: { peer, direction: 'inbound' } })
      }
    })
    this.sessions.add(session)
    this.safeDispatchEvent('stream:open', { detail: { peer, direction: 'inbound' } })
    session.start()
  }
}

/** An envelope this service will not send: an id the ack cannot name, or too many bytes. */
function checkLimits (envelope: EnvelopeBytes): void {
  if (envelope.id.byteLength !== ENVELOPE_ID_BYTES) {
    throw new InvalidEnvelopeError(`Envelope id must be ${ENVELOPE_ID_BYTES} bytes`)
  }
  if (envelope.bytes.byteLength > MAX_ENVELOPE_BYTES) {
    throw new InvalidEnvelopeError(`Envelope of ${envelope.bytes.byteLength} bytes exceeds ${MAX_ENVELOPE_BYTES}`)
  }
}

export function dm (init: DmInit = {}): (components: DmComponents) => DmService {
  return (components) => new DefaultDmService(components, init)
}
