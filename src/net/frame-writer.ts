/**
 * Writes unsigned-varint length-prefixed frames (lpStream's framing) to a libp2p 3 stream,
 * coalesced: frames written before the event loop's next check phase (setImmediate: the
 * answers a LevelDB batch completes together, the calls a caller makes together) go out in ONE
 * Stream.send(),
 * which is one yamux frame, one noise frame and one socket write where lpStream.write() made
 * one of each per frame (docs/benchmarks.md, "Where the time goes (relay)"). The bytes on the
 * wire are the same frames back to back; only the segments they travel in change.
 *
 * Backpressure (libp2p 3: send() returns false when the caller must wait for 'drain'): the
 * bytes are queued by the stream anyway; ready() waits for the drain before more is written.
 */
import type { Stream } from '@libp2p/interface'

function varintLength (n: number): number {
  let bytes = 1
  while (n >= 128) {
    n = Math.floor(n / 128)
    bytes++
  }
  return bytes
}

function writeVarint (n: number, target: Uint8Array, offset: number): number {
  while (n >= 128) {
    target[offset++] = (n % 128) | 0x80
    n = Math.floor(n / 128)
  }
  target[offset++] = n
  return offset
}

export class FrameWriter {
  private readonly stream: Stream
  private pending: Uint8Array[] = []
  private pendingBytes = 0
  private scheduled = false
  private error: unknown
  private readonly flushNow = (): void => { this.flush() }

  constructor (stream: Stream) {
    this.stream = stream
  }

  /**
   * Queues one frame; it is sent with every other frame queued before the next check phase. Throws the error
   * of an earlier send (the stream closed under it).
   */
  write (frame: Uint8Array): void {
    if (this.error !== undefined) throw this.error
    this.pending.push(frame)
    this.pendingBytes += varintLength(frame.byteLength) + frame.byteLength
    if (!this.scheduled) {
      this.scheduled = true
      setImmediate(this.flushNow)
    }
  }

  /**
   * Resolves once the stream takes more data (at once unless a send was refused: Stream.onDrain);
   * rejects when the stream closes first, an earlier send failed, or `signal` aborts. Frames
   * still queued count from their send on: a writer may run one batch ahead of the drain.
   */
  async ready (signal?: AbortSignal): Promise<void> {
    if (this.error !== undefined) throw this.error
    await this.stream.onDrain(signal === undefined ? undefined : { signal })
  }

  /** Sends what is queued now, in one send(). */
  flush (): void {
    this.scheduled = false
    if (this.pending.length === 0 || this.error !== undefined) return
    const frames = this.pending
    const bytes = new Uint8Array(this.pendingBytes)
    this.pending = []
    this.pendingBytes = 0
    let offset = 0
    for (const frame of frames) {
      offset = writeVarint(frame.byteLength, bytes, offset)
      bytes.set(frame, offset)
      offset += frame.byteLength
    }
    try {
      this.stream.send(bytes)
    } catch (err) {
      this.error = err
    }
  }
}
