/**
 * The sending side of one long-lived dm stream to one peer (docs/protocol.md part 6,
 * "Sender"). Envelopes are pipelined: each send() queues its frame and waits for the ack or
 * error frame that carries its envelope id, in whatever order they come back. Answers are read
 * with the frame reader (src/net/frame-reader.ts: lpStream's framing, capped, every whole frame
 * of a chunk decoded at once: a flood's acks come dozens to a chunk); frames queued together are
 * written together, in order (src/net/frame-writer.ts).
 */
import { DmFrame } from '../../wire/dm.js'
import { FrameReader, FrameTooLargeError } from '../frame-reader.js'
import { FrameWriter } from '../frame-writer.js'
import { MAX_DM_CONTROL_FRAME_BYTES } from './constants.js'
import { DmRefusedError, DmStreamClosedError, DmTimeoutError } from './errors.js'
import { idKey } from './frames.js'
import { AnswerSilence } from './silence.js'
import type { DmErrorCode } from './errors.js'
import type { Logger, PeerId, Stream, StreamCloseEvent } from '@libp2p/interface'
import type { Uint8ArrayList } from 'uint8arraylist'

export interface DmSendResult {
  status: 'ok' | 'duplicate'
}

/** One envelope written (or waiting to be) and not yet answered. */
interface PendingSend {
  key: string
  resolve(result: DmSendResult): void
  reject(err: unknown): void
  timer: ReturnType<typeof setTimeout> | undefined
  signal: AbortSignal | undefined
  settled: boolean
}

/** The senders waiting on one caller signal, and the one abort listener that fails them. */
interface SignalWatch {
  entries: Set<PendingSend>
  onAbort: () => void
}

export class DmOutboundChannel {
  readonly stream: Stream
  readonly peer: PeerId
  /** Envelope id (hex) -> senders waiting for it, oldest first (the same id may be resent). */
  private readonly pending = new Map<string, PendingSend[]>()
  /**
   * Caller signals, each with ONE abort listener however many sends share it: a delivery round
   * passes one signal for up to 256 envelopes, and a listener (or an AbortSignal.any, with its
   * own timer) per envelope cost ~50 us each on a loaded machine.
   */
  private readonly watches = new Map<AbortSignal, SignalWatch>()
  private readonly reader: FrameReader
  private readonly writes: FrameWriter
  private readonly log: Logger
  private readonly onClosed: (channel: DmOutboundChannel) => void
  /** Envelopes in flight and the peer silent (silence.ts): told to the service, which has the connection probed. */
  private readonly silence: AnswerSilence
  private closed = false
  /** The receiver half-closed: no new envelopes go out; the read loop ends what is in flight. */
  private remoteClosed = false
  /** Why the stream closed, for the envelopes the read loop finds still in flight. */
  private closeCause: unknown

  constructor (stream: Stream, peer: PeerId, log: Logger, onClosed: (channel: DmOutboundChannel) => void, silence: { afterMs: number, onSilent: (channel: DmOutboundChannel) => void }) {
    this.stream = stream
    this.peer = peer
    this.log = log
    this.onClosed = onClosed
    this.silence = new AnswerSilence(silence.afterMs, () => this.inFlight, () => { silence.onSilent(this) })
    // Answers are never held back (no pause): there are at most as many as envelopes in flight.
    this.reader = new FrameReader(stream, { maxDataLength: MAX_DM_CONTROL_FRAME_BYTES, highWaterMark: Number.POSITIVE_INFINITY })
    this.writes = new FrameWriter(stream, {
      canWrite: () => this.isOpen ? undefined : new DmStreamClosedError('The dm stream closed before the envelope was written')
    })
    this.onClose = this.onClose.bind(this)
    this.onRemoteCloseWrite = this.onRemoteCloseWrite.bind(this)
    stream.addEventListener('close', this.onClose)
    stream.addEventListener('remoteCloseWrite', this.onRemoteCloseWrite)
    void this.readLoop()
  }

  /** True while envelopes can be written and acks can still arrive. */
  get isOpen (): boolean {
    return !this.closed && !this.remoteClosed && this.stream.status === 'open' && this.stream.writeStatus === 'writable'
  }

  /** Envelopes written (or waiting to be written) and not yet answered. */
  get inFlight (): number {
    let n = 0
    for (const list of this.pending.values()) {
      n += list.length
    }
    return n
  }

  /**
   * Writes one frame body carrying the envelope `id` and waits for its answer: the ack, an
   * error frame (DmRefusedError), DmTimeoutError after `timeoutMs`, the reason of `signal`
   * when it aborts, or DmStreamClosedError.
   */
  async send (id: Uint8Array, frame: Uint8ArrayList, timeoutMs: number, signal?: AbortSignal): Promise<DmSendResult> {
    if (!this.isOpen) {
      throw new DmStreamClosedError('The dm stream is closed')
    }
    signal?.throwIfAborted()
    return await new Promise<DmSendResult>((resolve, reject) => {
      const entry: PendingSend = { key: idKey(id), resolve, reject, timer: undefined, signal, settled: false }
      entry.timer = setTimeout(() => { this.settle(entry, new DmTimeoutError()) }, timeoutMs)
      this.addPending(entry)
      if (signal !== undefined) this.watch(signal, entry)
      const failed = (err: unknown): void => {
        this.settle(entry, err instanceof DmStreamClosedError ? err : new DmStreamClosedError('The dm stream failed with the envelope in flight', { cause: err }))
      }
      this.silence.sent()
      try {
        this.writes.write(frame, { cancelled: () => entry.settled, failed })
      } catch (err) {
        // An earlier write failed: the stream is gone.
        failed(err)
      }
    })
  }

  /** Ends one send: with `outcome` (an answer) or an error; the first settlement wins. */
  private settle (entry: PendingSend, outcome: DmSendResult | Error | unknown): void {
    if (entry.settled) return
    entry.settled = true
    clearTimeout(entry.timer)
    this.removePending(entry)
    if (entry.signal !== undefined) this.unwatch(entry.signal, entry)
    if (isResult(outcome)) entry.resolve(outcome)
    else entry.reject(outcome)
  }

  private watch (signal: AbortSignal, entry: PendingSend): void {
    let watch = this.watches.get(signal)
    if (watch === undefined) {
      const entries = new Set<PendingSend>()
      const onAbort = (): void => {
        this.watches.delete(signal)
        for (const e of [...entries]) this.settle(e, signal.reason)
      }
      watch = { entries, onAbort }
      this.watches.set(signal, watch)
      signal.addEventListener('abort', onAbort, { once: true })
    }
    watch.entries.add(entry)
  }

  private unwatch (signal: AbortSignal, entry: PendingSend): void {
    const watch = this.watches.get(signal)
    if (watch === undefined) return
    watch.entries.delete(entry)
    if (watch.entries.size === 0) {
      this.watches.delete(signal)
      signal.removeEventListener('abort', watch.onAbort)
    }
  }

  /** Closes the stream; every envelope in flight fails with DmStreamClosedError. */
  abort (err: Error): void {
    this.fail(new DmStreamClosedError('The dm stream was closed locally', { cause: err }))
    this.stream.abort(err)
  }

  private addPending (entry: PendingSend): void {
    const list = this.pending.get(entry.key)
    if (list == null) {
      this.pending.set(entry.key, [entry])
    } else {
      list.push(entry)
    }
  }

  private removePending (entry: PendingSend): void {
    const list = this.pending.get(entry.key)
    if (list == null) {
      return
    }
    const index = list.indexOf(entry)
    if (index !== -1) {
      list.splice(index, 1)
    }
    if (list.length === 0) {
      this.pending.delete(entry.key)
    }
  }

  /** The oldest sender waiting for `id`. */
  private oldestPending (id: Uint8Array): PendingSend | undefined {
    return this.pending.get(idKey(id))?.[0]
  }

  /**
   * Reads ack and error frames until the stream ends. Frames already received are read before
   * the end is acted on: an ack that arrived with the receiver's close still settles its send.
   */
  private async readLoop (): Promise<void> {
    while (!this.closed) {
      let body: Uint8ArrayList | undefined
      let failure: unknown
      try {
        body = await this.reader.next()
      } catch (err) {
        if (err instanceof FrameTooLargeError) return this.protocolBroken(err)
        // The stream failed (reset): as at its end.
        failure = err
      }
      if (this.closed) return
      if (body === undefined) {
        // The receiver half-closed, or the stream ended: what is still in flight cannot be
        // answered here. Close our side too.
        this.fail(new DmStreamClosedError(this.remoteClosed ? 'The receiver closed the dm stream' : 'The dm stream closed with envelopes in flight', { cause: this.closeCause ?? failure }))
        if (this.stream.status === 'open') {
          this.stream.close().catch((closeErr: unknown) => {
            this.stream.abort(closeErr instanceof Error ? closeErr : new Error(String(closeErr)))
          })
        }
        return
      }
      let frame: DmFrame
      try {
        frame = DmFrame.decode(body)
      } catch (err) {
        return this.protocolBroken(err)
      }
      this.onFrame(frame)
    }
  }

  /** The receiver broke the protocol: nothing it says on this stream can be trusted. */
  private protocolBroken (err: unknown): void {
    if (this.closed) return
    this.log.error('bad frame from %p - %e', this.peer, err)
    this.abort(err instanceof Error ? err : new Error(String(err)))
  }

  private onFrame (frame: DmFrame): void {
    this.silence.heard()
    if (frame.ack != null) {
      const entry = this.oldestPending(frame.ack.id)
      if (entry == null) {
        this.log('ack for an envelope not in flight from %p', this.peer)
        return
      }
      if (frame.ack.status === DmFrame.Ack.Status.DUPLICATE) {
        this.settle(entry, DUPLICATE)
      } else if (frame.ack.status === DmFrame.Ack.Status.OK) {
        this.settle(entry, OK)
      } else {
        this.settle(entry, new DmRefusedError('UNSUPPORTED', 'ack with unspecified status'))
      }
      return
    }
    if (frame.error != null) {
      const code: DmErrorCode = frame.error.code === DmFrame.Error.Code.CODE_UNSPECIFIED
        ? 'INTERNAL'
        : frame.error.code
      const entry = frame.error.id.byteLength > 0 ? this.oldestPending(frame.error.id) : undefined
      if (entry == null) {
        // An error that names no envelope of ours (e.g. TOO_LARGE, whose id cannot be read):
        // if the receiver closes the stream next, the envelopes in flight fail then.
        this.log('error frame %s from %p names no envelope in flight', code, this.peer)
        return
      }
      this.settle(entry, new DmRefusedError(code, frame.error.message))
      return
    }
    // Envelopes travel only from the stream opener to the listener.
    this.log('ignoring an unexpected frame from %p', this.peer)
  }

  private onRemoteCloseWrite (): void {
    // The receiver will send no more acks; the read loop settles what is in flight once it has
    // read what already arrived.
    this.remoteClosed = true
  }

  private onClose (evt: StreamCloseEvent): void {
    this.closeCause = evt.error
  }

  private fail (err: DmStreamClosedError): void {
    this.silence.stop()
    if (!this.closed) {
      this.closed = true
      this.onClosed(this)
    }
    for (const list of [...this.pending.values()]) {
      for (const entry of [...list]) {
        this.settle(entry, err)
      }
    }
  }
}

const OK: DmSendResult = Object.freeze({ status: 'ok' })
const DUPLICATE: DmSendResult = Object.freeze({ status: 'duplicate' })

function isResult (outcome: unknown): outcome is DmSendResult {
  return outcome === OK || outcome === DUPLICATE
}
