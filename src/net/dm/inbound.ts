/**
 * The receiving side of one inbound dm stream (docs/protocol.md part 6, "Receiver").
 *
 * Frames are read with the frame reader (src/net/frame-reader.ts: lpStream's framing, every
 * whole frame of a chunk decoded at once, its length checked before the body is buffered) and
 * validated before the application sees them; acks and refusals go out through the frame writer
 * (one stream write per batch). Valid envelopes that have arrived when the handler becomes free
 * are handed over as ONE batch, so the application can make them durable in one synced write
 * (DESIGN.md "Delivery": group commit); acks are written only after the handler's promise
 * resolves. At most `maxUnacked` envelopes
 * are held per stream: at the cap the stream is paused (no yamux window updates), which stops
 * the sender.
 */
import type { ParsedEnvelope } from '../../wire/strict/envelope.js'
import { FrameReader, FrameTooLargeError } from '../frame-reader.js'
import { FrameWriter } from '../frame-writer.js'
import { MAX_DM_FRAME_BYTES, MAX_REFUSED_FRAMES_PER_STREAM } from './constants.js'
import { DmRefusedError, DmTimeoutError, type DmErrorCode } from './errors.js'
import { checkDmFrame, errorFrame, isRefusal, resultFrame, type DmReceiveResult, type DmRefusal } from './frames.js'
import type { Connection, Logger, PeerId, Stream } from '@libp2p/interface'
import type { Uint8ArrayList } from 'uint8arraylist'

export interface DmHandler {
  /**
   * Called with envelopes that passed validation, oldest first, each decoded once and carrying
   * its exact bytes. Resolve only once the batch is durable; the acks are written after that.
   * Must return one result per envelope.
   */
  receive(from: PeerId, envelopes: ParsedEnvelope[]): Promise<DmReceiveResult[]>
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

export class DmInboundSession {
  readonly stream: Stream
  readonly remotePeer: PeerId
  private readonly remotePeerBytes: Uint8Array
  private readonly localPeerBytes: Uint8Array
  private readonly options: DmInboundOptions
  private readonly log: Logger
  private readonly reader: FrameReader
  private readonly writer: FrameWriter
  /** Validated envelopes waiting for the handler. */
  private readonly queue: ParsedEnvelope[] = []
  /** Envelopes queued or inside the handler, not yet acknowledged. */
  private unacked = 0
  private processing = false
  private processScheduled = false
  private waitingForDrain = false
  private remoteDone = false
  /** Frames refused on this stream so far (MAX_REFUSED_FRAMES_PER_STREAM). */
  private refused = 0
  private closed = false
  private idleTimer: ReturnType<typeof setTimeout> | undefined
  /** Wakes the read loop when it waits for room (fewer unacked, a drained write, a close). */
  private wakeReader: (() => void) | undefined

  constructor (stream: Stream, connection: Connection, options: DmInboundOptions) {
    this.stream = stream
    this.remotePeer = connection.remotePeer
    this.remotePeerBytes = connection.remotePeer.toMultihash().bytes
    this.localPeerBytes = options.localPeer.toMultihash().bytes
    this.options = options
    this.log = options.log
    // The session pauses and resumes the stream itself (its unacked budget, updateFlow): the
    // reader never does, and the muxer's window bounds what arrives while it is paused.
    this.reader = new FrameReader(stream, { maxDataLength: MAX_DM_FRAME_BYTES, highWaterMark: Number.POSITIVE_INFINITY })
    this.writer = new FrameWriter(stream)
  }

  start (): void {
    this.stream.addEventListener('close', () => {
      this.markClosed()
    })
    this.armIdleTimer()
    void this.readLoop()
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

  /** Stops serving this stream at once (service stop, a write that failed). */
  abort (err: Error): void {
    this.markClosed()
    this.stream.abort(err)
  }

  /** Reads frames while the per-stream budget allows; pauses the stream while it does not. */
  private async readLoop (): Promise<void> {
    while (!this.closed) {
      if (this.waitingForDrain || this.unacked >= this.options.maxUnacked) {
        this.updateFlow()
        await new Promise<void>((resolve) => { this.wakeReader = resolve })
        this.wakeReader = undefined
        continue
      }
      let body: Uint8ArrayList | undefined
      try {
        body = await this.reader.next()
      } catch (err) {
        if (this.closed) return
        if (err instanceof FrameTooLargeError) {
          this.refuseAndClose('TOO_LARGE', err)
          return
        }
        body = undefined
      }
      if (this.closed) return
      if (body === undefined) {
        // The sender half-closed (a truncated last frame is dropped with it), or the stream
        // failed: answer what is in hand, then close.
        this.remoteDone = true
        this.maybeFinish()
        return
      }
      this.armIdleTimer()
      this.onFrame(body)
    }
  }

  private onFrame (body: Uint8ArrayList): void {
    const checked = checkDmFrame(body, this.remotePeerBytes, this.localPeerBytes)
    if (isRefusal(checked)) {
      if (++this.refused >= MAX_REFUSED_FRAMES_PER_STREAM) {
        // A peer that keeps sending what we refuse (2 KB of zeros is 2,000 empty frames)
        // would get an error frame for each: answer the budget's worth, then close.
        this.refuseAndClose('MALFORMED', new DmRefusedError('MALFORMED', `${MAX_REFUSED_FRAMES_PER_STREAM} frames refused on one stream`), [checked])
        return
      }
      this.writeRefusals([checked])
      return
    }
    this.queue.push(checked)
    this.unacked++
    this.scheduleProcess()
  }

  /**
   * Starts the handler once the microtasks now queued have run, not at once: frames that
   * arrived in the same chunk are parsed first (their reads resolve in microtasks, and Node runs
   * a nextTick callback only when the microtask queue is empty) and go in one batch. Not on the
   * next turn of the event loop (setImmediate): that cost every message 70-80 us on a loaded
   * machine, waiting behind other I/O (issue 9).
   */
  private scheduleProcess (): void {
    if (this.processing || this.processScheduled) return
    this.processScheduled = true
    process.nextTick(() => {
      this.processScheduled = false
      if (!this.processing && this.queue.length > 0) void this.process()
    })
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
        this.writeFrames(batch.map((envelope, i) => resultFrame(envelope.id as Uint8Array<ArrayBuffer>, results[i])))
        this.unacked -= batch.length
        this.armIdleTimer()
        this.wake()
      }
    } finally {
      this.processing = false
      this.maybeFinish()
    }
  }

  private async callHandler (batch: ParsedEnvelope[]): Promise<DmReceiveResult[]> {
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

  private writeRefusals (refusals: DmRefusal[]): void {
    this.log('refusing %d frames from %p: %s', refusals.length, this.remotePeer, refusals.map(r => r.code).join(','))
    this.writeFrames(refusals.map(r => errorFrame(r.id, r.code, r.message)))
  }

  /**
   * Writes frames in one go (one send, now, not at the writer's flush point: acks are what the
   * sender waits for). If the muxer asks us to wait, stop reading until the stream drains
   * (frames written meanwhile wait in the writer); a peer that does not read its acks within the
   * write timeout is not served further.
   */
  private writeFrames (bodies: Uint8Array[]): void {
    if (bodies.length === 0 || this.closed || this.stream.writeStatus !== 'writable') {
      return
    }
    try {
      for (const body of bodies) this.writer.write(body, { failed: this.onWriteFailed })
    } catch (err) {
      this.onWriteFailed(err)
      return
    }
    this.writer.flush()
    if (!this.stream.writableNeedsDrain || this.waitingForDrain) return
    this.waitingForDrain = true
    this.updateFlow()
    this.writer.ready(AbortSignal.timeout(this.options.writeTimeout)).then(() => {
      this.waitingForDrain = false
      this.wake()
      this.maybeFinish()
    }, this.onWriteFailed)
  }

  private readonly onWriteFailed = (err: unknown): void => {
    if (this.closed) return
    this.log.error('could not write to %p - %e', this.remotePeer, err)
    this.abort(err instanceof Error ? err : new Error('the dm stream closed while acks were written'))
  }

  /** Lets the read loop go on (it re-checks the budget), and resumes the stream. */
  private wake (): void {
    this.wakeReader?.()
    this.updateFlow()
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
  private refuseAndClose (code: DmErrorCode, err: Error, refusals: DmRefusal[] = []): void {
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
    if (!this.remoteDone || this.closed || this.processing || this.processScheduled || this.unacked > 0 || this.waitingForDrain) {
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
    // A read waiting for a frame ends (the read loop sees `closed`); later bytes are not decoded.
    this.reader.detach()
    this.wakeReader?.()
    this.options.onClosed(this)
  }
}
