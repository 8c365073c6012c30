/**
 * The receiving side of one inbound dm stream (docs/protocol.md part 6, "Receiver").
 *
 * Frames are validated before the application sees them. Valid envelopes that are already
 * buffered when the handler becomes free are handed over as ONE batch, so the application can
 * make them durable in one synced write (DESIGN.md "Delivery": group commit); acks are written
 * only after the handler's promise resolves. At most `maxUnacked` envelopes are held per
 * stream: at the cap the stream is paused (no yamux window updates), which stops the sender.
 */
import { Envelope } from '../../wire/envelope.js'
import { decodeEnvelope } from '../../wire/strict/envelope.js'
import { DmFrame } from '../../wire/dm.js'
import { ENVELOPE_ID_BYTES, MAX_DM_FRAME_BYTES, MAX_ERROR_MESSAGE_BYTES, MAX_REFUSED_FRAMES_PER_STREAM } from './constants.js'
import { DM_ERROR_CODES, DmRefusedError, DmTimeoutError, FrameTooLargeError } from './errors.js'
import { encodeFrames, FrameDecoder } from './framing.js'
import { truncateUtf8 } from '../text.js'
import type { DmErrorCode } from './errors.js'
import type { Connection, Logger, PeerId, Stream, StreamMessageEvent } from '@libp2p/interface'
import { equals as uint8ArrayEquals } from 'uint8arrays/equals'

/** What the application answers for each envelope of a batch, in the batch's order. */
export type DmReceiveResult =
  | { status: 'ok' }
  | { status: 'duplicate' }
  | { status: 'error', code: DmErrorCode, message: string }

export interface DmHandler {
  /**
   * Called with envelopes that passed validation, oldest first. Resolve only once the batch is
   * durable; the acks are written after that. Must return one result per envelope.
   */
  receive(from: PeerId, envelopes: Envelope[]): Promise<DmReceiveResult[]>
}

export interface DmInboundOptions {
  localPeer: PeerId
  getHandler(): DmHandler | undefined
  maxUnacked: number
  writeTimeout: number
  /** A stream with nothing received and nothing unanswered for this long is closed (ms). */
  idleTimeout: number
  log: Logger
  onClosed(session: DmInboundSession): void
}

/** Why a frame is refused: the error frame's id (empty when unknown), code and message. */
export interface DmRefusal {
  id: Uint8Array<ArrayBuffer>
  code: DmErrorCode
  message: string
}

type Refusal = DmRefusal

export class DmInboundSession {
  readonly stream: Stream
  readonly remotePeer: PeerId
  private readonly remotePeerBytes: Uint8Array
  private readonly localPeerBytes: Uint8Array
  private readonly options: DmInboundOptions
  private readonly log: Logger
  private readonly decoder = new FrameDecoder(MAX_DM_FRAME_BYTES)
  /** Validated envelopes waiting for the handler. */
  private readonly queue: Envelope[] = []
  /** Envelopes queued or inside the handler, not yet acknowledged. */
  private unacked = 0
  private processing = false
  private waitingForDrain = false
  private remoteDone = false
  /** Frames refused on this stream so far (MAX_REFUSED_FRAMES_PER_STREAM). */
  private refused = 0
  private closed = false
  private idleTimer: ReturnType<typeof setTimeout> | undefined

  constructor (stream: Stream, connection: Connection, options: DmInboundOptions) {
    this.stream = stream
    this.remotePeer = connection.remotePeer
    this.remotePeerBytes = connection.remotePeer.toMultihash().bytes
    this.localPeerBytes = options.localPeer.toMultihash().bytes
    this.options = options
    this.log = options.log
  }

  start (): void {
    this.stream.addEventListener('message', (evt: StreamMessageEvent) => {
      if (this.closed) {
        return
      }
      this.armIdleTimer()
      this.decoder.push(evt.data)
      this.readFrames()
    })
    this.stream.addEventListener('remoteCloseWrite', () => {
      this.remoteDone = true
      this.maybeFinish()
    })
    this.stream.addEventListener('close', () => {
      this.markClosed()
    })
    this.armIdleTimer()
    if (this.stream.remoteWriteStatus === 'closed') {
      // The sender half-closed before this handler was attached (its frames and its close can
      // arrive with the protocol negotiation): the event is gone, so read it from the state.
      // Frames already buffered are emitted first; then the stream closes as after the event.
      this.remoteDone = true
      setTimeout(() => { this.maybeFinish() }, 0)
    }
  }

  /**
   * (Re)starts the idle timer (issue 11: the dm protocol had no idle timeout on inbound streams;
   * bundle has 10 s, mailbox 30 s). A stream that carries work in flight is not idle.
   */
  private armIdleTimer (): void {
    clearTimeout(this.idleTimer)
    if (this.closed) {
      return
    }
    this.idleTimer = setTimeout(() => {
      if (this.processing || this.unacked > 0 || this.waitingForDrain) {
        this.armIdleTimer()
        return
      }
      this.log('closing an idle dm stream from %p', this.remotePeer)
      this.closeAndCut(new DmTimeoutError(`No frame for ${this.options.idleTimeout} ms`))
    }, this.options.idleTimeout)
    this.idleTimer.unref?.()
  }

  /** Stops serving this stream at once (service stop). */
  abort (err: Error): void {
    this.markClosed()
    this.stream.abort(err)
  }

  /** Parses buffered frames while the per-stream budget allows. */
  private readFrames (): void {
    const refusals: Refusal[] = []
    while (!this.closed && !this.waitingForDrain && this.unacked < this.options.maxUnacked) {
      let body: Uint8Array | null
      try {
        body = this.decoder.next()
      } catch (err) {
        if (err instanceof FrameTooLargeError) {
          this.refuseAndClose(refusals, 'TOO_LARGE', err)
          return
        }
        throw err
      }
      if (body == null) {
        break
      }
      const result = this.validate(body)
      if ('code' in result) {
        refusals.push(result)
        if (++this.refused >= MAX_REFUSED_FRAMES_PER_STREAM) {
          // A peer that keeps sending what we refuse (2 KB of zeros is 2,000 empty frames)
          // would get an error frame for each: answer the budget's worth, then close.
          this.refuseAndClose(refusals, 'MALFORMED', new DmRefusedError('MALFORMED', `${MAX_REFUSED_FRAMES_PER_STREAM} frames refused on one stream`))
          return
        }
      } else {
        this.queue.push(result)
        this.unacked++
      }
    }
    this.writeRefusals(refusals)
    this.updateFlow()
    if (this.queue.length > 0 && !this.processing) {
      void this.process()
    }
    this.maybeFinish()
  }

  /** Checks one frame; an Envelope that may reach the handler, or why it may not. */
  private validate (body: Uint8Array): Envelope | Refusal {
    return checkDmFrame(body, this.remotePeerBytes, this.localPeerBytes)
  }

  /** Hands queued envelopes to the handler batch by batch, acking each batch when it resolves. */
  private async process (): Promise<void> {
    this.processing = true
    try {
      while (this.queue.length > 0 && !this.closed) {
        const batch = this.queue.splice(0, this.queue.length)
        const results = await this.callHandler(batch)
        if (this.closed) {
          // No ack can reach the sender; it retries and the application deduplicates.
          return
        }
        this.writeFrames(batch.map((envelope, i) => resultFrame(envelope.id, results[i])))
        this.unacked -= batch.length
        this.armIdleTimer()
        // Parse what arrived while the handler ran, up to the budget: the next batch.
        this.readFrames()
      }
    } finally {
      this.processing = false
      this.maybeFinish()
    }
  }

  private async callHandler (batch: Envelope[]): Promise<DmReceiveResult[]> {
    const handler = this.options.getHandler()
    if (handler == null) {
      return batch.map(() => ({ status: 'error', code: 'INTERNAL', message: 'no handler' }))
    }
    try {
      const results = await handler.receive(this.remotePeer, batch)
      if (!Array.isArray(results) || results.length !== batch.length) {
        throw new Error(`handler returned ${Array.isArray(results) ? results.length : 'no'} results for ${batch.length} envelopes`)
      }
      return results
    } catch (err) {
      // The reason stays in our log: it may describe local state the peer has no business seeing.
      this.log.error('dm handler failed for a batch of %d from %p - %e', batch.length, this.remotePeer, err)
      return batch.map(() => ({ status: 'error', code: 'INTERNAL', message: 'internal error' }))
    }
  }

  private writeRefusals (refusals: Refusal[]): void {
    if (refusals.length > 0) {
      this.log('refusing %d frames from %p: %s', refusals.length, this.remotePeer, refusals.map(r => r.code).join(','))
      this.writeFrames(refusals.map(r => errorFrame(r.id, r.code, r.message)))
    }
  }

  /** Writes frames in one go; if the muxer asks us to wait, stop reading until it drains. */
  private writeFrames (bodies: Uint8Array[]): void {
    if (bodies.length === 0 || this.closed || this.stream.writeStatus !== 'writable') {
      return
    }
    let canSendMore: boolean
    try {
      canSendMore = this.stream.send(encodeFrames(bodies))
    } catch (err) {
      this.log.error('could not write to %p - %e', this.remotePeer, err)
      this.abort(err instanceof Error ? err : new Error(String(err)))
      return
    }
    if (!canSendMore && !this.waitingForDrain) {
      this.waitingForDrain = true
      this.updateFlow()
      this.stream.onDrain({ signal: AbortSignal.timeout(this.options.writeTimeout) }).then(() => {
        this.waitingForDrain = false
        this.readFrames()
      }, (err: unknown) => {
        // A peer that does not read its acks is not served further.
        this.abort(err instanceof Error ? err : new Error(String(err)))
      })
    }
  }

  /** Pauses reading at the budget or while writes wait to drain; resumes below it. */
  private updateFlow (): void {
    if (this.closed) {
      return
    }
    const mustPause = this.waitingForDrain || this.unacked >= this.options.maxUnacked
    try {
      if (mustPause && this.stream.readStatus === 'readable') {
        this.stream.pause()
      } else if (!mustPause && this.stream.readStatus === 'paused') {
        this.stream.resume()
      }
    } catch (err) {
      this.log('could not change the read state - %e', err)
    }
  }

  /**
   * TOO_LARGE, or the refusal budget spent: answer, then close; the framing (or the peer) of
   * this stream can no longer be trusted.
   */
  private refuseAndClose (refusals: Refusal[], code: DmErrorCode, err: Error): void {
    refusals.push({ id: new Uint8Array(new ArrayBuffer(0)), code, message: err.message })
    this.writeRefusals(refusals)
    this.markClosed()
    const stream = this.stream
    stream.close({ signal: AbortSignal.timeout(this.options.writeTimeout) }).catch(() => {}).finally(() => {
      // Also stop the peer from sending more (reset): we will not read it.
      stream.abort(err)
    })
  }

  /** When the sender has finished and every envelope is answered, close our side too. */
  private maybeFinish (): void {
    // Bytes left in the decoder with nothing unacked can only be a truncated last frame.
    if (!this.remoteDone || this.closed || this.processing || this.unacked > 0 || this.waitingForDrain) {
      return
    }
    this.closeAndCut(new DmTimeoutError('The sender did not close the dm stream'))
  }

  /**
   * Closes our side; a peer that has not closed its side within the write timeout is cut off
   * (reset), so that no stream outlives both ends' interest in it.
   */
  private closeAndCut (err: Error): void {
    this.markClosed()
    const stream = this.stream
    const cut = setTimeout(() => {
      if (stream.status === 'open' || stream.status === 'closing') {
        stream.abort(err)
      }
    }, this.options.writeTimeout)
    cut.unref?.()
    stream.addEventListener('close', () => { clearTimeout(cut) }, { once: true })
    stream.close({ signal: AbortSignal.timeout(this.options.writeTimeout) }).catch((closeErr: unknown) => {
      clearTimeout(cut)
      stream.abort(closeErr instanceof Error ? closeErr : new Error(String(closeErr)))
    })
  }

  private markClosed (): void {
    if (this.closed) {
      return
    }
    this.closed = true
    clearTimeout(this.idleTimer)
    this.queue.length = 0
    this.options.onClosed(this)
  }
}

function resultFrame (id: Uint8Array<ArrayBuffer>, result: DmReceiveResult | undefined): Uint8Array {
  if (result?.status === 'ok') {
    return DmFrame.encode({ ack: { id, status: DmFrame.Ack.Status.OK } })
  }
  if (result?.status === 'duplicate') {
    return DmFrame.encode({ ack: { id, status: DmFrame.Ack.Status.DUPLICATE } })
  }
  if (result?.status === 'error' && DM_ERROR_CODES.includes(result.code)) {
    return errorFrame(id, result.code, String(result.message ?? ''))
  }
  return errorFrame(id, 'INTERNAL', 'invalid handler result')
}

function errorFrame (id: Uint8Array<ArrayBuffer>, code: DmErrorCode, message: string): Uint8Array {
  return DmFrame.encode({
    error: {
      id,
      code: DmFrame.Error.Code[code],
      message: truncateUtf8(message, MAX_ERROR_MESSAGE_BYTES)
    }
  })
}

/**
 * Checks one frame body received from `remotePeerBytes` (docs/protocol.md part 6, "Receiver"
 * step 1): the Envelope that may reach the application, or the refusal to answer. Pure, so
 * that it can be fuzzed on its own (fuzz/targets.ts).
 */
export function checkDmFrame (body: Uint8Array, remotePeerBytes: Uint8Array, localPeerBytes: Uint8Array): Envelope | DmRefusal {
  const empty = new Uint8Array(new ArrayBuffer(0))
  let frame: DmFrame
  try {
    frame = DmFrame.decode(body)
  } catch {
    return { id: empty, code: 'MALFORMED', message: 'frame does not decode' }
  }
  if (frame.envelope == null) {
    if (body.byteLength === 0) {
      return { id: empty, code: 'MALFORMED', message: 'empty frame' }
    }
    // An ack, an error or a frame kind from a later version: not accepted on this side.
    return { id: empty, code: 'UNSUPPORTED', message: 'only envelope frames are accepted' }
  }
  let envelope: Envelope
  try {
    envelope = decodeEnvelope(frame.envelope)
  } catch {
    return { id: empty, code: 'MALFORMED', message: 'envelope does not decode' }
  }
  // protons does not check lengths: the id must be exactly 16 bytes to be echoed or acked.
  if (envelope.id.byteLength !== ENVELOPE_ID_BYTES) {
    return { id: empty, code: 'MALFORMED', message: `envelope id must be ${ENVELOPE_ID_BYTES} bytes` }
  }
  const id = envelope.id
  if (!uint8ArrayEquals(envelope.sender, remotePeerBytes)) {
    return { id, code: 'SENDER_MISMATCH', message: 'sender is not the authenticated remote peer' }
  }
  if (!uint8ArrayEquals(envelope.recipient, localPeerBytes)) {
    return { id, code: 'RECIPIENT_MISMATCH', message: 'recipient is not this peer' }
  }
  if (envelope.kind === Envelope.Kind.KIND_UNSPECIFIED) {
    return { id, code: 'UNSUPPORTED', message: 'envelope kind unspecified' }
  }
  return envelope
}
