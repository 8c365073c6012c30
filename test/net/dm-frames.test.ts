/**
 * The dm protocol's frames (src/net/dm/frames.ts): the receiver's ack frames, written in one
 * pass, are the bytes the generated encoder writes, and decode back to the same ack.
 */
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { resultFrame } from '../../src/net/dm/frames.js'
import { DmFrame } from '../../src/wire/dm.js'

describe('dm frames', () => {
  it('an ack frame (ok or duplicate) is byte for byte what DmFrame.encode writes, for any id', () => {
    const results = [
      { result: { status: 'ok' } as const, status: DmFrame.Ack.Status.OK },
      { result: { status: 'duplicate' } as const, status: DmFrame.Ack.Status.DUPLICATE }
    ]
    // Ids of every length around the one-byte length varint's edge (received ids are 16 bytes).
    fc.assert(fc.property(fc.uint8Array({ maxLength: 300 }), fc.constantFrom(...results), (bytes, { result, status }) => {
      const id = new Uint8Array(bytes)
      const frame = resultFrame(id, result)
      expect(Buffer.from(frame).equals(Buffer.from(DmFrame.encode({ ack: { id, status } })))).toBe(true)
      expect(DmFrame.decode(frame)).toEqual({ ack: { id, status } })
    }), { numRuns: 300 })
  })

  it('an error result keeps the error frame, its code and its message', () => {
    const id = new Uint8Array(16).fill(7)
    expect(DmFrame.decode(resultFrame(id, { status: 'error', code: 'UNDECRYPTABLE', message: 'no session' }))).toEqual({ error: { id, code: DmFrame.Error.Code.UNDECRYPTABLE, message: 'no session' } })
    expect(DmFrame.decode(resultFrame(id, undefined)).error?.code).toBe(DmFrame.Error.Code.INTERNAL)
  })
})
