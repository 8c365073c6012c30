/**
 * The sublevels of the store and their key formats (docs/store.md, "Layout"). Changing a
 * name or a key format here changes the on-disk schema: bump SCHEMA_VERSION.
 */
import {
  bytesCodec, decodeFixed, emptyCodec, encodeMessageId, encodePeerId, encodeU32, encodeU53,
  fromHex, joinKey, jsonCodec, recordCodec, splitKey, toHex
} from './codec.js'
import { InvalidRecordError } from './errors.js'
import { peerIdKey, stringKey, TypedSublevel, u32Key, type KeyCodec, type Level } from './sublevel.js'
import type {
  ContactRecord, ConversationRecord, HistoryRecord, IdentityProfile, JsonValue, LastResortBaseKeyId,
  LastResortBaseKeyRecord, LastResortKemPrekeyRecord, MessageLocation, OneTimeKemPrekeyRecord,
  OneTimePrekeyRecord, OutboxRecord, SeenRecord, SignedPrekeyRecord
} from './records.js'
import type { RelayEnvelopeRecord, RelayForwardRecord, RelayIdRecord, RelayMailboxRecord, TrustRecord } from './records.js'

/** The layout version this code reads and writes (settings key "schemaVersion"). */
export const SCHEMA_VERSION = 1
export const SCHEMA_VERSION_KEY = 'schemaVersion'

/** A position in one conversation: history and outbox keys. */
export interface ConversationKey {
  peerId: string
  seq: number
}

export interface MessageKey {
  peerId: string
  messageId: string
}

export interface OutboxDueKey extends ConversationKey {
  nextAttemptAt: number
}

export interface SeenAtKey {
  at: number
  /** Envelope id, lowercase hex. */
  id: string
}

/** `<peerId>!<seq:16>` */
export const conversationKey: KeyCodec<ConversationKey> = {
  encode: (k) => joinKey(encodePeerId(k.peerId), encodeU53(k.seq)),
  decode: (key, sublevel) => {
    const [peerId, seq] = splitKey(key, 2, sublevel)
    return { peerId, seq: decodeFixed(seq, sublevel) }
  }
}

/** `<peerId>!<messageId>` */
const messageKey: KeyCodec<MessageKey> = {
  encode: (k) => joinKey(encodePeerId(k.peerId), encodeMessageId(k.messageId)),
  decode: (key, sublevel) => {
    const [peerId, messageId] = splitKey(key, 2, sublevel)
    return { peerId, messageId }
  }
}

/** `<nextAttemptAt:16>!<peerId>!<seq:16>` */
export const outboxDueKey: KeyCodec<OutboxDueKey> = {
  encode: (k) => joinKey(encodeU53(k.nextAttemptAt), encodePeerId(k.peerId), encodeU53(k.seq)),
  decode: (key, sublevel) => {
    const [at, peerId, seq] = splitKey(key, 3, sublevel)
    return { nextAttemptAt: decodeFixed(at, sublevel), peerId, seq: decodeFixed(seq, sublevel) }
  }
}

/** Envelope ids are 16 random bytes (envelope.proto, field id); keys are their lowercase hex. */
export function envelopeIdHex (id: Uint8Array | string): string {
  if (typeof id === 'string') {
    if (!/^[0-9a-f]{2,128}$/.test(id) || id.length % 2 !== 0) throw new InvalidRecordError('an envelope id must be lowercase hex')
    return id
  }
  if (!(id instanceof Uint8Array) || id.length === 0 || id.length > 64) throw new InvalidRecordError('an envelope id must be 1 to 64 bytes')
  return toHex(id)
}

const seenKey: KeyCodec<string> = { encode: envelopeIdHex, decode: (key) => key }

/** `<at:16>!<idHex>` */
export const seenAtKey: KeyCodec<SeenAtKey> = {
  encode: (k) => joinKey(encodeU53(k.at), envelopeIdHex(k.id)),
  decode: (key, sublevel) => {
    const [at, id] = splitKey(key, 2, sublevel)
    return { at: decodeFixed(at, sublevel), id }
  }
}

/** `<kemPrekeyId:10>!<signedPrekeyId:10>!<baseKeyHex>` */
const lastResortBaseKey: KeyCodec<LastResortBaseKeyId> = {
  encode: (k) => {
    if (!(k.baseKey instanceof Uint8Array) || k.baseKey.length === 0) throw new InvalidRecordError('baseKey must be bytes')
    return joinKey(encodeU32(k.kemPrekeyId), encodeU32(k.signedPrekeyId), toHex(k.baseKey))
  },
  decode: (key, sublevel) => {
    const [kem, spk, base] = splitKey(key, 3, sublevel)
    return { kemPrekeyId: decodeFixed(kem, sublevel), signedPrekeyId: decodeFixed(spk, sublevel), baseKey: fromHex(base, sublevel) }
  }
}

export interface Sublevels {
  identity: TypedSublevel<string, IdentityProfile>
  signedPrekeys: TypedSublevel<number, SignedPrekeyRecord>
  lastResortKemPrekeys: TypedSublevel<number, LastResortKemPrekeyRecord>
  oneTimePrekeys: TypedSublevel<number, OneTimePrekeyRecord>
  oneTimeKemPrekeys: TypedSublevel<number, OneTimeKemPrekeyRecord>
  lastResortBaseKeys: TypedSublevel<LastResortBaseKeyId, LastResortBaseKeyRecord>
  sessions: TypedSublevel<string, Uint8Array>
  contacts: TypedSublevel<string, ContactRecord>
  settings: TypedSublevel<string, JsonValue>
  history: TypedSublevel<ConversationKey, HistoryRecord>
  messages: TypedSublevel<MessageKey, MessageLocation>
  conversations: TypedSublevel<string, ConversationRecord>
  outbox: TypedSublevel<ConversationKey, OutboxRecord>
  outboxDue: TypedSublevel<OutboxDueKey, null>
  seen: TypedSublevel<string, SeenRecord>
  seenAt: TypedSublevel<SeenAtKey, null>
}

export function createSublevels (root: Level): Sublevels {
  const keyPair = ['publicKey', 'privateKey', 'signature'] as const
  return {
    identity: new TypedSublevel(root, 'identity', stringKey, recordCodec<IdentityProfile>([])),
    signedPrekeys: new TypedSublevel(root, 'signedPrekeys', u32Key, recordCodec<SignedPrekeyRecord>([...keyPair])),
    lastResortKemPrekeys: new TypedSublevel(root, 'lastResortKemPrekeys', u32Key, recordCodec<LastResortKemPrekeyRecord>([...keyPair])),
    oneTimePrekeys: new TypedSublevel(root, 'oneTimePrekeys', u32Key, recordCodec<OneTimePrekeyRecord>(['publicKey', 'privateKey'])),
    oneTimeKemPrekeys: new TypedSublevel(root, 'oneTimeKemPrekeys', u32Key, recordCodec<OneTimeKemPrekeyRecord>([...keyPair])),
    lastResortBaseKeys: new TypedSublevel(root, 'lastResortBaseKeys', lastResortBaseKey, recordCodec<LastResortBaseKeyRecord>(['baseKey'])),
    sessions: new TypedSublevel(root, 'sessions', peerIdKey, bytesCodec),
    contacts: new TypedSublevel(root, 'contacts', peerIdKey, recordCodec<ContactRecord>([])),
    settings: new TypedSublevel(root, 'settings', stringKey, jsonCodec),
    history: new TypedSublevel(root, 'history', conversationKey, recordCodec<HistoryRecord>([]), true),
    messages: new TypedSublevel(root, 'messages', messageKey, recordCodec<MessageLocation>([]), true),
    conversations: new TypedSublevel(root, 'conversations', peerIdKey, recordCodec<ConversationRecord>([]), true),
    outbox: new TypedSublevel(root, 'outbox', conversationKey, recordCodec<OutboxRecord>(['envelope']), true),
    outboxDue: new TypedSublevel(root, 'outboxDue', outboxDueKey, emptyCodec, true),
    seen: new TypedSublevel(root, 'seen', seenKey, recordCodec<SeenRecord>([]), true),
    seenAt: new TypedSublevel(root, 'seenAt', seenAtKey, emptyCodec, true)
  }
}

// ---- Relay sublevels (src/relay, docs/relay.md "Storage"). Appended: existing ones are unchanged. ----

export interface PeerSeqKey {
  peerId: string
  seq: number
}

export interface PeerIdHexKey {
  peerId: string
  /** Lowercase hex (an envelope id or a SHA-256 hash). */
  hex: string
}

/** Which relay queue an expiry index entry points into: a mailbox or the forward queue. */
export type RelayQueue = 'm' | 'f'

export interface RelayExpiryKey {
  expiresAt: number
  queue: RelayQueue
  peerId: string
  seq: number
}

/** `<peerId>!<seq:16>` */
export const peerSeqKey: KeyCodec<PeerSeqKey> = {
  encode: (k) => joinKey(encodePeerId(k.peerId), encodeU53(k.seq)),
  decode: (key, sublevel) => {
    const [peerId, seq] = splitKey(key, 2, sublevel)
    return { peerId, seq: decodeFixed(seq, sublevel) }
  }
}

/** `<peerId>!<hex>` */
export const peerIdHexKey: KeyCodec<PeerIdHexKey> = {
  encode: (k) => {
    if (typeof k.hex !== 'string' || !/^(?:[0-9a-f]{2}){1,64}$/.test(k.hex)) throw new InvalidRecordError('expected 1 to 64 bytes of lowercase hex')
    return joinKey(encodePeerId(k.peerId), k.hex)
  },
  decode: (key, sublevel) => {
    const [peerId, hex] = splitKey(key, 2, sublevel)
    return { peerId, hex }
  }
}

/** `<expiresAt:16>!<m|f>!<peerId>!<seq:16>` */
export const relayExpiryKey: KeyCodec<RelayExpiryKey> = {
  encode: (k) => {
    if (k.queue !== 'm' && k.queue !== 'f') throw new InvalidRecordError('queue must be m or f')
    return joinKey(encodeU53(k.expiresAt), k.queue, encodePeerId(k.peerId), encodeU53(k.seq))
  },
  decode: (key, sublevel) => {
    const [at, queue, peerId, seq] = splitKey(key, 4, sublevel)
    if (queue !== 'm' && queue !== 'f') throw new InvalidRecordError('queue must be m or f')
    return { expiresAt: decodeFixed(at, sublevel), queue, peerId, seq: decodeFixed(seq, sublevel) }
  }
}

export interface RelaySublevels {
  trust: TypedSublevel<string, TrustRecord>
  relayMailboxes: TypedSublevel<string, RelayMailboxRecord>
  relayEnvelopes: TypedSublevel<PeerSeqKey, RelayEnvelopeRecord>
  relayEnvelopeIds: TypedSublevel<PeerIdHexKey, RelayIdRecord>
  relayCapabilities: TypedSublevel<PeerIdHexKey, { addedAt: number }>
  relayPrekeys: TypedSublevel<PeerSeqKey, Uint8Array>
  relayForward: TypedSublevel<PeerSeqKey, RelayForwardRecord>
  relayForwardIds: TypedSublevel<PeerIdHexKey, RelayIdRecord>
  relayExpiry: TypedSublevel<RelayExpiryKey, null>
  relayStats: TypedSublevel<string, JsonValue>
}

export function createRelaySublevels (root: Level): RelaySublevels {
  return {
    trust: new TypedSublevel(root, 'trust', peerIdKey, recordCodec<TrustRecord>([])),
    relayMailboxes: new TypedSublevel(root, 'relayMailboxes', peerIdKey, recordCodec<RelayMailboxRecord>([])),
    relayEnvelopes: new TypedSublevel(root, 'relayEnvelopes', peerSeqKey, recordCodec<RelayEnvelopeRecord>(['envelope'])),
    relayEnvelopeIds: new TypedSublevel(root, 'relayEnvelopeIds', peerIdHexKey, recordCodec<RelayIdRecord>([])),
    relayCapabilities: new TypedSublevel(root, 'relayCapabilities', peerIdHexKey, recordCodec<{ addedAt: number }>([])),
    relayPrekeys: new TypedSublevel(root, 'relayPrekeys', peerSeqKey, bytesCodec),
    relayForward: new TypedSublevel(root, 'relayForward', peerSeqKey, recordCodec<RelayForwardRecord>(['envelope'])),
    relayForwardIds: new TypedSublevel(root, 'relayForwardIds', peerIdHexKey, recordCodec<RelayIdRecord>([])),
    relayExpiry: new TypedSublevel(root, 'relayExpiry', relayExpiryKey, emptyCodec),
    relayStats: new TypedSublevel(root, 'relayStats', stringKey, jsonCodec)
  }
}
