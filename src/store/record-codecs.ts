/**
 * The value codecs of schema version 2 (docs/store.md, "Value encoding"): each record type of
 * records.ts as one protobuf message of proto/records.proto, bytes as bytes.
 *
 * Encoding is strict, because protobuf drops what its schema does not name: a record with a
 * field the schema lacks, or a number that is not a non-negative safe integer, is refused with
 * InvalidRecordError before anything is written, rather than silently losing a field. Decoding
 * failures are CorruptRecordError.
 */
import { CorruptRecordError, InvalidRecordError } from './errors.js'
import { fromHex, toHex, type ValueCodec } from './codec.js'
import { FlatMessageWriter } from '../wire/flat-writer.js'
import {
  Added, Contact, Conversation, Door, History, LastResortBaseKey, Outbox, Position, Prekey, Profile,
  RelayEnvelope, RelayForward, RelayMailbox, SeenAt
} from './proto/records.js'
import type {
  ContactRecord, ConversationRecord, HistoryRecord, HistoryStateRecord, IdentityProfile, LastResortBaseKeyRecord, MessageLocation,
  OutboxRecord, RelayDoor, RelayEnvelopeRecord, RelayForwardRecord, RelayIdRecord, RelayMailboxRecord, SeenRecord,
  TrustRecord
} from './records.js'

/** What a field holds; `?` marks an optional one. */
type FieldKind = 'u32' | 'u53' | 'string' | 'bytes' | 'bool' | 'enum' | 'list'
type FieldSpec = Record<string, FieldKind | `${FieldKind}?`>

/** A FieldSpec read once: every record encoded checks against it (some five a message sent). */
interface CompiledSpec {
  readonly names: ReadonlySet<string>
  readonly fields: ReadonlyArray<{ readonly field: string, readonly kind: FieldKind, readonly optional: boolean }>
}

function compileSpec (spec: FieldSpec): CompiledSpec {
  return {
    names: new Set(Object.keys(spec)),
    fields: Object.entries(spec).map(([field, declared]) => {
      const optional = declared.endsWith('?')
      return { field, kind: (optional ? declared.slice(0, -1) : declared) as FieldKind, optional }
    })
  }
}

function checkRecord (what: string, value: unknown, spec: CompiledSpec): Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new InvalidRecordError(`a ${what} record must be an object`)
  const record = value as Record<string, unknown>
  for (const field of Object.keys(record)) {
    if (!spec.names.has(field) && record[field] !== undefined) throw new InvalidRecordError(`a ${what} record has no field "${field}"`)
  }
  for (const { field, kind, optional } of spec.fields) {
    const v = record[field]
    if (v === undefined) {
      if (optional) continue
      throw new InvalidRecordError(`a ${what} record needs field "${field}"`)
    }
    let ok: boolean
    switch (kind) {
      case 'u32': ok = Number.isInteger(v) && (v as number) >= 0 && (v as number) <= 0xffffffff; break
      case 'u53': ok = Number.isSafeInteger(v) && (v as number) >= 0; break
      case 'string': ok = typeof v === 'string'; break
      case 'bytes': ok = v instanceof Uint8Array; break
      case 'bool': ok = typeof v === 'boolean'; break
      case 'list': ok = Array.isArray(v); break
      case 'enum': ok = typeof v === 'string'; break
    }
    if (!ok) throw new InvalidRecordError(`field "${field}" of a ${what} record must be ${describe(kind)}`)
  }
  return record
}

function describe (kind: FieldKind): string {
  switch (kind) {
    case 'u32': return 'an integer from 0 to 2^32-1'
    case 'u53': return 'a non-negative safe integer'
    case 'bytes': return 'a Uint8Array'
    case 'bool': return 'a boolean'
    case 'list': return 'a list'
    default: return 'a string'
  }
}

/**
 * A protobuf message codec with the record <-> message mapping around it. `flat`, when given,
 * encodes the records it can (record-writer.ts: the same bytes, written directly) and returns
 * undefined for the others, which take the generated encoder.
 */
function protoCodec<V, M> (
  what: string,
  spec: FieldSpec,
  message: { encode: (m: Partial<M>) => Uint8Array, decode: (b: Uint8Array) => M },
  toMessage: (record: V) => Partial<M>,
  fromMessage: (m: M, sublevel: string) => V,
  flat?: (record: V) => Uint8Array | undefined
): ValueCodec<V> {
  const compiled = compileSpec(spec)
  return {
    encode (value: V): Uint8Array {
      checkRecord(what, value, compiled)
      return flat?.(value) ?? message.encode(toMessage(value))
    },
    decode (bytes: Uint8Array, sublevel: string): V {
      let decoded: M
      try {
        decoded = message.decode(bytes)
      } catch (err) {
        throw new CorruptRecordError(sublevel, `value is not a ${what} record`, { cause: err })
      }
      return fromMessage(decoded, sublevel)
    }
  }
}

/** Copies `m` without the optional fields that are absent (protobuf gives undefined for them). */
function defined<T extends object> (m: T): T {
  const out: Record<string, unknown> = {}
  for (const [k, v] of Object.entries(m)) if (v !== undefined) out[k] = v
  return out as T
}

/** A plain Uint8Array view (protons hands out subarrays of the decoded buffer). */
function view (bytes: Uint8Array): Uint8Array {
  return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength)
}

function enumFrom<T extends string> (sublevel: string, what: string, value: string, allowed: readonly T[]): T {
  const lower = value.toLowerCase() as T
  if (!allowed.includes(lower)) throw new CorruptRecordError(sublevel, `unknown ${what} ${value}`)
  return lower
}

function enumTo<T extends string> (what: string, value: string, allowed: readonly string[]): T {
  if (!allowed.includes(value)) throw new InvalidRecordError(`${what} must be one of ${allowed.join(', ')}`)
  return value.toUpperCase() as T
}

export const profileCodec = protoCodec<IdentityProfile, Profile>('profile', { displayName: 'string?', createdAt: 'u53' }, Profile,
  (r) => r, (m) => defined(m))

/** One codec for the four prekey sublevels (signature absent on one-time X25519 prekeys). */
export function prekeyCodec<V extends { id: number, publicKey: Uint8Array, privateKey: Uint8Array, createdAt: number }> (): ValueCodec<V> {
  return protoCodec<V, Prekey>('prekey', { id: 'u32', publicKey: 'bytes', privateKey: 'bytes', signature: 'bytes?', createdAt: 'u53', issuedAt: 'u53?' }, Prekey,
    (r) => r as Partial<Prekey>,
    (m) => {
      const out = defined({ ...m, publicKey: view(m.publicKey), privateKey: view(m.privateKey) }) as Record<string, unknown>
      if (m.signature !== undefined) out.signature = view(m.signature)
      return out as unknown as V
    })
}

export const lastResortBaseKeyCodec = protoCodec<LastResortBaseKeyRecord, LastResortBaseKey>('last-resort base key',
  { kemPrekeyId: 'u32', signedPrekeyId: 'u32', baseKey: 'bytes', usedAt: 'u53' }, LastResortBaseKey,
  (r) => r as Partial<LastResortBaseKey>, (m) => ({ ...m, baseKey: view(m.baseKey) }))

export const contactCodec = protoCodec<ContactRecord, Contact>('contact',
  { peerId: 'string', name: 'string', verified: 'bool', addedAt: 'u53', verifiedAt: 'u53?', updatedAt: 'u53?' }, Contact,
  (r) => r, (m) => defined(m))

const DIRECTIONS = ['in', 'out', 'event'] as const
const STATES = ['queued', 'sent', 'stored', 'delivered', 'read', 'expired', 'failed', 'received'] as const
const LINE_STATUSES = ['stored', 'refused'] as const
const RELAY_LINE_SPEC = compileSpec({ relay: 'string', status: 'enum', reason: 'string?' })

/** History without relay lines (all but a few entries) in one pass; the order of records.proto. */
const historyWriter = new FlatMessageWriter([
  { number: 1, name: 'peerId', kind: 'string', optional: false },
  { number: 2, name: 'seq', kind: 'u53', optional: false },
  { number: 3, name: 'id', kind: 'string', optional: false },
  { number: 4, name: 'direction', kind: 'enum', optional: false, values: DIRECTIONS },
  { number: 5, name: 'text', kind: 'string', optional: false },
  { number: 6, name: 'sentAt', kind: 'u53', optional: false },
  { number: 7, name: 'receivedAt', kind: 'u53', optional: true },
  { number: 8, name: 'state', kind: 'enum', optional: false, values: STATES },
  { number: 9, name: 'reason', kind: 'string', optional: true },
  { number: 10, name: 'relay', kind: 'string', optional: true },
  { number: 11, name: 'outNumber', kind: 'u53', optional: true },
  // 12 (relays) is a nested message: entries that have relay lines take the generated encoder.
  { number: 13, name: 'updatedAt', kind: 'u53', optional: true }
], (message) => new InvalidRecordError(message))

export const historyCodec = protoCodec<HistoryRecord, History>('history', {
  peerId: 'string', seq: 'u53', id: 'string', direction: 'enum', text: 'string', sentAt: 'u53', receivedAt: 'u53?',
  state: 'enum', reason: 'string?', relay: 'string?', outNumber: 'u53?', relays: 'list?', updatedAt: 'u53?'
}, History,
(r) => {
  const relays = (r.relays ?? []).map((line) => {
    checkRecord('relay line', line, RELAY_LINE_SPEC)
    return { relay: line.relay, status: enumTo<History.RelayLine.Status>('a relay line status', line.status, LINE_STATUSES), reason: line.reason }
  })
  return {
    ...r,
    direction: enumTo<History.Direction>('direction', r.direction, DIRECTIONS),
    state: enumTo<History.State>('state', r.state, STATES),
    relays
  }
},
(m, sublevel) => {
  const out = defined({
    ...m,
    direction: enumFrom(sublevel, 'direction', m.direction, DIRECTIONS),
    state: enumFrom(sublevel, 'state', m.state, STATES),
    relays: undefined as HistoryRecord['relays']
  })
  if (m.relays.length > 0) {
    out.relays = m.relays.map((line) => defined({ relay: line.relay, status: enumFrom(sublevel, 'relay line status', line.status, LINE_STATUSES), reason: line.reason }))
  }
  return out
},
(r) => r.relays === undefined || r.relays.length === 0 ? historyWriter.encode(r as unknown as Record<string, unknown>) : undefined)

const stateChangeWriter = new FlatMessageWriter([
  { number: 1, name: 'state', kind: 'enum', optional: false, values: STATES },
  { number: 2, name: 'updatedAt', kind: 'u53', optional: false },
  { number: 3, name: 'reason', kind: 'string', optional: true }
], (message) => new InvalidRecordError(message))

/** A history entry's state written beside it (docs/store.md, "History states"): a few bytes instead of the whole entry again. */
export const historyStateCodec = protoCodec<HistoryStateRecord, History.StateChange>('history state', { state: 'enum', updatedAt: 'u53', reason: 'string?' },
  History.StateChange,
  (r) => ({ ...r, state: enumTo<History.State>('state', r.state, STATES) }),
  (m, sublevel) => defined({ ...m, state: enumFrom(sublevel, 'state', m.state, STATES) }),
  (r) => stateChangeWriter.encode(r as unknown as Record<string, unknown>))

export const messageLocationCodec = protoCodec<MessageLocation, Position>('message location', { seq: 'u53' }, Position, (r) => r, (m) => ({ seq: m.seq }))
export const relayIdCodec = protoCodec<RelayIdRecord, Position>('relay id', { seq: 'u53' }, Position, (r) => r, (m) => ({ seq: m.seq }))
export const seenCodec = protoCodec<SeenRecord, SeenAt>('seen', { firstSeenAt: 'u53' }, SeenAt, (r) => r, (m) => ({ firstSeenAt: m.firstSeenAt }))
export const addedCodec = protoCodec<TrustRecord, Added>('added', { addedAt: 'u53' }, Added, (r) => r, (m) => ({ addedAt: m.addedAt }))

export const conversationCodec = protoCodec<ConversationRecord, Conversation>('conversation',
  { peerId: 'string', lastSeq: 'u53', unread: 'u53', readSeq: 'u53', lastMessageAt: 'u53' }, Conversation,
  (r) => r, (m) => ({ ...m }))

const outboxWriter = new FlatMessageWriter([
  { number: 1, name: 'messageId', kind: 'string', optional: false },
  { number: 2, name: 'peerId', kind: 'string', optional: false },
  { number: 3, name: 'seq', kind: 'u53', optional: false },
  { number: 4, name: 'envelope', kind: 'bytes', optional: false },
  { number: 5, name: 'attempts', kind: 'u53', optional: false },
  { number: 6, name: 'nextAttemptAt', kind: 'u53', optional: false },
  { number: 7, name: 'expiresAt', kind: 'u53', optional: false },
  { number: 8, name: 'storedAt', kind: 'u53', optional: true }
], (message) => new InvalidRecordError(message))

export const outboxCodec = protoCodec<OutboxRecord, Outbox>('outbox', {
  messageId: 'string', peerId: 'string', seq: 'u53', envelope: 'bytes', attempts: 'u32', nextAttemptAt: 'u53', expiresAt: 'u53', storedAt: 'u53?'
}, Outbox, (r) => r as Partial<Outbox>, (m) => defined({ ...m, envelope: view(m.envelope) }),
(r) => outboxWriter.encode(r as unknown as Record<string, unknown>))

export const relayMailboxCodec = protoCodec<RelayMailboxRecord, RelayMailbox>('relay mailbox', {
  owner: 'string', createdAt: 'u53', firstContactOpen: 'bool', nextSeq: 'u53', count: 'u53', bytes: 'u53', firstContactCount: 'u53', firstContactBytes: 'u53', number: 'u32'
}, RelayMailbox, (r) => r, (m) => ({ ...m }))

const DOORS = ['contact', 'first', 'trusted'] as const

function envelopeId (hex: string): Uint8Array {
  if (typeof hex !== 'string' || !/^(?:[0-9a-f]{2}){1,64}$/.test(hex)) throw new InvalidRecordError('an envelope id must be 1 to 64 bytes of lowercase hex')
  return fromHex(hex, 'record')
}

export const relayEnvelopeCodec = protoCodec<RelayEnvelopeRecord, RelayEnvelope>('relay envelope', {
  id: 'string', seq: 'u53', envelope: 'bytes', door: 'enum', storedAt: 'u53', expiresAt: 'u53'
}, RelayEnvelope,
(r) => ({ ...r, id: envelopeId(r.id) as Uint8Array<ArrayBuffer>, door: enumTo<Door>('door', r.door, DOORS), envelope: r.envelope as Uint8Array<ArrayBuffer> }),
(m, sublevel) => ({ ...m, id: toHex(m.id), envelope: view(m.envelope), door: enumFrom<RelayDoor>(sublevel, 'door', m.door, DOORS) }))

export const relayForwardCodec = protoCodec<RelayForwardRecord, RelayForward>('relay forward', {
  id: 'string', seq: 'u53', recipient: 'string', envelope: 'bytes', depositor: 'string', storedAt: 'u53', expiresAt: 'u53'
}, RelayForward,
(r) => ({ ...r, id: envelopeId(r.id) as Uint8Array<ArrayBuffer>, envelope: r.envelope as Uint8Array<ArrayBuffer> }),
(m) => ({ ...m, id: toHex(m.id), envelope: view(m.envelope) }))
