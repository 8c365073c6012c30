/**
 * Length-prefixed framing of the dm protocol (docs/protocol.md part 6, "Framing"): each frame
 * is an unsigned LEB128 varint giving the body length, then the body. The decoder is pull-based
 * so that a receiver can stop parsing when it has enough work in flight, and it checks the
 * announced length against the limit before buffering the body.
 */
import { Uint8ArrayList } from 'uint8arraylist'
import { FrameTooLargeError } from './errors.js'

/** Bytes needed to encode `value` as an unsigned varint. */
export function varintLength (value: number): number {
  let length = 1
  while (value >= 0x80) {
    value = Math.floor(value / 0x80)
    length++
  }
  return length
}

/** The unsigned varint encoding of a non-negative safe integer. */
export function encodeVarint (value: number): Uint8Array {
  const out = new Uint8Array(varintLength(value))
  let i = 0
  while (value >= 0x80) {
    out[i++] = (value % 0x80) | 0x80
    value = Math.floor(value / 0x80)
  }
  out[i] = value
  return out
}

/** One frame on the wire: varint(body.length) || body. */
export function encodeFrame (body: Uint8Array): Uint8Array {
  const prefix = encodeVarint(body.byteLength)
  const out = new Uint8Array(prefix.byteLength + body.byteLength)
  out.set(prefix, 0)
  out.set(body, prefix.byteLength)
  return out
}

/** Several frames concatenated into one buffer, so that they go out in one write. */
export function encodeFrames (bodies: Uint8Array[]): Uint8Array {
  const frames = bodies.map(encodeFrame)
  const out = new Uint8Array(frames.reduce((n, f) => n + f.byteLength, 0))
  let offset = 0
  for (const frame of frames) {
    out.set(frame, offset)
    offset += frame.byteLength
  }
  return out
}

export class FrameDecoder {
  private readonly buffer = new Uint8ArrayList()
  private readonly maxFrameBytes: number
  private readonly maxPrefixBytes: number

  constructor (maxFrameBytes: number) {
    this.maxFrameBytes = maxFrameBytes
    this.maxPrefixBytes = varintLength(maxFrameBytes)
  }

  /** Bytes received and not yet returned as frames. */
  get bufferedBytes (): number {
    return this.buffer.byteLength
  }

  push (data: Uint8Array | Uint8ArrayList): void {
    this.buffer.append(data)
  }

  /**
   * The next complete frame body, or null when more bytes are needed. Throws
   * FrameTooLargeError when the prefix announces more than the limit (or is longer than the
   * limit's varint): the stream's framing cannot be trusted after that.
   */
  next (): Uint8Array | null {
    let length = 0
    let multiplier = 1
    let prefixBytes = 0
    for (;;) {
      if (prefixBytes >= this.buffer.byteLength) {
        return null
      }
      if (prefixBytes >= this.maxPrefixBytes) {
        throw new FrameTooLargeError(`Frame length prefix longer than ${this.maxPrefixBytes} bytes`)
      }
      const byte = this.buffer.get(prefixBytes)
      prefixBytes++
      length += (byte & 0x7f) * multiplier
      multiplier *= 0x80
      if ((byte & 0x80) === 0) {
        break
      }
    }
    if (length > this.maxFrameBytes) {
      throw new FrameTooLargeError(`Frame of ${length} bytes exceeds the limit of ${this.maxFrameBytes}`)
    }
    if (this.buffer.byteLength < prefixBytes + length) {
      return null
    }
    const body = this.buffer.subarray(prefixBytes, prefixBytes + length)
    this.buffer.consume(prefixBytes + length)
    return body
  }
}
