// The dm framing on its own: varint prefixes, partial input, the size limit checked on the prefix.
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { FrameTooLargeError } from '../../src/net/dm/errors.js'
import { encodeFrame, encodeFrames, encodeVarint, FrameDecoder, varintLength } from '../../src/net/dm/framing.js'
import { truncateUtf8 } from '../../src/net/text.js'

describe('dm framing', () => {
  it('encodes varints as unsigned LEB128', () => {
    expect([...encodeVarint(0)]).toEqual([0x00])
    expect([...encodeVarint(127)]).toEqual([0x7f])
    expect([...encodeVarint(128)]).toEqual([0x80, 0x01])
    expect([...encodeVarint(300)]).toEqual([0xac, 0x02])
    expect([...encodeVarint(262_160)]).toEqual([0x90, 0x80, 0x10])
    expect(varintLength(262_160)).toBe(3)
  })

  it('returns every frame, whatever the chunking of the input', () => {
    fc.assert(fc.property(
      fc.array(fc.uint8Array({ maxLength: 300 }), { maxLength: 20 }),
      fc.array(fc.integer({ min: 1, max: 64 }), { minLength: 1, maxLength: 10 }),
      (bodies, cuts) => {
        const wire = encodeFrames(bodies)
        const decoder = new FrameDecoder(1000)
        const out: Uint8Array[] = []
        let offset = 0
        let i = 0
        while (offset < wire.byteLength) {
          const size = cuts[i++ % cuts.length]
          decoder.push(wire.subarray(offset, offset + size))
          offset += size
          for (let f = decoder.next(); f != null; f = decoder.next()) {
            out.push(f)
          }
        }
        expect(out.map(b => [...b])).toEqual(bodies.map(b => [...b]))
        expect(decoder.bufferedBytes).toBe(0)
      }
    ), { numRuns: 200 })
  })

  it('rejects an oversized frame from its prefix alone, and an over-long prefix', () => {
    const decoder = new FrameDecoder(1000)
    decoder.push(encodeVarint(1001))
    expect(() => decoder.next()).toThrow(FrameTooLargeError)

    const exact = new FrameDecoder(1000)
    exact.push(encodeFrame(new Uint8Array(1000)))
    expect(exact.next()?.byteLength).toBe(1000)

    // 1000 needs 2 varint bytes: a third continuation byte can only announce more.
    const long = new FrameDecoder(1000)
    long.push(Uint8Array.from([0x80, 0x80, 0x80, 0x01]))
    expect(() => long.next()).toThrow(FrameTooLargeError)
  })

  it('waits for the rest of a partial frame', () => {
    const decoder = new FrameDecoder(1000)
    const frame = encodeFrame(Uint8Array.from([1, 2, 3]))
    decoder.push(frame.subarray(0, 2))
    expect(decoder.next()).toBeNull()
    decoder.push(frame.subarray(2))
    expect([...(decoder.next() ?? [])]).toEqual([1, 2, 3])
  })

  it('cuts error messages on a UTF-8 code point boundary', () => {
    expect(truncateUtf8('abc', 256)).toBe('abc')
    const cut = truncateUtf8('é'.repeat(200), 255)
    expect(new TextEncoder().encode(cut).byteLength).toBe(254)
    expect(cut).toBe('é'.repeat(127))
  })
})
