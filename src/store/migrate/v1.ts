/**
 * Schema version 1, frozen (docs/store.md, "Migration from schema version 1"): how the first
 * murmur encoded values. Keys had the same format as an unencrypted schema 2 store (peer IDs
 * in the clear), so they are read with those key codecs; values were UTF-8 JSON with their
 * byte fields in standard base64, session records and relay prekeys raw bytes, index entries
 * empty. The encoder is kept for the migration tests, which build version 1 stores with it.
 */
import { bytesCodec, emptyCodec, jsonCodec, parseJson, stringify, type ValueCodec } from '../codec.js'
import { CorruptRecordError, InvalidRecordError } from '../errors.js'
import type { SUBLEVEL_NAMES } from '../layout.js'

export const V1_SCHEMA_VERSION = 1

const textEncoder = new TextEncoder()

function v1RecordCodec (bytesFields: readonly string[]): ValueCodec<Record<string, unknown>> {
  return {
    encode (value) {
      if (value === null || typeof value !== 'object') throw new InvalidRecordError('a record must be an object')
      const plain = { ...value }
      for (const field of bytesFields) {
        const v = plain[field]
        if (v === undefined) continue
        if (!(v instanceof Uint8Array)) throw new InvalidRecordError(`field ${field} must be a Uint8Array`)
        plain[field] = Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString('base64')
      }
      return textEncoder.encode(stringify(plain))
    },
    decode (bytes, sublevel) {
      const parsed = parseJson(bytes, sublevel)
      if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
        throw new CorruptRecordError(sublevel, 'value is not a JSON object')
      }
      const record = parsed as Record<string, unknown>
      for (const field of bytesFields) {
        const v = record[field]
        if (v === undefined) continue
        if (typeof v !== 'string') throw new CorruptRecordError(sublevel, `field ${field} is not base64`)
        record[field] = new Uint8Array(Buffer.from(v, 'base64'))
      }
      return record
    }
  }
}

const keyPair = ['publicKey', 'privateKey', 'signature']
const record = v1RecordCodec([])

/**
 * Version 1 mailbox records had no number: they read as number 0, a mailbox in the layout
 * before numbers, which the relay store's open moves (src/relay/store/mailboxes.ts).
 */
const mailboxRecord: ValueCodec<Record<string, unknown>> = {
  encode: (value) => record.encode(value),
  decode: (bytes, sublevel) => ({ ...record.decode(bytes, sublevel), number: 0 })
}

/** The value codec of every sublevel of schema version 1. */
export const V1_VALUE_CODECS: Record<typeof SUBLEVEL_NAMES[number], ValueCodec<unknown>> = {
  identity: record,
  signedPrekeys: v1RecordCodec(keyPair),
  lastResortKemPrekeys: v1RecordCodec(keyPair),
  oneTimePrekeys: v1RecordCodec(['publicKey', 'privateKey']),
  oneTimeKemPrekeys: v1RecordCodec(keyPair),
  lastResortBaseKeys: v1RecordCodec(['baseKey']),
  sessions: bytesCodec,
  contacts: record,
  settings: jsonCodec,
  history: record,
  messages: record,
  conversations: record,
  outbox: v1RecordCodec(['envelope']),
  outboxDue: emptyCodec,
  seen: record,
  seenAt: emptyCodec,
  trust: record,
  relayMailboxes: mailboxRecord,
  relayEnvelopes: v1RecordCodec(['envelope']),
  relayEnvelopeIds: record,
  relayCapabilities: record,
  relayPrekeys: bytesCodec,
  relayForward: v1RecordCodec(['envelope']),
  relayForwardIds: record,
  relayExpiry: emptyCodec,
  relayStats: jsonCodec
} as Record<typeof SUBLEVEL_NAMES[number], ValueCodec<unknown>>
