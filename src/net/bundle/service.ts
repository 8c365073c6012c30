/**
 * The bundle protocol service, '/murmur/bundle/1.0.0' (docs/protocol.md part 6, "bundle"):
 * one request and one response on a short stream. The server asks the application's provider
 * for an encoded prekey bundle (opaque here; the provider hands out one one-time prekey per
 * request), rate-limited per requester. Built like a js-libp2p v3 service.
 */
import { serviceCapabilities, setMaxListeners } from '@libp2p/interface'
import { lpStream } from '@libp2p/utils'
import { BundleRequest, BundleResponse } from '../../wire/bundle.js'
import {
  BUNDLE_MAX_INBOUND_STREAMS, BUNDLE_MAX_OUTBOUND_STREAMS, BUNDLE_PROTOCOL, BUNDLE_RATE_LIMIT, BUNDLE_RATE_WINDOW_MS,
  DEFAULT_BUNDLE_TIMEOUT_MS, DEFAULT_PROVIDER_TIMEOUT_MS, MAX_BUNDLE_BYTES, MAX_BUNDLE_ERROR_MESSAGE_BYTES,
  MAX_BUNDLE_REQUEST_BYTES, MAX_BUNDLE_RESPONSE_BYTES
} from './constants.js'
import {
  BundleProtocolError, BundleRateLimitedError, BundleRefusedError, BundleTimeoutError, BundleTooLargeError,
  BundleUnavailableError
} from './errors.js'
import { PeerRateLimit } from '../rate-limit.js'
import { raceSignal } from 'race-signal'
import { truncateUtf8 } from '../text.js'
import { openStreamToPeer, type PeerAddresses, type PeerConnections, type ProtocolRegistrar } from '../connections.js'
import type { BundleErrorCode } from './errors.js'
import type { ComponentLogger, Connection, Logger, PeerId, Startable, Stream } from '@libp2p/interface'
import type { Uint8ArrayList } from 'uint8arraylist'

export { BUNDLE_PROTOCOL } from './constants.js'
export * from './errors.js'

export interface BundleProvider {
  /**
   * An encoded prekey bundle for `requester`, at most MAX_BUNDLE_BYTES. Throw
   * BundleUnavailableError when there is none to give.
   */
  getBundle(requester: PeerId): Promise<Uint8Array>
}

export interface BundleComponents {
  registrar: ProtocolRegistrar
  connectionManager: PeerConnections
  peerStore: PeerAddresses
  logger: ComponentLogger
}

export interface BundleInit {
  /** Client: the whole exchange; server: the whole handler (ms). */
  timeout?: number
  /** Server: time the provider has to answer (ms). */
  providerTimeout?: number
  /** Server: bundles per requester per window. */
  rateLimit?: number
  rateWindowMs?: number
  maxInboundStreams?: number
  maxOutboundStreams?: number
  /** Bundles are small (< 64 KiB), so relayed (limited) connections are allowed by default. */
  runOnLimitedConnection?: boolean
}

export interface FetchBundleOptions {
  signal?: AbortSignal
  /** Overrides the service's timeout for this request (ms). */
  timeout?: number
}

export interface BundleService {
  readonly protocol: string
  /**
   * Asks `peer` for a prekey bundle. Rejects with BundleRateLimitedError, BundleRefusedError,
   * BundleTooLargeError, BundleTimeoutError, BundleProtocolError, the signal's reason, or a
   * libp2p dial error.
   */
  fetchBundle(peer: PeerId, options?: FetchBundleOptions): Promise<Uint8Array>
  /** Sets (or with undefined, clears) the application's bundle source. */
  setProvider(provider: BundleProvider | undefined): void
}

class DefaultBundleService implements BundleService, Startable {
  readonly protocol = BUNDLE_PROTOCOL
  readonly [Symbol.toStringTag] = '@murmur/bundle'
  readonly [serviceCapabilities]: string[] = ['@murmur/bundle']

  private readonly components: BundleComponents
  private readonly log: Logger
  private readonly timeout: number
  private readonly providerTimeout: number
  private readonly maxInboundStreams: number
  private readonly maxOutboundStreams: number
  private readonly runOnLimitedConnection: boolean
  private readonly limiter: PeerRateLimit
  private provider: BundleProvider | undefined
  private started = false

  constructor (components: BundleComponents, init: BundleInit = {}) {
    this.components = components
    this.log = components.logger.forComponent('murmur:bundle')
    this.timeout = init.timeout ?? DEFAULT_BUNDLE_TIMEOUT_MS
    this.providerTimeout = init.providerTimeout ?? DEFAULT_PROVIDER_TIMEOUT_MS
    this.maxInboundStreams = init.maxInboundStreams ?? BUNDLE_MAX_INBOUND_STREAMS
    this.maxOutboundStreams = init.maxOutboundStreams ?? BUNDLE_MAX_OUTBOUND_STREAMS
    this.runOnLimitedConnection = init.runOnLimitedConnection ?? true
    this.limiter = new PeerRateLimit({
      points: init.rateLimit ?? BUNDLE_RATE_LIMIT,
      windowMs: init.rateWindowMs ?? BUNDLE_RATE_WINDOW_MS
    })
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
  }

  isStarted (): boolean {
    return this.started
  }

  setProvider (provider: BundleProvider | undefined): void {
    this.provider = provider
  }

  async fetchBundle (peer: PeerId, options: FetchBundleOptions = {}): Promise<Uint8Array> {
    const timeoutSignal = AbortSignal.timeout(options.timeout ?? this.timeout)
    const signal = options.signal == null ? timeoutSignal : AbortSignal.any([options.signal, timeoutSignal])
    setMaxListeners(Infinity, signal)
    let stream: Stream | undefined
    try {
      stream = await openStreamToPeer(this.components.connectionManager, this.components.peerStore, peer, this.protocol, { signal })
      const lp = lpStream(stream, { maxDataLength: MAX_BUNDLE_RESPONSE_BYTES })
      await lp.write(BundleRequest.encode({}), { signal })
      let frame: Uint8ArrayList
      try {
        frame = await lp.read({ signal })
      } catch (err) {
        throw readError(err, signal)
      }
      const bundle = decodeResponse(frame)
      await stream.close({ signal })
      return bundle
    } catch (err) {
      stream?.abort(err instanceof Error ? err : new Error(String(err)))
      if (timeoutSignal.aborted && options.signal?.aborted !== true) {
        throw new BundleTimeoutError()
      }
      throw err
    }
  }

  private async handleStream (stream: Stream, connection: Connection): Promise<void> {
    const requester = connection.remotePeer
    const signal = AbortSignal.timeout(this.timeout)
    setMaxListeners(Infinity, signal)
    const lp = lpStream(stream, { maxDataLength: MAX_BUNDLE_REQUEST_BYTES })
    try {
      let response: BundleResponse
      try {
        BundleRequest.decode(await lp.read({ signal }))
        response = await this.answer(requester)
      } catch (err) {
        if (signal.aborted) {
          throw err
        }
        this.log('bad bundle request from %p - %e', requester, err)
        response = errorResponse('MALFORMED', 'request does not decode')
      }
      await lp.write(BundleResponse.encode(response), { signal })
      await stream.close({ signal })
    } catch (err) {
      this.log('bundle stream from %p failed - %e', requester, err)
      stream.abort(err instanceof Error ? err : new Error(String(err)))
    }
  }

  private async answer (requester: PeerId): Promise<BundleResponse> {
    // Counted before the provider runs: every accepted request may consume a one-time prekey.
    if (!this.limiter.tryConsume(requester.toString())) {
      this.log('rate limited bundle request from %p', requester)
      return errorResponse('RATE_LIMITED', 'too many bundle requests')
    }
    const provider = this.provider
    if (provider == null) {
      return errorResponse('UNAVAILABLE', 'no bundle provider')
    }
    let bundle: Uint8Array
    try {
      bundle = await raceSignal(provider.getBundle(requester), AbortSignal.timeout(this.providerTimeout))
    } catch (err) {
      if (err instanceof BundleUnavailableError) {
        return errorResponse('UNAVAILABLE', 'no bundle available')
      }
      this.log.error('bundle provider failed - %e', err)
      return errorResponse('INTERNAL', 'internal error')
    }
    if (bundle.byteLength > MAX_BUNDLE_BYTES) {
      this.log.error('bundle of %d bytes exceeds %d', bundle.byteLength, MAX_BUNDLE_BYTES)
      return errorResponse('INTERNAL', 'bundle too large')
    }
    return { bundle: bundle as Uint8Array<ArrayBuffer> }
  }
}

function errorResponse (code: BundleErrorCode, message: string): BundleResponse {
  return { error: { code: BundleResponse.Error.Code[code], message: truncateUtf8(message, MAX_BUNDLE_ERROR_MESSAGE_BYTES) } }
}

/** A read failure as a typed error: an oversized prefix, or a stream that ended too early. */
function readError (err: unknown, signal: AbortSignal): unknown {
  if (signal.aborted) {
    return err
  }
  const name = err instanceof Error ? err.name : ''
  if (name === 'InvalidDataLengthError' || name === 'InvalidDataLengthLengthError') {
    return new BundleTooLargeError(`Bundle response larger than ${MAX_BUNDLE_RESPONSE_BYTES} bytes`)
  }
  if (name === 'UnexpectedEOFError') {
    return new BundleProtocolError('The stream ended before the response')
  }
  return err
}

function decodeResponse (frame: Uint8ArrayList): Uint8Array {
  let response: BundleResponse
  try {
    response = BundleResponse.decode(frame)
  } catch {
    throw new BundleProtocolError('Bundle response does not decode')
  }
  if (response.bundle != null) {
    if (response.bundle.byteLength === 0) {
      throw new BundleProtocolError('Empty bundle')
    }
    return response.bundle
  }
  if (response.error != null) {
    const code = response.error.code
    if (code === BundleResponse.Error.Code.RATE_LIMITED) {
      throw new BundleRateLimitedError()
    }
    throw new BundleRefusedError(code === BundleResponse.Error.Code.CODE_UNSPECIFIED ? 'INTERNAL' : code, response.error.message)
  }
  throw new BundleProtocolError('Bundle response carries neither a bundle nor an error')
}

export function bundle (init: BundleInit = {}): (components: BundleComponents) => BundleService {
  return (components) => new DefaultBundleService(components, init)
}
