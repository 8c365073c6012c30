/**
 * Writes unsigned-varint length-prefixed frames (lpStream's framing) to a libp2p 3 stream,
 * coalesced: the frames queued until the writer's flush point go out in ONE Stream.send(), which
 * is one yamux frame, one noise message and one socket write where a write per frame made one of
 * each (docs/benchmarks.md, "Where the time goes (relay)"; issue 9: a flood of 100-byte envelopes
 * spent ~15% of the sender's CPU and ~13% of the receiver's on them). The bytes on the wire are
 * the same frames back to back; only the segments they travel in change. Both the dm sender
 * (docs/protocol.md part 6) and the relay's request streams (docs/relay.md, "Request streams")
 * write through it.
 *
 * Flush point: 'tick' (process.nextTick: once the promise chains now running have queued their
 * frames, without waiting for the event loop's next turn), or 'check' (setImmediate: also every
 * frame queued by the other I/O callbacks of this turn, such as the answers a LevelDB batch
 * completes together). flush() sends at once.
 *
 * Order is kept: frames leave in the order they were queued, at most `maxBytes` per send (a
 * larger frame goes alone). While the stream asks for a drain (send() returned false), queued
 * frames wait in the writer and go out on the drain, so the stream never holds more than one
 * send beyond what the muxer took. A frame can carry callbacks: `cancelled` drops it unwritten
 * (its sender gave up meanwhile), `failed` is told why it could not be written.
 *
 * Drains are awaited on the stream's 'drain' and 'close' events, not Stream.onDrain():
 * @libp2p/utils 7.4 keeps the promise of the first drain, so onDrain() resolves at once on every
 * later refusal too; a loop awaiting it while writableNeedsDrain spins without end.
 */
import { StreamClosedError } from '@libp2p/utils'
import { encodeUint8Array, encodingLength } from 'uint8-varint'
import type { Stream, StreamCloseEvent } from '@libp2p/interface'
import type { Uint8ArrayList } from 'uint8arraylist'

/** What a frame's sender is told, or asked, about it. */
export interface FrameCallbacks {
  /** True when the frame must no longer be written (its sender gave up meanwhile). */
  readonly cancelled?: () => boolean
  /** The frame could not be written: `err` says why. */
  readonly failed?: (err: unknown) => void
}

export interface FrameWriterInit {
  /** When queued frames are sent by themselves: 'tick' (default) or 'check' (see above). */
  flushAt?: 'tick' | 'check'
  /** Bytes of frames sent in one send() at most (a larger frame still goes, alone). */
  maxBytes?: number
  /** Undefined while frames may be written, else the error that queued frames fail with. */
  canWrite?: () => Error | undefined
}

/** Bytes of frames sent in one send() at most, unless the writer is told otherwise. */
export const COALESCED_WRITE_BYTES = 64 * 1024

interface QueuedFrame extends FrameCallbacks {
  readonly body: Uint8Array | Uint8ArrayList
}

export class FrameWriter {
  private readonly stream: Stream
  private readonly flushAt: 'tick' | 'check'
  private readonly maxBytes: number
  private readonly canWrite: () => Error | undefined
  private queue: QueuedFrame[] = []
  private scheduled = false
  /** A drain is awaited: frames queued meanwhile go out when it comes. */
  private draining = false
  private error: unknown
  private readonly flushNow = (): void => { this.flush() }

  constructor (stream: Stream, init: FrameWriterInit = {}) {
    this.stream = stream
    this.flushAt = init.flushAt ?? 'tick'
    this.maxBytes = init.maxBytes ?? COALESCED_WRITE_BYTES
    this.canWrite = init.canWrite ?? (() => undefined)
  }

  /** Frames queued and not yet handed to the stream. */
  get queued (): number {
    return this.queue.length
  }

  /**
   * Queues one frame body (its length prefix is added here); it is sent with every other frame
   * queued before the flush point. Throws the error of an earlier send (the stream closed under it).
   */
  write (body: Uint8Array | Uint8ArrayList, callbacks: FrameCallbacks = {}): void {
    if (this.error !== undefined) throw this.error
    this.queue.push({ body, cancelled: callbacks.cancelled, failed: callbacks.failed })
    if (this.scheduled || this.draining) return
    this.scheduled = true
    if (this.flushAt === 'tick') process.nextTick(this.flushNow)
    else setImmediate(this.flushNow)
  }

  /**
   * Resolves once the stream takes more data (at once unless a send was refused);
   * rejects when the stream closes first, an earlier send failed, or `signal` aborts. Frames
   * still queued count from their send on: a writer may run one batch ahead of the drain.
   */
  async ready (signal?: AbortSignal): Promise<void> {
    if (this.error !== undefined) throw this.error
    if (!this.stream.writableNeedsDrain) return
    await new Promise<void>((resolve, reject) => {
      const cleanup = this.onDrainOrClose(() => {
        signal?.removeEventListener('abort', onAbort)
        resolve()
      }, (err) => {
        signal?.removeEventListener('abort', onAbort)
        reject(err)
      })
      const onAbort = (): void => {
        cleanup()
        reject(signal?.reason)
      }
      if (signal?.aborted === true) return onAbort()
      signal?.addEventListener('abort', onAbort, { once: true })
    })
  }

  /** Sends what is queued now (in sends of at most maxBytes), or once the stream has drained. */
  flush (): void {
    this.scheduled = false
    while (this.queue.length > 0 && !this.draining) {
      if (this.error !== undefined) return this.failAll(this.error)
      if (this.stream.writableNeedsDrain) return this.awaitDrain()
      const group = this.take()
      if (group.length === 0) continue
      const refused = this.canWrite()
      if (refused !== undefined) {
        for (const frame of group) frame.failed?.(refused)
        continue
      }
      try {
        this.stream.send(encodeFrames(group))
      } catch (err) {
        this.error = err
        for (const frame of group) frame.failed?.(err)
      }
    }
  }

  private awaitDrain (): void {
    this.draining = true
    this.onDrainOrClose(() => {
      this.draining = false
      this.flush()
    }, (err) => {
      // The stream closed while waiting: nothing queued can be written any more.
      this.draining = false
      this.error ??= err
      this.failAll(err)
    })
  }

  /** Calls `drained` on the stream's next drain, or `closed` if it closes first; returns the cancel. */
  private onDrainOrClose (drained: () => void, closed: (err: unknown) => void): () => void {
    const cleanup = (): void => {
      this.stream.removeEventListener('drain', onDrain)
      this.stream.removeEventListener('close', onClose)
    }
    const onDrain = (): void => {
      cleanup()
      drained()
    }
    const onClose = (evt: StreamCloseEvent): void => {
      cleanup()
      closed(evt.error ?? new StreamClosedError('The stream closed before it drained'))
    }
    this.stream.addEventListener('drain', onDrain)
    this.stream.addEventListener('close', onClose)
    return cleanup
  }

  private failAll (err: unknown): void {
    const frames = this.queue
    this.queue = []
    for (const frame of frames) frame.failed?.(err)
  }

  /** The next frames to send, in order, up to maxBytes (at least one); cancelled ones dropped. */
  private take (): QueuedFrame[] {
    const group: QueuedFrame[] = []
    let bytes = 0
    let i = 0
    for (; i < this.queue.length; i++) {
      const next = this.queue[i]
      if (next.cancelled?.() === true) continue
      if (group.length > 0 && bytes + next.body.byteLength > this.maxBytes) break
      group.push(next)
      bytes += next.body.byteLength
    }
    this.queue.splice(0, i)
    return group
  }
}

/** The frames' bodies, each behind its varint length, in one buffer (one copy of each). */
function encodeFrames (frames: QueuedFrame[]): Uint8Array {
  let size = 0
  for (const { body } of frames) size += encodingLength(body.byteLength) + body.byteLength
  const bytes = new Uint8Array(size)
  let offset = 0
  for (const { body } of frames) {
    encodeUint8Array(body.byteLength, bytes, offset)
    offset += encodingLength(body.byteLength)
    if (body instanceof Uint8Array) {
      bytes.set(body, offset)
      offset += body.byteLength
    } else {
      for (const buf of body) {
        bytes.set(buf, offset)
        offset += buf.byteLength
      }
    }
  }
  return bytes
}
