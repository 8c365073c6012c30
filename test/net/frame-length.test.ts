/**
 * The dm frame's length-prefix decoder (src/net/dm/frame-length.ts), as lpStream uses it: asked
 * after each byte, it answers the length once the varint is complete, a RangeError before, and
 * refuses a prefix longer than the largest frame needs.
 */
import { InvalidDataLengthLengthError } from '@libp2p/utils'
import fc from 'fast-check'
import { Uint8ArrayList } from 'uint8arraylist'
import { describe, expect, it } from 'vitest'
import { encodeVarint } from '../../fuzz/protobuf.js'
import { frameLengthDecoder } from '../../src/net/dm/frame-length.js'

describe('dm frame length prefix', () => {
  const decode = frameLengthDecoder(2 ** 20)

  it('decodes every length up to the maximum, byte by byte as lpStream appends them', () => {
    fc.assert(fc.property(fc.integer({ min: 0, max: 2 ** 20 }), (length) => {
      const prefix = Uint8Array.from(encodeVarint(BigInt(length)))
      const list = new Uint8ArrayList()
      for (let i = 0; i < prefix.byteLength; i++) {
        list.append(prefix.subarray(i, i + 1))
        if (i < prefix.byteLength - 1) expect(() => decode(list)).toThrow(RangeError)
      }
      expect(decode(list)).toBe(length)
    }))
  })

  it('refuses a prefix longer than the largest frame needs', () => {
    // 2^20 takes 3 bytes; a fourth continuation byte cannot be a frame we accept.
    expect(() => decode(new Uint8ArrayList(Uint8Array.from([0x80, 0x80, 0x80])))).toThrow(InvalidDataLengthLengthError)
    expect(decode(new Uint8ArrayList(Uint8Array.from([0x80, 0x80, 0x40])))).toBe(2 ** 20)
  })
})
