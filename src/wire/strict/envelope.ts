/**
 * The strict decoder of an Envelope (src/wire/envelope.proto; docs/protocol.md "Envelope").
 *
 * protons reads an enum as int32 and keeps the low 32 bits of the varint, so a `kind` of
 * 2^32 + 1 would read as PREKEY. Protobuf enums are int32 (negative values take ten bytes as
 * a sign-extended 64-bit varint); murmur's enums have no negative values. So every `kind`
 * varint on the wire must be below 2^31 and one of Envelope.Kind's values, else the envelope
 * is refused as kind 99 is: MalformedEnvelopeError.
 */
import { MurmurError } from '../../errors/murmur-error.js'
import { reader } from 'protons-runtime'
import { Envelope } from '../envelope.js'
import type { Uint8ArrayList } from 'uint8arraylist'

/** An envelope that does not decode, or carries a value out of its field's range. */
export class MalformedEnvelopeError extends MurmurError {
  constructor (message = 'envelope does not decode') {
    super(message)
  }
}

/** Field number of Envelope.kind, and protobuf wire type 0 (varint). */
const KIND_FIELD = 5
const WIRE_VARINT = 0
const KIND_VALUES: ReadonlySet<bigint> = new Set([0n, 1n, 2n])

/** Throws MalformedEnvelopeError unless every `kind` field on the wire is a known value. */
function checkKindFields (bytes: Uint8Array): void {
  const r = reader(bytes)
  while (r.pos < r.len) {
    const tag = r.uint32()
    const field = tag >>> 3
    const wireType = tag & 7
    if (field === KIND_FIELD) {
      if (wireType !== WIRE_VARINT) throw new MalformedEnvelopeError('envelope kind is not a varint')
      const kind = r.uint64()
      if (!KIND_VALUES.has(kind)) throw new MalformedEnvelopeError(`envelope kind ${kind} is not one this version knows`)
    } else {
      r.skipType(wireType)
    }
  }
}

/** Decodes an Envelope strictly; MalformedEnvelopeError on anything protons would misread. */
export function decodeEnvelope (bytes: Uint8Array | Uint8ArrayList): Envelope {
  const flat = bytes instanceof Uint8Array ? bytes : bytes.subarray()
  try {
    checkKindFields(flat)
    return Envelope.decode(flat)
  } catch (err) {
    if (err instanceof MalformedEnvelopeError) throw err
    throw new MalformedEnvelopeError()
  }
}
