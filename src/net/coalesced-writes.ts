/**
 * Length-prefixed frames queued by many callers, written to a stream together: the frames
 * queued while the current microtasks run go out in ONE `send()` of the stream (lpStream's
 * writeV), so one yamux data frame, one noise message and one socket write carry them all,
 * instead of one of each per frame. Each of those costs CPU per call, not per byte, and the
 * receiving yamux answers every data frame with a window update of its own (issue 9: a flood
 * of 100-byte envelopes spent ~15% of the sender's CPU and ~13% of the receiver's on them).
 *
 * Order is kept: frames leave in the order they were queued. A write waits while the stream
 * asks for a drain (Stream.send returned false), so at most `maxBytes` (or one larger frame)
 * is ever queued in the stream beyond what the muxer took.
 */
import type { LengthPrefixedStream } from '@libp2p/utils'
import type { Stream } from '@libp2p/interface'
import type { Uint8ArrayList } from 'uint8arraylist'

export interface QueuedFrame {
  /** The frame's body; its length prefix is added when written. */
  readonly body: Uint8Array | Uint8ArrayList
  /** True when the frame must no longer be written (its sender gave up meanwhile). */
  readonly cancelled: () => boolean
  /** The write failed or could not happen: `err` says why. */
  readonly failed: (err: unknown) => void
}

/** Bytes of frames written in one send() at most (a larger frame still goes, alone). */
export const COALESCED_WRITE_BYTES = 64 * 1024

export class CoalescedWrites {
  private readonly stream: Stream
  private readonly lp: LengthPrefixedStream
  private readonly canWrite: () => Error | undefined
  private readonly maxBytes: number
  private readonly queue: QueuedFrame[] = []
  private scheduled = false
  private writing = false

  /**
   * `canWrite` returns undefined while frames may be written, else the error that the frames
   * still queued fail with.
   */
  constructor (stream: Stream, lp: LengthPrefixedStream, canWrite: () => Error | undefined, maxBytes = COALESCED_WRITE_BYTES) {
    this.stream = stream
    this.lp = lp
    this.canWrite = canWrite
    this.maxBytes = maxBytes
  }

  /** Frames queued and not yet handed to the stream. */
  get queued (): number {
    return this.queue.length
  }

  /** Queues a frame; it is written once the microtasks now queued have run. */
  enqueue (frame: QueuedFrame): void {
    this.queue.push(frame)
    if (this.scheduled || this.writing) return
    this.scheduled = true
    // process.nextTick, not setImmediate: it runs once the microtask queue is empty, so every
    // frame queued by the promise chains now running joins this write, and no I/O callback of
    // the event loop's next turn is waited for (docs/benchmarks.md, "The net benchmark").
    process.nextTick(() => {
      this.scheduled = false
      void this.writeQueued()
    })
  }

  private async writeQueued (): Promise<void> {
    if (this.writing) return
    this.writing = true
    try {
      while (this.queue.length > 0) {
        try {
          while (this.stream.writableNeedsDrain && this.canWrite() === undefined && this.queue.some(f => !f.cancelled())) {
            await this.stream.onDrain()
          }
        } catch (err) {
          // The stream closed while waiting: nothing queued can be written any more.
          this.failAll(err)
          return
        }
        const group = this.take()
        if (group.length === 0) continue
        const refused = this.canWrite()
        if (refused !== undefined) {
          for (const frame of group) frame.failed(refused)
          continue
        }
        try {
          await this.lp.writeV(group.map(f => f.body))
        } catch (err) {
          for (const frame of group) frame.failed(err)
        }
      }
    } finally {
      this.writing = false
    }
  }

  private failAll (err: unknown): void {
    for (const frame of this.queue.splice(0, this.queue.length)) frame.failed(err)
  }

  /** The next frames to write, in order, up to maxBytes (at least one); cancelled ones dropped. */
  private take (): QueuedFrame[] {
    const group: QueuedFrame[] = []
    let bytes = 0
    let i = 0
    for (; i < this.queue.length; i++) {
      const next = this.queue[i]
      if (next.cancelled()) continue
      if (group.length > 0 && bytes + next.body.byteLength > this.maxBytes) break
      group.push(next)
      bytes += next.body.byteLength
    }
    this.queue.splice(0, i)
    return group
  }
}
