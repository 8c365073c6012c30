/**
 * The Envelope (src/wire/envelope.proto; docs/protocol.md "Envelope"), owned here: its limits,
 * its strict decoder, and the value that travels through murmur.
 *
 * An envelope travels unchanged on every path (dm stream, mailbox, forwarder), and the id is the
 * unit of acknowledgement and deduplication. So what moves between the parts is the envelope's
 * exact bytes together with its id (EnvelopeBytes): built once by the sender (encodeEnvelope),
 * stored in the outbox as bytes, sent from there (storedEnvelope reads the id without decoding
 * the rest), and on the receiving side decoded ONCE at the edge (parseEnvelope) into a
 * ParsedEnvelope that carries both the fields and the bytes up to the messenger.
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
import { FlatMessageWriter } from '../flat-writer.js'
import type { Uint8ArrayList } from 'uint8arraylist'
import { WIRE_LENGTH_DELIMITED, WIRE_VARINT } from '../wire-types.js'

/** Envelope.id is exactly this many random bytes (envelope.proto, field 1). */
export const ENVELOPE_ID_BYTES = 16

/**
 * The largest envelope any murmur protocol accepts (dm, bundle, mailbox; docs/network.md
 * "Limits"). A padded text message is a few KiB and a prekey message carries a 1,088-byte
 * ML-KEM ciphertext; 256 KiB leaves ample room while bounding what a peer can make us buffer.
 */
export const MAX_ENVELOPE_BYTES = 256 * 1024

/** An envelope that does not decode, or carries a value out of its field's range. */
export class MalformedEnvelopeError extends MurmurError {
  constructor (message = 'envelope does not decode') {
    super(message)
  }
}

/** An envelope of more than MAX_ENVELOPE_BYTES. */
export class EnvelopeTooLargeError extends MalformedEnvelopeError {
  static name = 'EnvelopeTooLargeError'
  constructor (size: number) {
    super(`envelope of ${size} bytes exceeds ${MAX_ENVELOPE_BYTES}`)
    this.name = 'EnvelopeTooLargeError'
  }
}

/** An envelope as it travels: its exact bytes, and its id (a view into them or a copy). */
export interface EnvelopeBytes {
  readonly id: Uint8Array
  readonly bytes: Uint8Array
}

/** A received envelope, decoded once at the edge: every field, and the exact bytes it came as. */
export type ParsedEnvelope = Envelope & { readonly bytes: Uint8Array }

/** Envelope.Kind by its number on the wire (envelope.proto). */
const KINDS: ReadonlyMap<bigint, Envelope.Kind> = new Map([
  [0n, Envelope.Kind.KIND_UNSPECIFIED], [1n, Envelope.Kind.PREKEY], [2n, Envelope.Kind.RATCHET]
])
/** A missing bytes field's value: shared, as a zero-length view can hold nothing. */
const EMPTY = new Uint8Array(0)

function flatten (bytes: Uint8Array | Uint8ArrayList): Uint8Array {
  return bytes instanceof Uint8Array ? bytes : bytes.subarray()
}

type Reader = ReturnType<typeof reader>

function bytesField (r: Reader, wireType: number, name: string): Uint8Array<ArrayBuffer> {
  if (wireType !== WIRE_LENGTH_DELIMITED) throw new MalformedEnvelopeError(`envelope ${name} is not length-delimited`)
  return r.bytes() as Uint8Array<ArrayBuffer>
}

function uint64Field (r: Reader, wireType: number, name: string): bigint {
  if (wireType !== WIRE_VARINT) throw new MalformedEnvelopeError(`envelope ${name} is not a varint`)
  return r.uint64()
}

/**
 * Decodes an Envelope strictly, in one pass (the generated decoder took a second pass to check
 * the kinds, and made a new empty array per bytes field before reading it; issue 9): every
 * field with the wire type envelope.proto gives it, every `kind` one of Envelope.Kind's values
 * (its varint read in full), unknown fields skipped, a repeated field's last value kept, as
 * protobuf does. MalformedEnvelopeError on anything else.
 */
export function decodeEnvelope (bytes: Uint8Array | Uint8ArrayList): Envelope {
  const r = reader(flatten(bytes))
  let id = EMPTY
  let sender = EMPTY
  let recipient = EMPTY
  let payload = EMPTY
  let createdAt = 0n
  let expiresAt = 0n
  let kind = Envelope.Kind.KIND_UNSPECIFIED
  try {
    while (r.pos < r.len) {
      const tag = r.uint32()
      const wireType = tag & 7
      switch (tag >>> 3) {
        case 1: id = bytesField(r, wireType, 'id'); break
        case 2: sender = bytesField(r, wireType, 'sender'); break
        case 3: recipient = bytesField(r, wireType, 'recipient'); break
        case 4: createdAt = uint64Field(r, wireType, 'createdAt'); break
        case 5: {
          const value = uint64Field(r, wireType, 'kind')
          const known = KINDS.get(value)
          if (known === undefined) throw new MalformedEnvelopeError(`envelope kind ${value} is not one this version knows`)
          kind = known
          break
        }
        case 6: payload = bytesField(r, wireType, 'payload'); break
        case 7: expiresAt = uint64Field(r, wireType, 'expiresAt'); break
        default: r.skipType(wireType)
      }
    }
  } catch (err) {
    if (err instanceof MalformedEnvelopeError) throw err
    throw new MalformedEnvelopeError()
  }
  return { id, sender, recipient, createdAt, kind, payload, expiresAt }
}

/**
 * The one decode of a received envelope: strict (decodeEnvelope), at most MAX_ENVELOPE_BYTES
 * (EnvelopeTooLargeError), an id of exactly ENVELOPE_ID_BYTES (MalformedEnvelopeError).
 * Checks that depend on who sent it to whom (sender, recipient, kind) are the caller's.
 */
export function parseEnvelope (bytes: Uint8Array | Uint8ArrayList): ParsedEnvelope {
  const flat = flatten(bytes)
  if (flat.byteLength > MAX_ENVELOPE_BYTES) throw new EnvelopeTooLargeError(flat.byteLength)
  const envelope = decodeEnvelope(flat)
  if (envelope.id.byteLength !== ENVELOPE_ID_BYTES) throw new MalformedEnvelopeError(`envelope id must be ${ENVELOPE_ID_BYTES} bytes`)
  return Object.assign(envelope, { bytes: flat })
}

/** The Envelope's fields in envelope.proto's order, for the sender's one encode of each envelope (flat-writer.ts). */
const envelopeWriter = new FlatMessageWriter([
  { number: 1, name: 'id', kind: 'bytes', optional: false },
  { number: 2, name: 'sender', kind: 'bytes', optional: false },
  { number: 3, name: 'recipient', kind: 'bytes', optional: false },
  { number: 4, name: 'createdAt', kind: 'u53', optional: false },
  { number: 5, name: 'kind', kind: 'enum', optional: false, values: [Envelope.Kind.KIND_UNSPECIFIED, Envelope.Kind.PREKEY, Envelope.Kind.RATCHET] },
  { number: 6, name: 'payload', kind: 'bytes', optional: false },
  { number: 7, name: 'expiresAt', kind: 'u53', optional: false }
], (message) => new MalformedEnvelopeError(message))

const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER)

/** Encodes an envelope once (the sender's side); the result carries its fields and bytes. */
export function encodeEnvelope (fields: Envelope): ParsedEnvelope {
  if (fields.id.byteLength !== ENVELOPE_ID_BYTES) throw new MalformedEnvelopeError(`envelope id must be ${ENVELOPE_ID_BYTES} bytes`)
  // Times are milliseconds (safe integers); a larger one, never built here, takes the generated encoder.
  const bytes = fields.createdAt >= 0n && fields.createdAt <= MAX_SAFE && fields.expiresAt >= 0n && fields.expiresAt <= MAX_SAFE
    ? envelopeWriter.encode({ ...fields, createdAt: Number(fields.createdAt), expiresAt: Number(fields.expiresAt) })
    : Envelope.encode(fields)
  if (bytes.byteLength > MAX_ENVELOPE_BYTES) throw new EnvelopeTooLargeError(bytes.byteLength)
  return { ...fields, bytes }
}

/** The tag and length bytes of field 1 (id) when it is a 16-byte field: 0x0a = (1 << 3) | 2. */
const ID_TAG = 0x0a

/**
 * The id and bytes of an envelope this node encoded and stored (the outbox). protons writes
 * fields in field-number order, so the id is the first field: read from the head, without
 * decoding the rest. Bytes of any other shape are parsed in full.
 */
export function storedEnvelope (bytes: Uint8Array): EnvelopeBytes {
  if (bytes.byteLength >= 2 + ENVELOPE_ID_BYTES && bytes[0] === ID_TAG && bytes[1] === ENVELOPE_ID_BYTES && bytes.byteLength <= MAX_ENVELOPE_BYTES) {
    return { id: bytes.subarray(2, 2 + ENVELOPE_ID_BYTES), bytes }
  }
  const parsed = parseEnvelope(bytes)
  return { id: parsed.id, bytes }
}
