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

function flatten (bytes: Uint8Array | Uint8ArrayList): Uint8Array {
  return bytes instanceof Uint8Array ? bytes : bytes.subarray()
}

/** Decodes an Envelope strictly; MalformedEnvelopeError on anything protons would misread. */
export function decodeEnvelope (bytes: Uint8Array | Uint8ArrayList): Envelope {
  const flat = flatten(bytes)
  try {
    checkKindFields(flat)
    return Envelope.decode(flat)
  } catch (err) {
    if (err instanceof MalformedEnvelopeError) throw err
    throw new MalformedEnvelopeError()
  }
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
