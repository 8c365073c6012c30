// The strict Envelope decoder (issue 11): protons keeps the low 32 bits of an enum varint, so
// kind 2^32 + 1 read as PREKEY. Every path that decodes envelopes (dm receiver, relay deposit,
// mailbox delivery) goes through decodeEnvelope, which refuses any kind it does not know.
import { randomBytes } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { decodeEnvelopeHead, MalformedRequestError } from '../../src/relay/frames.js'
import { Envelope } from '../../src/wire/envelope.js'
import { decodeEnvelope, MalformedEnvelopeError } from '../../src/wire/strict/envelope.js'
import { encodeVarint } from '../../fuzz/protobuf.js'
import { seeded } from '../seeded.js'

const recipient = new Uint8Array([0x00, 0x24, 0x08, 0x01, 0x12, 0x20, ...randomBytes(32)])
const base = Envelope.encode({ id: new Uint8Array(randomBytes(16)), recipient, payload: new Uint8Array([1, 2, 3]) })
const withKind = (...kinds: bigint[]): Uint8Array => Uint8Array.from([...base, ...kinds.flatMap(k => [5 << 3, ...encodeVarint(k)])])

describe('decodeEnvelope', () => {
  it('reads the kinds this version knows', () => {
    expect(decodeEnvelope(withKind(1n)).kind).toBe(Envelope.Kind.PREKEY)
    expect(decodeEnvelope(withKind(2n)).kind).toBe(Envelope.Kind.RATCHET)
    expect(decodeEnvelope(base).kind).toBe(Envelope.Kind.KIND_UNSPECIFIED)
  })

  it('refuses 2^32 + 1 (protons alone reads it as PREKEY), 99, 2^31, 2^64 - 1, a negative int32, and a bad kind repeated after a good one', () => {
    expect(Envelope.decode(withKind(2n ** 32n + 1n)).kind).toBe(Envelope.Kind.PREKEY) // the defect, in the generated code
    for (const kinds of [[2n ** 32n + 1n], [99n], [2n ** 31n], [2n ** 64n - 1n], [1n, 2n ** 32n + 2n]]) {
      expect(() => decodeEnvelope(withKind(...kinds)), kinds.join(',')).toThrow(MalformedEnvelopeError)
    }
  })

  it('refuses a kind sent with another wire type, and bytes that do not decode, with the same typed error', () => {
    expect(() => decodeEnvelope(Uint8Array.from([...base, (5 << 3) | 2, 1, 1]))).toThrow(MalformedEnvelopeError)
    expect(() => decodeEnvelope(Uint8Array.from([0x0a, 0xff]))).toThrow(MalformedEnvelopeError)
  })

  it('a relay refuses a deposit whose kind is 2^32 + 1 instead of treating it as a first-contact PREKEY', () => {
    expect(() => decodeEnvelopeHead(withKind(2n ** 32n + 1n), () => 'known')).toThrow(MalformedRequestError)
    expect(decodeEnvelopeHead(withKind(1n), () => 'known').prekey).toBe(true)
  })
})

describe('decodeEnvelope against the generated decoder', () => {
  const { next, bytes } = seeded(0x9e3779b9)
  const envelope = (): Uint8Array => Uint8Array.from([
    ...Envelope.encode({
      id: bytes(16), sender: bytes(next(40)), recipient: bytes(next(40)), createdAt: 1_700_000_000_000n + BigInt(next(2 ** 30)),
      kind: [Envelope.Kind.KIND_UNSPECIFIED, Envelope.Kind.PREKEY, Envelope.Kind.RATCHET][next(3)], payload: bytes(next(300)), expiresAt: 1_800_000_000_000n + BigInt(next(2 ** 30))
    }),
    // Unknown fields (numbers 8 to 15, each wire type that has a body) and repeated known ones.
    ...(next(2) === 0 ? [((8 + next(8)) << 3) | 0, next(128)] : []),
    ...(next(2) === 0 ? [((8 + next(8)) << 3) | 2, 2, next(256), next(256)] : []),
    ...(next(2) === 0 ? [(6 << 3) | 2, 1, next(256)] : []),
    ...(next(2) === 0 ? [5 << 3, next(3)] : [])
  ])

  it('gives what the generated decoder gives for well-formed envelopes, unknown and repeated fields included', () => {
    for (let i = 0; i < 500; i++) {
      const input = envelope()
      expect(decodeEnvelope(input), `input ${i}`).toEqual(Envelope.decode(input))
    }
  })

  it('on damaged bytes: refuses with MalformedEnvelopeError whatever the generated decoder does, and gives the same fields whenever it decodes', () => {
    for (let i = 0; i < 2000; i++) {
      const input = envelope()
      const damaged = next(2) === 0 ? input.subarray(0, next(input.length)) : input.map((b, j) => j === next(input.length) ? next(256) : b)
      let generated: Envelope | Error
      try { generated = Envelope.decode(damaged) } catch (err) { generated = err as Error }
      let strict: Envelope | Error
      try { strict = decodeEnvelope(damaged) } catch (err) { strict = err as Error }
      if (strict instanceof Error) {
        expect(strict, `input ${i}`).toBeInstanceOf(MalformedEnvelopeError)
      } else {
        expect(generated, `input ${i}: the generated decoder refused what the strict one read`).not.toBeInstanceOf(Error)
        expect(strict, `input ${i}`).toEqual(generated)
      }
    }
  })
})
