// The chunk code (docs/protocol.md part 3b "Chunk code"): any k distinct chunks rebuild the
// object, in any order; data chunks are the object itself.
import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import { decodeChunks, encodeChunk, type Chunk } from '../../../src/crypto/pq-ratchet/index.js'
import { gfDiv, gfMul } from '../../../src/crypto/pq-ratchet/gf16.js'

describe('GF(2^16)', () => {
  it('multiplies as polynomials modulo x^16 + x^12 + x^3 + x + 1', () => {
    // x^15 * x = x^16 = x^12 + x^3 + x + 1.
    expect(gfMul(0x8000, 2)).toBe(0x100b)
    expect(gfMul(0x1234, 1)).toBe(0x1234)
    expect(gfMul(0, 0x1234)).toBe(0)
    fc.assert(fc.property(fc.integer({ min: 1, max: 0xffff }), fc.integer({ min: 1, max: 0xffff }), (a, b) => gfDiv(gfMul(a, b), b) === a))
  })
})

function object (k: number, seed: number): Uint8Array {
  const out = new Uint8Array(k * 32)
  let x = seed
  for (let i = 0; i < out.length; i++) {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0
    out[i] = x >>> 24
  }
  return out
}

describe('chunk code', () => {
  it('is systematic: chunk i < k is bytes 32i..32i+32', () => {
    const data = object(37, 1)
    for (let i = 0; i < 37; i++) expect(encodeChunk(data, i)).toEqual(data.subarray(32 * i, 32 * i + 32))
    expect(encodeChunk(data, 37)).not.toEqual(encodeChunk(data, 38))
  })

  it('rebuilds the object from any k distinct chunks (k = 37 and 34), in any order', () => {
    fc.assert(fc.property(
      fc.constantFrom(37, 34),
      fc.integer(),
      fc.uniqueArray(fc.integer({ min: 0, max: 0xffff }), { minLength: 37, maxLength: 37 }),
      (k, seed, indices) => {
        const data = object(k, seed)
        const chunks: Chunk[] = indices.slice(0, k).map((index) => ({ index, data: encodeChunk(data, index) }))
        expect(decodeChunks(chunks, k)).toEqual(data)
      }
    ), { numRuns: 40 })
  })

  it('rebuilds after losing the first half of the data chunks', () => {
    const data = object(34, 7)
    const chunks: Chunk[] = []
    for (let index = 17; chunks.length < 34; index++) chunks.push({ index, data: encodeChunk(data, index) })
    expect(decodeChunks(chunks, 34)).toEqual(data)
  })

  it('refuses wrong counts, repeated indices, bad sizes', () => {
    const data = object(34, 3)
    const chunks: Chunk[] = Array.from({ length: 34 }, (_, index) => ({ index, data: encodeChunk(data, index) }))
    expect(() => decodeChunks(chunks.slice(1), 34)).toThrow(RangeError)
    expect(() => decodeChunks([...chunks.slice(1), chunks[1]], 34)).toThrow(RangeError)
    expect(() => encodeChunk(data, 0x10000)).toThrow(RangeError)
    expect(() => encodeChunk(new Uint8Array(33), 0)).toThrow(RangeError)
  })
})
