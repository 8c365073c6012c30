/**
 * The client side of '/murmur/mailbox/1.0.0' (docs/relay.md, "Client API"): owners manage
 * their mailbox at a relay, depositors deposit and take prekeys, relays deliver to recipients.
 * Calls share one long-lived request stream per peer (channel.ts); subscribe holds its own
 * stream open for pushes.
 */
import { setMaxListeners } from '@libp2p/interface'
import { lpStream } from '@libp2p/utils'
import { openStreamToPeer, type PeerAddresses, type PeerConnections } from '../net/connections.js'
import { raceSignal } from 'race-signal'
import { MailboxRequest, type MailboxResponse } from '../wire/mailbox.js'
import {
  CAPABILITY_BYTES, CAPABILITY_HASH_BYTES, CLIENT_STREAM_IDLE_MS, ENVELOPE_ID_BYTES, FRAME_OVERHEAD_BYTES, MAX_ACK_IDS,
  MAX_CAPABILITIES_PER_REQUEST, MAX_DELIVER_ENVELOPES, MAX_FETCH_LIMIT, MAX_PAGE_BYTES, MAX_PREKEY_BYTES,
  MAX_PREKEYS_PER_UPLOAD, MAX_REQUEST_BYTES, MAX_RESPONSE_BYTES
} from './constants.js'
import {
  EnvelopeTooLargeError, InvalidRelayRequestError, RelayProtocolError, RelayTimeoutError, refusalError
} from './errors.js'
import { RelayChannelClosedError, RequestChannel } from './channel.js'
import { decodeResponse, refusalCode } from './frames.js'
import type { AbortOptions, Logger, PeerId, Stream } from '@libp2p/interface'
import type { MailboxStatusInfo } from './store/index.js'
import type { Uint8ArrayList } from 'uint8arraylist'

export interface RelayCallOptions {
  signal?: AbortSignal
  /** Overrides the service's request timeout for this call (ms). */
  timeout?: number
}

export interface UploadPrekeysOptions extends RelayCallOptions {
  /**
   * The bundles replace every one the relay holds for us (after our signed and last-resort
   * prekeys were replaced), in one request: at most MAX_PREKEYS_PER_UPLOAD of them.
   */
  replace?: boolean
}

export interface FetchedEnvelope {
  /** Envelope id (16 bytes). */
  id: Uint8Array
  /** Position in the mailbox (deposit order). */
  seq: number
  /** The exact envelope bytes. */
  bytes: Uint8Array
}

export interface FetchResult {
  envelopes: FetchedEnvelope[]
  /** Pass back as `cursor` to read on. */
  cursor: number
  more: boolean
}

/** What the owner's `status` call returns: the relay store's own summary of the mailbox. */
export type MailboxStatus = MailboxStatusInfo

export interface DepositOptions extends RelayCallOptions {
  /** The 32-byte secret the mailbox's owner gave this depositor (contacts door). */
  capability?: Uint8Array
}

/** Receives pushed envelopes; resolve once they are durable: they are acknowledged (deleted at the relay) after it. */
export type PushHandler = (envelopes: FetchedEnvelope[]) => Promise<void>

export interface MailboxClientInit {
  connectionManager: PeerConnections
  peerStore: PeerAddresses
  protocol: string
  log: Logger
  timeout: number
  /** A request stream with nothing outstanding for this long is closed (ms); default CLIENT_STREAM_IDLE_MS. */
  channelIdleMs?: number
}

type Lp = ReturnType<typeof lpStream>

export class MailboxClient {
  private readonly init: MailboxClientInit
  /** One request stream per peer, by peer ID text. */
  private readonly channels = new Map<string, RequestChannel>()
  private readonly opening = new Map<string, Promise<RequestChannel>>()

  constructor (init: MailboxClientInit) {
    this.init = init
  }

  async register (relay: PeerId, options: RelayCallOptions = {}): Promise<void> {
    await this.call(relay, { register: {} }, options)
  }

  async setFirstContact (relay: PeerId, open: boolean, options: RelayCallOptions = {}): Promise<void> {
    await this.call(relay, { settings: { firstContactOpen: open } }, options)
  }

  /** Adds SHA-256 hashes of capabilities (see capabilityHash) to the mailbox. */
  async addCapabilities (relay: PeerId, hashes: Uint8Array[], options: RelayCallOptions = {}): Promise<void> {
    await this.updateCapabilities(relay, hashes, [], options)
  }

  async removeCapabilities (relay: PeerId, hashes: Uint8Array[], options: RelayCallOptions = {}): Promise<void> {
    await this.updateCapabilities(relay, [], hashes, options)
  }

  async updateCapabilities (relay: PeerId, add: Uint8Array[], remove: Uint8Array[], options: RelayCallOptions = {}): Promise<void> {
    for (const hash of [...add, ...remove]) {
      if (hash.byteLength !== CAPABILITY_HASH_BYTES) throw new InvalidRelayRequestError(`a capability hash is ${CAPABILITY_HASH_BYTES} bytes`)
    }
    if (add.length + remove.length === 0) return
    for (let i = 0; i < Math.max(add.length, remove.length); i += MAX_CAPABILITIES_PER_REQUEST) {
      const a = add.slice(i, i + MAX_CAPABILITIES_PER_REQUEST) as Array<Uint8Array<ArrayBuffer>>
      const r = remove.slice(i, i + MAX_CAPABILITIES_PER_REQUEST) as Array<Uint8Array<ArrayBuffer>>
      await this.call(relay, { capabilities: { add: a, remove: r } }, options)
    }
  }

  /** Uploads one-time prekey bundles (in requests of MAX_PREKEYS_PER_UPLOAD); returns how many the relay holds. */
  async uploadPrekeys (relay: PeerId, bundles: Uint8Array[], options: UploadPrekeysOptions = {}): Promise<{ remaining: number }> {
    for (const bundle of bundles) {
      if (bundle.byteLength === 0 || bundle.byteLength > MAX_PREKEY_BYTES) throw new InvalidRelayRequestError(`a prekey bundle is 1 to ${MAX_PREKEY_BYTES} bytes`)
    }
    const replace = options.replace === true
    // A replacement in several requests would leave the relay with part of it for a while.
    if (replace && (bundles.length === 0 || bundles.length > MAX_PREKEYS_PER_UPLOAD)) throw new InvalidRelayRequestError(`a replacement is 1 to ${MAX_PREKEYS_PER_UPLOAD} bundles`)
    let remaining = 0
    if (bundles.length === 0) return { remaining: (await this.status(relay, options)).prekeysRemaining }
    for (let i = 0; i < bundles.length; i += MAX_PREKEYS_PER_UPLOAD) {
      const chunk = bundles.slice(i, i + MAX_PREKEYS_PER_UPLOAD) as Array<Uint8Array<ArrayBuffer>>
      // Not retried: a repeated upload would store the same one-time prekeys twice.
      remaining = (await this.call(relay, { uploadPrekeys: { bundles: chunk, replace } }, options, false)).prekeysRemaining
    }
    return { remaining }
  }

  /** One of `owner`'s one-time prekey bundles, held at `relay`. NoPrekeysLeftError when none is left. */
  async takePrekey (relay: PeerId, owner: PeerId, options: RelayCallOptions = {}): Promise<Uint8Array> {
    // Not retried: each answer consumes a one-time prekey.
    const response = await this.call(relay, { takePrekey: { owner: owner.toMultihash().bytes as Uint8Array<ArrayBuffer> } }, options, false)
    if (response.prekey.byteLength === 0) throw new RelayProtocolError('Empty prekey')
    return response.prekey
  }

  async status (relay: PeerId, options: RelayCallOptions = {}): Promise<MailboxStatus> {
    const response = await this.call(relay, { status: {} }, options)
    const s = response.status
    if (s === undefined) throw new RelayProtocolError('Status response without status')
    return {
      count: s.count,
      bytes: Number(s.bytes),
      maxCount: s.maxCount,
      maxBytes: Number(s.maxBytes),
      firstContactCount: s.firstContactCount,
      firstContactBytes: Number(s.firstContactBytes),
      prekeysRemaining: s.prekeysRemaining,
      firstContactOpen: s.firstContactOpen,
      capabilities: s.capabilities
    }
  }

  /** Deposits envelope bytes at `relay` for the envelope's recipient. Refusals are RelayRefusedError subclasses. */
  async deposit (relay: PeerId, envelope: Uint8Array, options: DepositOptions = {}): Promise<{ status: 'stored', duplicate: boolean }> {
    if (envelope.byteLength > MAX_REQUEST_BYTES - FRAME_OVERHEAD_BYTES) throw new EnvelopeTooLargeError('envelope larger than a frame')
    if (options.capability !== undefined && options.capability.byteLength !== CAPABILITY_BYTES) {
      throw new InvalidRelayRequestError(`a capability is ${CAPABILITY_BYTES} bytes`)
    }
    const response = await this.call(relay, {
      deposit: { envelope: envelope as Uint8Array<ArrayBuffer>, capability: (options.capability ?? new Uint8Array(0)) as Uint8Array<ArrayBuffer> }
    }, options)
    if (response.code !== 'STORED') throw new RelayProtocolError(`Deposit answered ${response.code}`)
    return { status: 'stored', duplicate: response.duplicate }
  }

  /** A page of stored envelopes after `cursor` (default 0: from the oldest), in deposit order. */
  async fetch (relay: PeerId, options: RelayCallOptions & { cursor?: number, limit?: number } = {}): Promise<FetchResult> {
    const limit = options.limit ?? 0
    if (!Number.isInteger(limit) || limit < 0 || limit > MAX_FETCH_LIMIT) throw new InvalidRelayRequestError(`limit is 1 to ${MAX_FETCH_LIMIT}`)
    const cursor = options.cursor ?? 0
    if (!Number.isSafeInteger(cursor) || cursor < 0) throw new InvalidRelayRequestError('cursor must be a non-negative integer')
    const response = await this.call(relay, { fetch: { cursor: BigInt(cursor), limit } }, options)
    return { envelopes: fromWire(response), cursor: Number(response.cursor), more: response.more }
  }

  /** Deletes envelopes by id (16 bytes each). Ids the relay does not hold are ignored. */
  async ack (relay: PeerId, ids: Uint8Array[], options: RelayCallOptions = {}): Promise<void> {
    for (const id of ids) if (id.byteLength !== ENVELOPE_ID_BYTES) throw new InvalidRelayRequestError(`an envelope id is ${ENVELOPE_ID_BYTES} bytes`)
    for (let i = 0; i < ids.length; i += MAX_ACK_IDS) {
      await this.call(relay, { ack: { ids: ids.slice(i, i + MAX_ACK_IDS) as Array<Uint8Array<ArrayBuffer>> } }, options)
    }
  }

  /** Relay side: hands envelopes to their recipient's node; resolves once the recipient says they are durable. */
  async deliver (recipient: PeerId, envelopes: Uint8Array[], options: RelayCallOptions = {}): Promise<void> {
    for (let i = 0; i < envelopes.length; i += MAX_DELIVER_ENVELOPES) {
      const chunk = envelopes.slice(i, i + MAX_DELIVER_ENVELOPES) as Array<Uint8Array<ArrayBuffer>>
      await this.call(recipient, { deliver: { envelopes: chunk } }, options)
    }
  }

  /**
   * Opens a push stream: stored envelopes come first, then new deposits as they land. Each
   * push goes to `onEnvelopes`; once it resolves, the push is acknowledged (deleted). Resolves
   * when the relay ends the stream or `signal` aborts; rejects when the relay refuses
   * (MailboxNotFoundError), the stream fails, or `onEnvelopes` throws (nothing of that push is
   * deleted then). `options.timeout` bounds the opening only.
   */
  async subscribe (relay: PeerId, onEnvelopes: PushHandler, options: RelayCallOptions = {}): Promise<void> {
    const signal = options.signal
    let stream: Stream | undefined
    try {
      const lp = await (async () => {
        const opening = this.callSignal(options)
        try {
          stream = await openStreamToPeer(this.init.connectionManager, this.init.peerStore, relay, this.init.protocol, { signal: opening.signal })
          const lp = lpStream(stream, { maxDataLength: MAX_RESPONSE_BYTES })
          await lp.write(MailboxRequest.encode({ subscribe: {} }), { signal: opening.signal })
          expectOk(decodeResponse(await readFrame(lp, opening.signal)))
          return lp
        } catch (err) {
          throw opening.translate(err)
        }
      })()
      while (true) {
        let frame: Uint8ArrayList
        try {
          frame = await lp.read(signal === undefined ? {} : { signal })
        } catch (err) {
          if (signal?.aborted === true) break
          if ((err as Error).name === 'UnexpectedEOFError') return
          throw err
        }
        const response = decodeResponse(frame)
        expectOk(response)
        if (!response.push) throw new RelayProtocolError('Expected a push frame')
        const envelopes = fromWire(response)
        // The caller's abort ends the subscription even while its handler is still busy.
        await (signal === undefined ? onEnvelopes(envelopes) : raceSignal(onEnvelopes(envelopes), signal))
        await lp.write(MailboxRequest.encode({ ack: { ids: envelopes.map((e) => e.id as Uint8Array<ArrayBuffer>) } }),
          signal === undefined ? {} : { signal })
      }
      // The caller closed the subscription: end our side without waiting on the relay.
      stream?.abort(new Error('subscription closed'))
    } catch (err) {
      stream?.abort(err instanceof Error ? err : new Error(String(err)))
      if (signal?.aborted === true) return
      throw err
    }
  }

  /** Closes every request stream (the service is stopping). */
  stop (): void {
    for (const channel of [...this.channels.values()]) channel.close()
    this.channels.clear()
  }

  /**
   * One request, one response, on the peer's request stream (opened on first use, reused
   * after; docs/relay.md, "Request streams"). Refusal codes become typed errors. A stream can
   * die under a request (the relay closed it when idle, the connection dropped): an
   * `idempotent` request is then sent once more, on a new stream.
   */
  private async call (peer: PeerId, request: Partial<MailboxRequest>, options: RelayCallOptions, idempotent = true): Promise<MailboxResponse> {
    const frame = MailboxRequest.encode(request)
    if (frame.byteLength > MAX_REQUEST_BYTES) throw new InvalidRelayRequestError('request larger than a frame')
    // A deadline, not a timeout signal: the channel checks it (channel.ts, one timer per stream).
    const deadline = Date.now() + (options.timeout ?? this.init.timeout)
    const signal = options.signal
    let channel: RequestChannel | undefined
    try {
      for (let attempt = 0; ; attempt++) {
        const current = this.channels.get(peer.toString())
        const next = current?.usable === true ? { channel: current, fresh: false } : await this.openChannel(peer, signal, deadline)
        channel = next.channel
        try {
          const response = await channel.request(frame, signal === undefined ? { deadline } : { signal, deadline })
          expectOk(response)
          return response
        } catch (err) {
          // Fresh streams too: one opened on a connection that was closing dies at once.
          const retry = err instanceof RelayChannelClosedError && idempotent && attempt === 0 && signal?.aborted !== true && Date.now() < deadline
          if (!retry) throw err
          this.init.log('request stream to %p ended under a request (%s); retrying on a new one', peer, next.fresh ? 'new' : 'reused')
        }
      }
    } catch (err) {
      // No answer in time: the relay may be stuck on this stream; later calls get a new one.
      if (err instanceof RelayTimeoutError) channel?.retire()
      if (err instanceof RelayChannelClosedError) throw new RelayProtocolError(err.message)
      throw err
    }
  }

  /** A new request stream to `peer` (`fresh`), waited for until `deadline`; concurrent callers share one opening. */
  private async openChannel (peer: PeerId, signal: AbortSignal | undefined, deadline: number): Promise<{ channel: RequestChannel, fresh: boolean }> {
    const call = this.callSignal({ timeout: Math.max(0, deadline - Date.now()), ...(signal === undefined ? {} : { signal }) })
    try {
      return { channel: await raceSignal(this.opening.get(peer.toString()) ?? this.open(peer), call.signal), fresh: true }
    } catch (err) {
      throw call.translate(err)
    }
  }

  /**
   * Opens the request stream to `peer`, for every caller waiting on it (not tied to the first
   * one's signal). Every caller waits on the same promise, so they resume in call order and
   * their requests go out in that order.
   */
  private open (peer: PeerId): Promise<RequestChannel> {
    const key = peer.toString()
    const openSignal = AbortSignal.timeout(this.init.timeout)
    const opening = (async () => {
      const stream = await openStreamToPeer(this.init.connectionManager, this.init.peerStore, peer, this.init.protocol, { signal: openSignal })
      const channel = new RequestChannel(stream, {
        log: this.init.log,
        idleMs: this.init.channelIdleMs ?? CLIENT_STREAM_IDLE_MS,
        onClose: (closed) => { if (this.channels.get(key) === closed) this.channels.delete(key) }
      })
      this.channels.get(key)?.retire()
      this.channels.set(key, channel)
      return channel
    })()
    const settled = (): void => { if (this.opening.get(key) === opening) this.opening.delete(key) }
    opening.then(settled, settled)
    this.opening.set(key, opening)
    return opening
  }

  private callSignal (options: RelayCallOptions): { signal: AbortSignal, translate: (err: unknown) => unknown } {
    const timeoutSignal = AbortSignal.timeout(options.timeout ?? this.init.timeout)
    const signal = options.signal == null ? timeoutSignal : AbortSignal.any([options.signal, timeoutSignal])
    setMaxListeners(Infinity, signal)
    return {
      signal,
      translate: (err) => (timeoutSignal.aborted && options.signal?.aborted !== true) ? new RelayTimeoutError() : err
    }
  }
}

async function readFrame (lp: Lp, signal: AbortSignal): Promise<Uint8ArrayList> {
  try {
    return await lp.read({ signal } satisfies AbortOptions)
  } catch (err) {
    if (signal.aborted) throw err
    const name = (err as Error).name
    if (name === 'InvalidDataLengthError' || name === 'InvalidDataLengthLengthError') {
      throw new RelayProtocolError(`Response larger than ${MAX_RESPONSE_BYTES} bytes`)
    }
    if (name === 'UnexpectedEOFError') throw new RelayProtocolError('The stream ended before the response')
    throw err
  }
}

function expectOk (response: MailboxResponse): void {
  const code = refusalCode(response)
  if (code !== undefined) throw refusalError(code, response.message)
}

/** The envelopes of a fetch page, checked (exported for fuzz/targets). */
export function fromWire (response: MailboxResponse): FetchedEnvelope[] {
  let bytes = 0
  return response.envelopes.map((e) => {
    if (e.id.byteLength !== ENVELOPE_ID_BYTES) throw new RelayProtocolError('Bad envelope id in a page')
    bytes += e.envelope.byteLength
    if (e.envelope.byteLength === 0 || bytes > MAX_PAGE_BYTES + MAX_RESPONSE_BYTES) throw new RelayProtocolError('Bad envelope in a page')
    return { id: e.id, seq: Number(e.seq), bytes: e.envelope }
  })
}
