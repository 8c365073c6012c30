/**
 * Key encodings and the simple value codecs of the store (docs/store.md, "Layout" and "Value
 * encoding"); the records' protobuf codecs are in record-codecs.ts.
 *
 * Keys are UTF-8 strings built so that LevelDB's bytewise order is the order we page in:
 * numbers are zero-padded decimal of fixed width, and the separator "!" (0x21) sorts below
 * every character a peer ID or a number may contain.
 */
import { CorruptRecordError, InvalidRecordError } from './errors.js'
import type { JsonValue } from './records.js'

/** Separates the parts of a composite key. Must sort below [0-9A-Za-z]. */
export const KEY_SEPARATOR = '!'
/** The character just above KEY_SEPARATOR: `prefix + "!"` .. `prefix + '"'` bounds a range. */
const SEPARATOR_UPPER = '"'

/** Width of sequence numbers and timestamps: Number.MAX_SAFE_INTEGER has 16 digits. */
export const U53_WIDTH = 16
/** Width of prekey ids: 2^32 - 1 has 10 digits. */
export const U32_WIDTH = 10

const PEER_ID_RE = /^[0-9A-Za-z]{1,128}$/
const MESSAGE_ID_RE = /^[0-9A-Za-z_-]{1,128}$/

/** Peer IDs (base58btc, base32 or base36 text) are alphanumeric; anything else could break a range scan. */
export function encodePeerId (peerId: string): string {
  if (typeof peerId !== 'string' || !PEER_ID_RE.test(peerId)) {
    throw new InvalidRecordError('a peer ID must be 1 to 128 alphanumeric characters')
  }
  return peerId
}

export function encodeMessageId (id: string): string {
  if (typeof id !== 'string' || !MESSAGE_ID_RE.test(id)) {
    throw new InvalidRecordError('a message id must be 1 to 128 characters of [0-9A-Za-z_-]')
  }
  return id
}

export function encodeU53 (n: number): string {
  if (!Number.isSafeInteger(n) || n < 0) {
    throw new InvalidRecordError(`expected a non-negative safe integer, got ${String(n)}`)
  }
  return n.toString().padStart(U53_WIDTH, '0')
}

export function encodeU32 (n: number): string {
  if (!Number.isInteger(n) || n < 0 || n > 0xffffffff) {
    throw new InvalidRecordError(`expected an integer in [0, 2^32), got ${String(n)}`)
  }
  return n.toString().padStart(U32_WIDTH, '0')
}

export function decodeFixed (s: string, sublevel: string): number {
  if (!/^[0-9]+$/.test(s)) throw new CorruptRecordError(sublevel, 'bad number in key')
  return Number.parseInt(s, 10)
}

export function joinKey (...parts: string[]): string {
  return parts.join(KEY_SEPARATOR)
}

/** Splits a composite key into exactly `count` parts. */
export function splitKey (key: string, count: number, sublevel: string): string[] {
  const parts = key.split(KEY_SEPARATOR)
  if (parts.length !== count) throw new CorruptRecordError(sublevel, 'bad key shape')
  return parts
}

/** Range bounds that select every key starting with `prefix` followed by the separator. */
export function prefixRange (prefix: string): { gte: string, lt: string } {
  return { gte: prefix + KEY_SEPARATOR, lt: prefix + SEPARATOR_UPPER }
}

const HEX_RE = /^(?:[0-9a-f]{2})*$/

export function toHex (bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex')
}

export function fromHex (hex: string, sublevel: string): Uint8Array {
  if (!HEX_RE.test(hex)) throw new CorruptRecordError(sublevel, 'bad hex in key')
  return new Uint8Array(Buffer.from(hex, 'hex'))
}

/** A value codec: record <-> the bytes LevelDB stores. */
export interface ValueCodec<V> {
  encode: (value: V) => Uint8Array
  decode: (bytes: Uint8Array, sublevel: string) => V
}

const textEncoder = new TextEncoder()
const textDecoder = new TextDecoder('utf-8', { fatal: true })

/** Arbitrary JSON (settings). */
export const jsonCodec: ValueCodec<JsonValue> = {
  encode: (value) => textEncoder.encode(stringify(value)),
  decode: (bytes, sublevel) => parseJson(bytes, sublevel) as JsonValue
}

/** Opaque bytes stored as they are (sessions). */
export const bytesCodec: ValueCodec<Uint8Array> = {
  encode (value) {
    if (!(value instanceof Uint8Array)) throw new InvalidRecordError('value must be a Uint8Array')
    return value
  },
  // memory-level hands back Buffers; callers get a plain Uint8Array view from both backends.
  decode: (bytes) => new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength)
}

/**
 * The message ids a receiving batch owes a delivered receipt for (`receiptsOwed`, keyed by the
 * first of them): the ids joined by `,` in UTF-8. An empty value, as stores before wrote one
 * entry per message, owes the key's id alone.
 */
export const owedIdsCodec: ValueCodec<string[]> = {
  encode (ids) {
    if (!Array.isArray(ids) || ids.length === 0) throw new InvalidRecordError('owed ids must be a non-empty list')
    for (const id of ids) encodeMessageId(id)
    return textEncoder.encode(ids.join(','))
  },
  decode (bytes, sublevel) {
    if (bytes.byteLength === 0) return []
    let text: string
    try {
      text = textDecoder.decode(bytes)
    } catch (err) {
      throw new CorruptRecordError(sublevel, 'owed ids are not UTF-8', { cause: err })
    }
    const ids = text.split(',')
    if (!ids.every((id) => MESSAGE_ID_RE.test(id))) throw new CorruptRecordError(sublevel, 'owed ids are not message ids')
    return ids
  }
}

/** Index entries whose information is all in the key. */
export const emptyCodec: ValueCodec<null> = {
  encode: () => new Uint8Array(0),
  decode: () => null
}

export function stringify (value: unknown): string {
  let text: string | undefined
  try {
    text = JSON.stringify(value)
  } catch (err) {
    throw new InvalidRecordError('value cannot be encoded as JSON', { cause: err })
  }
  if (text === undefined) throw new InvalidRecordError('value cannot be encoded as JSON')
  return text
}

export function parseJson (bytes: Uint8Array, sublevel: string): unknown {
  try {
    return JSON.parse(textDecoder.decode(bytes))
  } catch (err) {
    throw new CorruptRecordError(sublevel, 'value is not valid JSON', { cause: err })
  }
}
