// The strict Envelope decoder (issue 11): protons keeps the low 32 bits of an enum varint, so
// kind 2^32 + 1 read as PREKEY. Every path that decodes envelopes (dm receiver, relay deposit,
// mailbox delivery) goes through decodeEnvelope, which refuses any kind it does not know.
import { randomBytes } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { decodeEnvelopeHead, MalformedRequestError } from '../../src/relay/frames.js'
import { Envelope } from '../../src/wire/envelope.js'
import { decodeEnvelope, MalformedEnvelopeError } from '../../src/wire/strict/envelope.js'
import { encodeVarint } from '../../fuzz/protobuf.js'

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
