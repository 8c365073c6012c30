/**
 * The length prefix of a dm frame (docs/protocol.md part 6: frames are unsigned-varint
 * length-prefixed), decoded for lpStream (@libp2p/utils). lpStream reads a prefix one byte at a
 * time and asks its decoder after each byte; a RangeError means "not complete yet, read on".
 *
 * The default decoder finds an incomplete prefix by indexing past the end, so every frame of
 * 128 bytes or more (every envelope) cost a new RangeError and its stack trace: ~4% of a
 * flooding receiver's CPU. Here an incomplete prefix throws one RangeError made once, and a
 * prefix longer than any frame we accept needs is refused at once, as lpStream refuses it
 * (InvalidDataLengthLengthError), instead of being read on byte by byte.
 */
import { InvalidDataLengthLengthError } from '@libp2p/utils'
import type { Uint8ArrayList } from 'uint8arraylist'

/** Made once: thrown for every incomplete prefix, its stack is never read. */
const INCOMPLETE = new RangeError('the length prefix is not complete')

/** A decoder for lpStream's `lengthDecoder`, for frames of at most `maxDataLength` bytes. */
export function frameLengthDecoder (maxDataLength: number): (data: Uint8ArrayList) => number {
  // The bytes of the longest prefix needed: 7 bits a byte.
  let maxLengthLength = 1
  for (let n = maxDataLength; n >= 0x80; n = Math.floor(n / 0x80)) maxLengthLength++
  return (data) => {
    let value = 0
    let scale = 1
    let read = 0
    for (const chunk of data) {
      for (let i = 0; i < chunk.byteLength; i++) {
        const byte = chunk[i]
        value += (byte & 0x7f) * scale
        if (byte < 0x80) return value
        scale *= 0x80
        if (++read >= maxLengthLength) throw new InvalidDataLengthLengthError(`Message length length too long - more than ${maxLengthLength} bytes`)
      }
    }
    throw INCOMPLETE
  }
}
