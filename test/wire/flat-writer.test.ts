/**
 * The direct encoder of flat messages (src/wire/flat-writer.ts): the Envelope a sender builds
 * comes out byte for byte as the protons-generated encoder writes it, for any field values
 * (times beyond 2^53, which murmur never builds, take the generated encoder), except where the
 * generated encoder is wrong: protons-runtime (7.1.2, and 8.0.1 the same) writes every uint64
 * from 2^31 to 2^32 - 1 as garbage (its LongBits keeps the low word signed, so the varint loop
 * stops at once). There the flat writer's bytes must decode back to the fields.
 */
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { decodeContent, encodeText } from '../../src/messenger/content.js'
import { Content } from '../../src/wire/content.js'
import { Envelope } from '../../src/wire/envelope.js'
import { FlatMessageWriter } from '../../src/wire/flat-writer.js'
import { decodeEnvelope, encodeEnvelope, ENVELOPE_ID_BYTES, MalformedEnvelopeError } from '../../src/wire/strict/envelope.js'

const u64 = fc.oneof(fc.constantFrom(0n, 127n, 128n, 2n ** 31n - 1n, 2n ** 31n, 3_000_000_000n, 2n ** 32n - 1n, 2n ** 32n, BigInt(Number.MAX_SAFE_INTEGER), BigInt(Number.MAX_SAFE_INTEGER) + 1n, 2n ** 64n - 1n), fc.bigInt({ min: 0n, max: BigInt(Number.MAX_SAFE_INTEGER) }), fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }))
/** Values protons-runtime's generated encoder writes wrong (see above). */
const protonsWrites = (n: bigint): boolean => n < 2n ** 31n || n >= 2n ** 32n

const envelope = fc.record({
  id: fc.uint8Array({ minLength: ENVELOPE_ID_BYTES, maxLength: ENVELOPE_ID_BYTES }),
  sender: fc.uint8Array({ maxLength: 40 }),
  recipient: fc.uint8Array({ maxLength: 40 }),
  createdAt: u64,
  kind: fc.constantFrom(Envelope.Kind.KIND_UNSPECIFIED, Envelope.Kind.PREKEY, Envelope.Kind.RATCHET),
  payload: fc.uint8Array({ maxLength: 3000 }),
  expiresAt: u64
}) as fc.Arbitrary<Envelope>

describe('flat message writer', () => {
  it('encodes every Envelope as the generated encoder does', () => {
    fc.assert(fc.property(envelope, (fields) => {
      const { bytes } = encodeEnvelope(fields)
      const protonsRight = protonsWrites(fields.createdAt) && protonsWrites(fields.expiresAt)
      if (protonsRight) expect(Buffer.from(bytes).equals(Buffer.from(Envelope.encode(fields)))).toBe(true)
      // A time beyond 2^53 sends the whole envelope to the generated encoder, defect included.
      const flat = fields.createdAt <= BigInt(Number.MAX_SAFE_INTEGER) && fields.expiresAt <= BigInt(Number.MAX_SAFE_INTEGER)
      if (flat || protonsRight) expect(decodeEnvelope(bytes)).toEqual(fields)
    }), { numRuns: 500 })
  })

  it('encodes every text Content as the generated encoder does, and it decodes back', () => {
    const safe = fc.oneof(fc.constantFrom(0, 127, 128, 2 ** 31, 2 ** 32 - 1, Number.MAX_SAFE_INTEGER), fc.maxSafeNat())
    fc.assert(fc.property(fc.uint8Array({ minLength: 16, maxLength: 16 }), fc.string({ unit: 'grapheme', maxLength: 300 }), safe, safe, fc.boolean(), fc.oneof(fc.constant(0), safe), (messageId, body, sentAt, seq, resend, start) => {
      // A numbering's start is at most the text's number (decodeContent refuses it above).
      const seqStart = Math.min(start, seq)
      const bytes = encodeText({ messageId, body, sentAt, seq, resend, seqStart })
      const generated = Content.encode({ text: { messageId, body, sentAt: BigInt(sentAt), seq: BigInt(seq), resend, seqStart: BigInt(seqStart) } })
      if (protonsWrites(BigInt(sentAt)) && protonsWrites(BigInt(seq)) && protonsWrites(BigInt(seqStart))) expect(Buffer.from(bytes).equals(Buffer.from(generated))).toBe(true)
      expect(decodeContent(bytes)).toEqual({ type: 'text', messageId, body, sentAt, seq, resend, seqStart })
    }), { numRuns: 500 })
  })

  it('writes the values from 2^31 to 2^32 - 1 that the generated encoder gets wrong', () => {
    const fields: Envelope = { id: new Uint8Array(ENVELOPE_ID_BYTES), sender: new Uint8Array(1), recipient: new Uint8Array(1), createdAt: 3_000_000_000n, kind: Envelope.Kind.RATCHET, payload: new Uint8Array(1), expiresAt: 2n ** 31n }
    // The defect this writer does not share, in the generated code (what its bytes then decode to
    // depends on what its pooled buffer held before: left unwritten).
    expect(Buffer.from(Envelope.encode(fields)).equals(Buffer.from(encodeEnvelope(fields).bytes))).toBe(false)
    expect(decodeEnvelope(encodeEnvelope(fields).bytes)).toEqual(fields)
    const text = { messageId: new Uint8Array(16), body: 'x', sentAt: 2 ** 32 - 1, seq: 2 ** 31, resend: false, seqStart: 2 ** 31 }
    expect(decodeContent(encodeText(text))).toEqual({ type: 'text', ...text })
  })

  it('refuses an enum value outside its list with the caller\'s error', () => {
    const fields = { id: new Uint8Array(ENVELOPE_ID_BYTES), sender: new Uint8Array(1), recipient: new Uint8Array(1), createdAt: 1n, kind: 'SIDEWAYS' as Envelope.Kind, payload: new Uint8Array(1), expiresAt: 2n }
    expect(() => encodeEnvelope(fields)).toThrow(MalformedEnvelopeError)
  })

  it('takes fields in field-number order and numbers 1 to 15 only', () => {
    const invalid = (message: string): Error => new Error(message)
    expect(() => new FlatMessageWriter([{ number: 2, name: 'a', kind: 'u53', optional: false }, { number: 1, name: 'b', kind: 'u53', optional: false }], invalid)).toThrow(RangeError)
    expect(() => new FlatMessageWriter([{ number: 16, name: 'a', kind: 'u53', optional: false }], invalid)).toThrow(RangeError)
  })

  it('writes an optional field at its default and leaves out an implicit one', () => {
    const writer = new FlatMessageWriter([
      { number: 1, name: 'a', kind: 'u53', optional: false },
      { number: 2, name: 'b', kind: 'u53', optional: true },
      { number: 3, name: 'c', kind: 'string', optional: false },
      { number: 4, name: 'd', kind: 'string', optional: true }
    ], (message) => new Error(message))
    expect([...writer.encode({ a: 0, b: 0, c: '', d: '' })]).toEqual([0x10, 0x00, 0x22, 0x00])
    expect([...writer.encode({ a: 300 })]).toEqual([0x08, 0xac, 0x02])
  })
})
