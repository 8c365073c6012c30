/**
 * The sending side of one long-lived dm stream to one peer (docs/protocol.md part 6,
 * "Sender"). Envelopes are pipelined: each send() writes its frame and waits for the ack or
 * error frame that carries its envelope id, in whatever order they come back. Frames go
 * through @libp2p/utils' length-prefixed stream (lpStream), which caps what it reads.
 */
import { lpStream } from '@libp2p/utils'
import { DmFrame } from '../../wire/dm.js'
import { MAX_DM_CONTROL_FRAME_BYTES } from './constants.js'
import { DmRefusedError, DmStreamClosedError } from './errors.js'
import { idKey } from './frames.js'
import type { DmErrorCode } from './errors.js'
import type { Logger, PeerId, Stream, StreamCloseEvent } from '@libp2p/interface'
import type { Uint8ArrayList } from 'uint8arraylist'

export interface DmSendResult {
  status: 'ok' | 'duplicate'
}

interface PendingSend {
  resolve(result: DmSendResult): void
  reject(err: Error): void
}

export class DmOutboundChannel {
  readonly stream: Stream
  readonly peer: PeerId
  /** Envelope id (hex) -> senders waiting for it, oldest first (the same id may be resent). */
  private readonly pending = new Map<string, PendingSend[]>()
  private readonly lp: ReturnType<typeof lpStream>
  private readonly log: Logger
  private readonly onClosed: (channel: DmOutboundChannel) => void
  private closed = false
  /** The receiver half-closed: no new envelopes go out; the read loop ends what is in flight. */
  private remoteClosed = false
  /** Why the stream closed, for the envelopes the read loop finds still in flight. */
  private closeCause: unknown

  constructor (stream: Stream, peer: PeerId, log: Logger, onClosed: (channel: DmOutboundChannel) => void) {
    this.stream = stream
    this.peer = peer
    this.log = log
    this.onClosed = onClosed
    this.lp = lpStream(stream, { maxDataLength: MAX_DM_CONTROL_FRAME_BYTES })
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
   * Writes one frame body carrying the envelope `id` and waits for its answer. The signal ends
   * the wait (the service turns its timeout into DmTimeoutError).
   */
  async send (id: Uint8Array, frame: Uint8ArrayList, signal: AbortSignal): Promise<DmSendResult> {
    if (!this.isOpen) {
      throw new DmStreamClosedError('The dm stream is closed')
    }
    const key = idKey(id)
    const entry: PendingSend = { resolve: () => {}, reject: () => {} }
    const answered = new Promise<DmSendResult>((resolve, reject) => {
      entry.resolve = resolve
      entry.reject = reject
    })
    // The answer may be rejected by a close before anyone awaits it: never leave it unhandled.
    answered.catch(() => {})
    this.addPending(key, entry)
    const onAbort = (): void => {
      this.removePending(key, entry)
      entry.reject(signal.reason)
    }
    signal.addEventListener('abort', onAbort, { once: true })
    try {
      if (signal.aborted) {
        onAbort()
      }
      // Backpressure: wait while the muxer asks us to (Stream.send returned false earlier). All
      // waiting senders share the stream's one drain promise; the frame then goes out at once,
      // so frames never interleave and at most one write at a time waits on its own drain.
      while (this.stream.writableNeedsDrain && this.isOpen && !signal.aborted) {
        await this.stream.onDrain({ signal })
      }
      if (signal.aborted) {
        throw signal.reason
      }
      if (!this.isOpen) {
        throw new DmStreamClosedError('The dm stream closed before the envelope was written')
      }
      await this.lp.write(frame, { signal })
      return await answered
    } catch (err) {
      this.removePending(key, entry)
      if (signal.aborted) {
        throw signal.reason
      }
      if (err instanceof DmRefusedError || err instanceof DmStreamClosedError) {
        throw err
      }
      throw new DmStreamClosedError('The dm stream failed with the envelope in flight', { cause: err })
    } finally {
      signal.removeEventListener('abort', onAbort)
    }
  }

  /** Closes the stream; every envelope in flight fails with DmStreamClosedError. */
  abort (err: Error): void {
    this.fail(new DmStreamClosedError('The dm stream was closed locally', { cause: err }))
    this.stream.abort(err)
  }

  private addPending (key: string, entry: PendingSend): void {
    const list = this.pending.get(key)
    if (list == null) {
      this.pending.set(key, [entry])
    } else {
      list.push(entry)
    }
  }

  private removePending (key: string, entry: PendingSend): void {
    const list = this.pending.get(key)
    if (list == null) {
      return
    }
    const index = list.indexOf(entry)
    if (index !== -1) {
      list.splice(index, 1)
    }
    if (list.length === 0) {
      this.pending.delete(key)
    }
  }

  /** The oldest sender waiting for `id`, removed from the pending map. */
  private takePending (id: Uint8Array): PendingSend | undefined {
    const key = idKey(id)
    const list = this.pending.get(key)
    const entry = list?.shift()
    if (list?.length === 0) {
      this.pending.delete(key)
    }
    return entry
  }

  /**
   * Reads ack and error frames until the stream ends. Frames already received are read before
   * the end is acted on: an ack that arrived with the receiver's close still settles its send.
   */
  private async readLoop (): Promise<void> {
    while (!this.closed) {
      let frame: DmFrame
      try {
        frame = DmFrame.decode(await this.lp.read())
      } catch (err) {
        if (this.closed) return
        if ((err as Error).name === 'UnexpectedEOFError' || this.stream.status !== 'open') {
          // The receiver half-closed, or the stream ended: what is still in flight cannot be
          // answered here. Close our side too.
          this.fail(new DmStreamClosedError(this.remoteClosed ? 'The receiver closed the dm stream' : 'The dm stream closed with envelopes in flight', { cause: this.closeCause ?? err }))
          if (this.stream.status === 'open') {
            this.stream.close().catch((closeErr: unknown) => {
              this.stream.abort(closeErr instanceof Error ? closeErr : new Error(String(closeErr)))
            })
          }
          return
        }
        // The receiver broke the protocol: nothing it says on this stream can be trusted.
        this.log.error('bad frame from %p - %e', this.peer, err)
        this.abort(err instanceof Error ? err : new Error(String(err)))
        return
      }
      this.onFrame(frame)
    }
  }

  private onFrame (frame: DmFrame): void {
    if (frame.ack != null) {
      const entry = this.takePending(frame.ack.id)
      if (entry == null) {
        this.log('ack for an envelope not in flight from %p', this.peer)
        return
      }
      if (frame.ack.status === DmFrame.Ack.Status.DUPLICATE) {
        entry.resolve({ status: 'duplicate' })
      } else if (frame.ack.status === DmFrame.Ack.Status.OK) {
        entry.resolve({ status: 'ok' })
      } else {
        entry.reject(new DmRefusedError('UNSUPPORTED', 'ack with unspecified status'))
      }
      return
    }
    if (frame.error != null) {
      const code: DmErrorCode = frame.error.code === DmFrame.Error.Code.CODE_UNSPECIFIED
        ? 'INTERNAL'
        : frame.error.code
      const entry = frame.error.id.byteLength > 0 ? this.takePending(frame.error.id) : undefined
      if (entry == null) {
        // An error that names no envelope of ours (e.g. TOO_LARGE, whose id cannot be read):
        // if the receiver closes the stream next, the envelopes in flight fail then.
        this.log('error frame %s from %p names no envelope in flight', code, this.peer)
        return
      }
      entry.reject(new DmRefusedError(code, frame.error.message))
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
    if (!this.closed) {
      this.closed = true
      this.onClosed(this)
    }
    const lists = [...this.pending.values()]
    this.pending.clear()
    for (const list of lists) {
      for (const entry of list) {
        entry.reject(err)
      }
    }
  }
}
