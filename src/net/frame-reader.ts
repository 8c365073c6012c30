/**
 * Reads unsigned-varint length-prefixed frames (the framing of lpStream in @libp2p/utils) from
 * a libp2p 3 stream. lpStream's read() asks its byte stream for one byte at a time until the
 * length prefix decodes, each ask a promise raced against the caller's signal, then once more
 * for the frame: at a few thousand small frames a second that machinery was a visible part of a
 * relay's CPU (docs/benchmarks.md, "Where the time goes (relay)"). This reader decodes every
 * whole frame in a 'message' event synchronously and queues them; next() hands out a queued
 * frame at once. The bytes on the wire are the same.
 *
 * Backpressure: with `highWaterMark` frames queued, the stream is paused (libp2p 3
 * Stream.pause(): yamux stops granting window, so the sender stops after its window) and
 * resumed once the queue is read down to half of it.
 */
import { MurmurError } from '../errors/murmur-error.js'
import { encodingLength } from 'uint8-varint'
import { Uint8ArrayList } from 'uint8arraylist'
import type { Stream } from '@libp2p/interface'

/** A length prefix above the reader's `maxDataLength`: the stream's framing cannot be followed past it. */
export class FrameTooLargeError extends MurmurError {
  constructor (message: string) {
    super(message)
  }
}

export interface FrameReaderInit {
  /** Largest frame accepted; a larger length prefix fails the reader with FrameTooLargeError. */
  maxDataLength: number
  /**
   * Frames queued before the stream is paused. Infinity: never pause (the owner of the stream
   * governs its flow itself, and the muxer's window bounds what arrives meanwhile).
   */
  highWaterMark: number
}

type Waiter = (settled: { frame?: Uint8ArrayList, error?: unknown }) => void

export class FrameReader {
  private readonly stream: Stream
  private readonly init: FrameReaderInit
  private readonly maxPrefixBytes: number
  private readonly buffer = new Uint8ArrayList()
  private readonly frames: Uint8ArrayList[] = []
  /** The reader failed (an oversized prefix, a reset): every later next() rejects with it. */
  private error: unknown
  private ended = false
  private paused = false
  private waiter: Waiter | undefined
  private readonly onMessage: (evt: Event) => void
  private readonly onEnd: (evt: Event) => void

  constructor (stream: Stream, init: FrameReaderInit) {
    this.stream = stream
    this.init = init
    // The bytes of the longest prefix a frame we accept needs: a prefix still unfinished after
    // them cannot announce one, and is refused there, not read on (docs/protocol.md part 6, TOO_LARGE).
    this.maxPrefixBytes = encodingLength(init.maxDataLength)
    this.onMessage = (evt) => { this.receive((evt as Event & { data: Uint8Array | Uint8ArrayList }).data) }
    this.onEnd = (evt) => {
      const error = (evt as Event & { error?: unknown }).error
      if (error != null) this.fail(error)
      else this.finish()
    }
    stream.addEventListener('message', this.onMessage)
    stream.addEventListener('close', this.onEnd)
    stream.addEventListener('remoteCloseWrite', this.onEnd)
  }

  /**
   * The next frame; undefined once the remote has closed its side and every frame was read.
   * Rejects with FrameTooLargeError or the stream's error. One caller at a time.
   */
  async next (): Promise<Uint8ArrayList | undefined> {
    const frame = this.take()
    if (frame !== undefined || this.error !== undefined || this.ended) {
      if (frame === undefined && this.error !== undefined) throw this.error
      return frame
    }
    const settled = await new Promise<{ frame?: Uint8ArrayList, error?: unknown }>((resolve) => { this.waiter = resolve })
    if (settled.error !== undefined) throw settled.error
    return settled.frame
  }

  /** Stops listening: a waiting next() resolves as at the end; bytes of a frame not yet whole are dropped. */
  detach (): void {
    this.stream.removeEventListener('message', this.onMessage)
    this.stream.removeEventListener('close', this.onEnd)
    this.stream.removeEventListener('remoteCloseWrite', this.onEnd)
    if (this.paused && this.stream.readStatus === 'paused') this.stream.resume()
    this.paused = false
    this.finish()
  }

  private take (): Uint8ArrayList | undefined {
    const frame = this.frames.shift()
    if (this.paused && this.frames.length <= this.init.highWaterMark / 2) this.resume()
    return frame
  }

  private receive (data: Uint8Array | Uint8ArrayList): void {
    if (this.error !== undefined) return
    this.buffer.append(data)
    try {
      for (;;) {
        const frame = this.decodeOne()
        if (frame === undefined) break
        this.deliver(frame)
      }
    } catch (err) {
      this.fail(err)
      return
    }
    if (!this.paused && this.frames.length >= this.init.highWaterMark && this.stream.readStatus === 'readable') {
      this.paused = true
      this.stream.pause()
    }
  }

  /** One whole frame off the front of the buffer, or undefined while it is not all here. */
  private decodeOne (): Uint8ArrayList | undefined {
    const available = this.buffer.byteLength
    let length = 0
    let multiplier = 1
    let prefix = 0
    for (;;) {
      if (prefix >= available) return undefined
      const byte = this.buffer.get(prefix)
      prefix++
      length += (byte & 0x7f) * multiplier
      if (byte < 0x80) break
      multiplier *= 128
      if (prefix >= this.maxPrefixBytes) throw new FrameTooLargeError(`frame length prefix longer than ${this.maxPrefixBytes} bytes`)
    }
    if (length > this.init.maxDataLength) throw new FrameTooLargeError(`frame of ${length} bytes, above ${this.init.maxDataLength}`)
    if (available < prefix + length) return undefined
    const frame = this.buffer.sublist(prefix, prefix + length)
    this.buffer.consume(prefix + length)
    return frame
  }

  private deliver (frame: Uint8ArrayList): void {
    const waiter = this.waiter
    if (waiter !== undefined && this.frames.length === 0) {
      this.waiter = undefined
      waiter({ frame })
      return
    }
    this.frames.push(frame)
  }

  private finish (): void {
    if (this.ended) return
    this.ended = true
    const waiter = this.waiter
    this.waiter = undefined
    waiter?.({})
  }

  private fail (error: unknown): void {
    if (this.error !== undefined) return
    this.error = error
    const waiter = this.waiter
    this.waiter = undefined
    waiter?.({ error })
  }

  private resume (): void {
    if (!this.paused) return
    this.paused = false
    if (this.stream.readStatus === 'paused') this.stream.resume()
  }
}
