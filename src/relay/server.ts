/**
 * The serving side of '/murmur/mailbox/1.0.0' (docs/relay.md, "Protocol"): reads request
 * frames on an inbound stream, answers each in order, and turns the stream into a push stream
 * on Subscribe. Owners are authenticated by the stream's noise peer ID; anything not allowed
 * is answered NOT_FOUND, the same as a mailbox that does not exist (DESIGN.md "Relays").
 */
import { setMaxListeners } from '@libp2p/interface'
import { sha256 } from '@noble/hashes/sha2.js'
import { toString as uint8ArrayToString } from 'uint8arrays/to-string'
import { LRUCache } from 'lru-cache'
import { raceSignal } from 'race-signal'
import { FrameReader, FrameTooLargeError } from '../net/frame-reader.js'
import { FrameWriter } from '../net/frame-writer.js'
import { toHex } from '../store/codec.js'
import { MailboxResponse } from '../wire/mailbox.js'
import {
  DEFAULT_FETCH_LIMIT, DELIVER_HANDLER_TIMEOUT_MS, MAX_ENVELOPE_BYTES, MAX_PAGE_BYTES, MAX_PIPELINED_REQUESTS, MAX_REQUEST_BYTES,
  PUSH_ACK_TIMEOUT_MS, STREAM_IDLE_TIMEOUT_MS
} from './constants.js'
import { codeResponse, decodeEnvelopeHead, decodeRequest, MalformedRequestError, type DecodedRequest } from './frames.js'
import type { HeldEnvelope, RelayStore } from './store/index.js'
import type { PeerRateLimit } from '../net/rate-limit.js'
import type { Connection, Logger, PeerId, Stream } from '@libp2p/interface'
import type { Uint8ArrayList } from 'uint8arraylist'

/** The application's receiver of envelopes a relay hands over (forwarding, pushes). */
export type DeliveryHandler = (from: PeerId, envelopes: Uint8Array[]) => Promise<void>

export interface ServerRates {
  deposit: PeerRateLimit
  firstContact: PeerRateLimit
  prekey: PeerRateLimit
}

export interface ServerInit {
  log: Logger
  rates: ServerRates
  relay: () => RelayStore | undefined
  deliveryHandler: () => DeliveryHandler | undefined
  /** Pushes in flight (sent, not yet acked) on one subscription. */
  pushWindow: number
  pushLimit: number
  idleTimeoutMs: number
  pushAckTimeoutMs: number
  deliverTimeoutMs: number
}

export const DEFAULT_SERVER_TIMEOUTS = {
  idleTimeoutMs: STREAM_IDLE_TIMEOUT_MS,
  pushAckTimeoutMs: PUSH_ACK_TIMEOUT_MS,
  deliverTimeoutMs: DELIVER_HANDLER_TIMEOUT_MS
}

type Response = Partial<MailboxResponse>
/** A frame read, the reader's failure, or (neither) the end of the stream. */
type ReadResult = { frame?: Uint8ArrayList, error?: unknown }

/** Owners' peer ID texts remembered for deposits (least recently used out). */
const OWNER_TEXTS_HELD = 4096

const NOT_FOUND = (): Response => codeResponse('NOT_FOUND')
const OK = (): Response => codeResponse('OK')

export class MailboxServer {
  private readonly init: ServerInit
  /** Live subscriptions, aborted on stop. */
  private readonly active = new Set<AbortController>()
  /** Mailbox owners' peer ID text by the bytes of their peer ID (as latin1 text). */
  private readonly ownerTexts = new LRUCache<string, string>({ max: OWNER_TEXTS_HELD })

  constructor (init: ServerInit) {
    this.init = init
  }

  stop (): void {
    for (const controller of this.active) controller.abort(new Error('mailbox service stopped'))
    this.active.clear()
  }

  /**
   * Serves one inbound stream: requests are answered in the order they arrive. Deposits are
   * read ahead and run concurrently (up to MAX_PIPELINED_REQUESTS outstanding), so the
   * deposits of one stream share group commits; any other request waits for every earlier one
   * and holds back later ones, so its effects are ordered exactly as on the wire.
   */
  async handleStream (stream: Stream, connection: Connection): Promise<void> {
    const remote = connection.remotePeer
    const controller = new AbortController()
    setMaxListeners(Infinity, controller.signal)
    const signal = controller.signal
    this.active.add(controller)
    // The reader has no signal of its own: ending the stream ends its wait.
    const onStop = (): void => { stream.abort(signal.reason instanceof Error ? signal.reason : new Error(String(signal.reason))) }
    signal.addEventListener('abort', onStop, { once: true })
    const reader = new FrameReader(stream, { maxDataLength: MAX_REQUEST_BYTES, highWaterMark: MAX_PIPELINED_REQUESTS })
    const writer = new FrameWriter(stream, { flushAt: 'check' })
    /** Answers not yet written, in request order; each gets its response when its answer settles. */
    const unwritten: Array<{ response?: Response }> = []
    let allWritten: (() => void) | undefined
    let slotFree: (() => void) | undefined
    let writeError: unknown
    /** Writes every answer at the head of the line that is ready (coalesced by the writer). */
    const writeReady = (): void => {
      while (unwritten.length > 0 && unwritten[0].response !== undefined) {
        const response = unwritten.shift()?.response as Response
        if (writeError !== undefined) continue
        try {
          writer.write(MailboxResponse.encode(response))
        } catch (err) {
          writeError = err
          controller.abort(err)
        }
      }
      if (unwritten.length < MAX_PIPELINED_REQUESTS) slotFree?.()
      if (unwritten.length === 0) allWritten?.()
    }
    const respond = (answer: Promise<Response>): void => {
      const slot: { response?: Response } = {}
      unwritten.push(slot)
      // safeAnswer turns every failure into an answer; the catch is for what cannot happen.
      answer.catch(() => codeResponse('INTERNAL', 'internal error')).then((response) => {
        slot.response = response
        writeReady()
      }, () => {})
    }
    /** Settles once every answer so far has been handed to the writer. */
    const written = async (): Promise<void> => {
      while (unwritten.length > 0) await new Promise<void>((resolve) => { allWritten = resolve })
      allWritten = undefined
    }
    /** The last request that is not a deposit, and the deposits started since. */
    let barrier: Promise<unknown> = Promise.resolve()
    const sinceBarrier = new Set<Promise<unknown>>()
    // One timer for the stream's life, re-armed (refresh) whenever a wait for a request starts:
    // it ends the stream only when it fires during such a wait (no request read for idleTimeoutMs).
    let waiting = false
    const idleTimer = setTimeout(function idle () {
      if (waiting) controller.abort(new Error('mailbox stream idle'))
      else idleTimer.refresh()
    }, this.init.idleTimeoutMs)
    try {
      while (true) {
        while (unwritten.length >= MAX_PIPELINED_REQUESTS) {
          await new Promise<void>((resolve) => { slotFree = resolve })
          slotFree = undefined
        }
        if (writeError !== undefined) throw writeError
        // Answers the remote does not read stay in the stream's buffer: read on once it drains.
        await writer.ready(signal)
        let frame: Uint8ArrayList | undefined
        idleTimer.refresh()
        waiting = true
        try {
          frame = await reader.next()
        } catch (err) {
          if (err instanceof FrameTooLargeError) {
            // The frame cannot be skipped: answer and end the stream.
            respond(Promise.resolve(codeResponse('TOO_LARGE', 'frame too large')))
            break
          }
          throw err
        } finally {
          waiting = false
        }
        if (frame === undefined) break
        let request: DecodedRequest
        try {
          request = decodeRequest(frame)
        } catch (err) {
          if (!(err instanceof MalformedRequestError)) throw err
          this.init.log('malformed request from %p - %s', remote, err.message)
          respond(Promise.resolve(codeResponse('MALFORMED', err.message)))
          continue
        }
        if (request.type === 'subscribe') {
          // Earlier answers go out first; then the stream belongs to the subscription.
          await written()
          if (writeError !== undefined) throw writeError
          clearTimeout(idleTimer)
          await this.subscription(reader, writer, remote, signal)
          break
        }
        const current = request
        if (current.type === 'deposit') {
          // Started in wire order: each takes its mailbox's mutex in that order, so seqs follow it.
          const answer = barrier.then(async () => this.safeAnswer(remote, current, signal))
          sinceBarrier.add(answer)
          void answer.finally(() => sinceBarrier.delete(answer))
          respond(answer)
        } else {
          const answer = Promise.allSettled([barrier, ...sinceBarrier]).then(async () => this.safeAnswer(remote, current, signal))
          barrier = answer
          sinceBarrier.clear()
          respond(answer)
        }
      }
      await written()
      if (writeError !== undefined) throw writeError
      writer.flush()
      await writer.ready(signal)
      await stream.close({ signal: AbortSignal.timeout(this.init.idleTimeoutMs) })
    } catch (err) {
      const reason = signal.aborted ? signal.reason : err
      this.init.log('mailbox stream from %p ended - %e', remote, reason)
      stream.abort(reason instanceof Error ? reason : new Error(String(reason)))
    } finally {
      clearTimeout(idleTimer)
      signal.removeEventListener('abort', onStop)
      reader.detach()
      this.active.delete(controller)
    }
  }

  /** The answer to one request; failures become MALFORMED or INTERNAL answers. */
  private async safeAnswer (remote: PeerId, request: Exclude<DecodedRequest, { type: 'subscribe' }>, signal: AbortSignal): Promise<Response> {
    try {
      return await this.answer(remote, request, signal)
    } catch (err) {
      if (err instanceof MalformedRequestError) {
        this.init.log('malformed request from %p - %s', remote, err.message)
        return codeResponse('MALFORMED', err.message)
      }
      if (!signal.aborted) this.init.log.error('mailbox request failed - %e', err)
      return codeResponse('INTERNAL', 'internal error')
    }
  }

  private async answer (remote: PeerId, request: Exclude<DecodedRequest, { type: 'subscribe' }>, signal: AbortSignal): Promise<Response> {
    if (request.type === 'deliver') return this.deliver(remote, request.envelopes, signal)
    const relay = this.init.relay()
    // A node without relay storage holds no mailboxes: everything is NOT_FOUND.
    if (relay === undefined) return NOT_FOUND()
    const owner = remote.toString()
    switch (request.type) {
      case 'register':
        return (await relay.register(owner)) ? OK() : NOT_FOUND()
      case 'deposit':
        return this.deposit(relay, owner, request.envelope, request.capability)
      case 'fetch': {
        const limit = request.limit === 0 ? DEFAULT_FETCH_LIMIT : request.limit
        const page = await relay.mailboxes.fetch(owner, request.cursor, limit, MAX_PAGE_BYTES)
        if (page === undefined) return NOT_FOUND()
        return { ...OK(), envelopes: toWire(page.envelopes), cursor: BigInt(page.cursor), more: page.more }
      }
      case 'ack': {
        const deleted = await relay.mailboxes.ack(owner, request.ids.map(toHex))
        return deleted === undefined ? NOT_FOUND() : OK()
      }
      case 'settings':
        return (await relay.mailboxes.setFirstContact(owner, request.firstContactOpen)) ? OK() : NOT_FOUND()
      case 'capabilities': {
        const result = await relay.updateCapabilities(owner, request.add.map(toHex), request.remove.map(toHex))
        return codeResponse(result)
      }
      case 'uploadPrekeys': {
        const result = await relay.uploadPrekeys(owner, request.bundles, request.replace)
        if (typeof result === 'string') return codeResponse(result)
        return { ...OK(), prekeysRemaining: result.remaining }
      }
      case 'takePrekey': {
        // Counted before the lookup: each bundle handed out is a one-time prekey gone.
        if (!this.init.rates.prekey.tryConsume(owner)) return codeResponse('RATE_LIMITED')
        const result = await relay.takePrekey(request.owner)
        if (typeof result === 'string') return codeResponse(result)
        return { ...OK(), prekey: result as Uint8Array<ArrayBuffer> }
      }
      case 'status': {
        const status = relay.status(owner)
        if (status === undefined) return NOT_FOUND()
        return {
          ...OK(),
          prekeysRemaining: status.prekeysRemaining,
          status: { ...status, bytes: BigInt(status.bytes), maxBytes: BigInt(status.maxBytes), firstContactBytes: BigInt(status.firstContactBytes) }
        }
      }
    }
  }

  private async deposit (relay: RelayStore, depositor: string, envelope: Uint8Array, capability: Uint8Array | undefined): Promise<Response> {
    if (envelope.byteLength > MAX_ENVELOPE_BYTES) return codeResponse('TOO_LARGE')
    const head = decodeEnvelopeHead(envelope, (bytes) => {
      // Mailbox owners registered over noise, so their peer IDs are known to be valid. Their
      // base58 text is remembered: an owner recurs in deposit after deposit.
      const key = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1')
      const known = this.ownerTexts.get(key)
      if (known !== undefined && relay.mailboxes.has(known)) return known
      const text = peerIdText(bytes)
      if (text === undefined || !relay.mailboxes.has(text)) return undefined
      this.ownerTexts.set(key, text)
      return text
    })
    const capabilityHash = capability === undefined ? undefined : toHex(sha256(capability))
    const route = relay.route({ depositor, recipient: head.recipient, capabilityHash, prekey: head.prekey })
    if (route === undefined) return NOT_FOUND()
    const bucket = route === 'first' ? this.init.rates.firstContact : this.init.rates.deposit
    if (!bucket.tryConsume(depositor)) return codeResponse('RATE_LIMITED')
    const outcome = await relay.deposit({
      depositor, recipient: head.recipient, id: toHex(head.id), envelope, expiresAt: head.expiresAt
    }, route)
    if (!outcome.stored) return codeResponse(outcome.code)
    return { ...codeResponse('STORED'), duplicate: outcome.duplicate }
  }

  private async deliver (remote: PeerId, envelopes: Uint8Array[], signal: AbortSignal): Promise<Response> {
    const handler = this.init.deliveryHandler()
    if (handler === undefined) return NOT_FOUND()
    if (envelopes.length === 0) return OK()
    const timeout = AbortSignal.any([signal, AbortSignal.timeout(this.init.deliverTimeoutMs)])
    // OK means durable: the relay deletes its copy on this answer.
    await raceSignal(handler(remote, envelopes), timeout)
    return OK()
  }

  /**
   * Push mode: stored envelopes first, then new deposits as they land, at most `pushWindow`
   * pushes unacknowledged. Each Ack frame deletes what it names. Envelopes pushed and not
   * acked stay stored and are pushed again on the next subscription.
   *
   * An Ack frame answers the oldest unacknowledged push: the ids it names from that push are
   * deleted from what the push held (RelayStore.ackHeld, no re-read of the records); any other
   * id goes the ordinary ack way. Deletions run behind the pushes, one at a time and at most
   * `pushWindow` queued, so the next page goes out while the last one is being deleted.
   */
  private async subscription (reader: FrameReader, writer: FrameWriter, remote: PeerId, stop: AbortSignal): Promise<void> {
    const relay = this.init.relay()
    const owner = remote.toString()
    const writeSignal = (): AbortSignal => AbortSignal.any([stop, AbortSignal.timeout(this.init.pushAckTimeoutMs)])
    const write = async (response: Response): Promise<void> => {
      writer.write(MailboxResponse.encode(response))
      writer.flush()
      await writer.ready(writeSignal())
    }
    if (relay?.mailboxes.has(owner) !== true) {
      await write(NOT_FOUND())
      return
    }
    await write(OK())
    let wake = deferredSignal()
    const unsubscribe = relay.mailboxes.onDeposit(owner, () => { wake.resolve() })
    let reading: Promise<ReadResult> | undefined
    const read = (): Promise<ReadResult> => {
      // One read outstanding at a time, without a signal: an aborted read would lose bytes.
      reading ??= reader.next().then((frame) => ({ frame }), (error: unknown) => ({ error: error ?? new Error('read failed') }))
      return reading
    }
    const stopped = new Promise<'stop'>((resolve) => {
      if (stop.aborted) resolve('stop')
      stop.addEventListener('abort', () => { resolve('stop') }, { once: true })
    })
    /** What each unacknowledged push holds, oldest first. */
    const held: HeldEnvelope[][] = []
    let deletions: Promise<void> = Promise.resolve()
    let deleting = 0
    let deleteError: unknown
    let cursor = 0
    try {
      while (true) {
        if (deleteError !== undefined) throw deleteError
        if (held.length < this.init.pushWindow) {
          wake = deferredSignal()
          const page = await relay.mailboxes.fetch(owner, cursor, this.init.pushLimit, MAX_PAGE_BYTES)
          if (page === undefined) return
          if (page.envelopes.length > 0) {
            await write({ ...OK(), push: true, envelopes: toWire(page.envelopes), cursor: BigInt(page.cursor), more: page.more })
            cursor = page.cursor
            held.push(page.envelopes.map((e) => ({ id: e.id, seq: e.seq, door: e.door, expiresAt: e.expiresAt, size: e.envelope.byteLength })))
            continue
          }
          // A page of nothing but expired envelopes: step over them.
          if (page.more) {
            cursor = page.cursor
            continue
          }
        }
        const waits: Array<Promise<ReadResult | 'wake' | 'stop' | 'timeout'>> = [read(), stopped]
        let timer: ReturnType<typeof setTimeout> | undefined
        if (held.length < this.init.pushWindow) waits.push(wake.promise.then(() => 'wake' as const))
        if (held.length > 0) waits.push(new Promise((resolve) => { timer = setTimeout(() => { resolve('timeout') }, this.init.pushAckTimeoutMs) }))
        const next = await Promise.race(waits)
        clearTimeout(timer)
        if (next === 'wake') continue
        if (next === 'stop') return
        if (next === 'timeout') throw new Error('push not acknowledged in time')
        reading = undefined
        if (next.error !== undefined) throw next.error
        // The owner closed its side: the subscription is over.
        if (next.frame === undefined) return
        const request = decodeRequest(next.frame)
        if (request.type !== 'ack') throw new MalformedRequestError('only Ack frames on a subscribed stream')
        const push = held.shift() ?? []
        const named = new Set(request.ids.map(toHex))
        const known = push.filter((e) => named.delete(e.id))
        const others = [...named]
        deleting++
        deletions = deletions.then(async () => {
          if (deleteError !== undefined) return
          try {
            await relay.mailboxes.ackHeld(owner, known)
            if (others.length > 0) await relay.mailboxes.ack(owner, others)
          } catch (err) {
            deleteError = err
          } finally {
            deleting--
          }
        })
        // Bounded: at most pushWindow deletions queued behind the pushes.
        if (deleting > this.init.pushWindow) await deletions
      }
    } finally {
      unsubscribe()
      // What was acked is deleted before the stream ends.
      await deletions
    }
  }
}

function toWire (envelopes: Array<{ id: string, seq: number, envelope: Uint8Array }>): MailboxResponse.StoredEnvelope[] {
  return envelopes.map((e) => ({
    id: Uint8Array.from(Buffer.from(e.id, 'hex')),
    envelope: e.envelope as Uint8Array<ArrayBuffer>,
    seq: BigInt(e.seq)
  }))
}

/** The base58btc text of peer ID bytes when they have the Ed25519 identity-multihash shape (cheap, no key check). */
function peerIdText (bytes: Uint8Array): string | undefined {
  if (bytes.byteLength !== 38 || bytes[0] !== 0x00 || bytes[1] !== 0x24) return undefined
  return uint8ArrayToString(bytes, 'base58btc')
}


function deferredSignal (): { promise: Promise<void>, resolve: () => void } {
  let resolve!: () => void
  const promise = new Promise<void>((res) => { resolve = res })
  return { promise, resolve }
}
