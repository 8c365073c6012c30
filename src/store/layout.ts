/**
 * The sublevels of the store and their key formats (docs/store.md, "Layout"). Changing a
 * name, a key format or a value encoding here changes the on-disk schema: bump SCHEMA_VERSION
 * and add a migration (src/store/migrate/).
 *
 * Key codecs are built per store, around its cipher: in an encrypted store every key part that
 * names a peer is sealed (at-rest/cipher.ts), so the stored keys do not say who talks to whom;
 * in an unencrypted one the parts are stored as they are.
 */
import { LRUCache } from 'lru-cache'
import { plainCipher, type StoreCipher } from './at-rest/cipher.js'
import {
  bytesCodec, decodeFixed, emptyCodec, encodeMessageId, owedIdsCodec, encodePeerId, encodeU32, encodeU53,
  fromHex, joinKey, jsonCodec, prefixRange, splitKey, toHex
} from './codec.js'
import { CorruptRecordError, InvalidRecordError } from './errors.js'
import { withState } from './history-state.js'
import {
  addedCodec, contactCodec, conversationCodec, historyCodec, historyStateCodec, lastResortBaseKeyCodec, messageLocationCodec,
  outboxCodec, prekeyCodec, profileCodec, relayEnvelopeCodec, relayForwardCodec, relayIdCodec, relayMailboxCodec, seenCodec
} from './record-codecs.js'
import { stringKey, TypedSublevel, u32Key, type KeyCodec, type Level } from './sublevel.js'
import type {
  ContactRecord, ConversationRecord, HistoryRecord, HistoryStateRecord, IdentityProfile, JsonValue, LastResortBaseKeyId,
  LastResortBaseKeyRecord, LastResortKemPrekeyRecord, MessageLocation, OneTimeKemPrekeyRecord,
  OneTimePrekeyRecord, OutboxRecord, SeenRecord, SignedPrekeyRecord
} from './records.js'
import type { RelayEnvelopeRecord, RelayForwardRecord, RelayIdRecord, RelayMailboxRecord, TrustRecord } from './records.js'

/**
 * The layout version this code reads and writes, kept in the unencrypted `meta` sublevel.
 * 1: JSON values (bytes as base64), peer IDs in keys, no encryption.
 * 2: protobuf values, encrypted (or not, by choice) with the key parts naming peers sealed.
 */
export const SCHEMA_VERSION = 2
/** Where schema version 1 kept its version: settings/schemaVersion. */
export const V1_SCHEMA_VERSION_KEY = 'schemaVersion'

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

/** Envelope ids are 16 random bytes (envelope.proto, field id); keys are their lowercase hex. */
export function envelopeIdHex (id: Uint8Array | string): string {
  if (typeof id === 'string') {
    if (!/^[0-9a-f]{2,128}$/.test(id) || id.length % 2 !== 0) throw new InvalidRecordError('an envelope id must be lowercase hex')
    return id
  }
  if (!(id instanceof Uint8Array) || id.length === 0 || id.length > 64) throw new InvalidRecordError('an envelope id must be 1 to 64 bytes')
  return toHex(id)
}

/** The key parts that name a peer, as this store writes them. */
export interface PeerNames {
  /** A peer ID as stored in a key (validated, then sealed when the store is encrypted). */
  encode: (peerId: string) => string
  decode: (stored: string, sublevel: string) => string
  /** Range bounds selecting every key `<peer>!...` of one peer. */
  range: (peerId: string) => { gte: string, lt: string }
}

/** Peers whose key part peerNames keeps at hand (least recently used first out). */
const PEER_NAME_CACHE_SIZE = 1024

export function peerNames (cipher: StoreCipher): PeerNames {
  // Every key of a message names its peer (history entry, id index, outbox entry, due index,
  // ...): checked and sealed once per peer, not once per key (the format check alone was ~4%
  // of a flooding sender's CPU).
  const known = new LRUCache<string, string>({ max: PEER_NAME_CACHE_SIZE })
  const encode = (peerId: string): string => {
    let stored = known.get(peerId)
    if (stored === undefined) {
      stored = cipher.sealName(encodePeerId(peerId))
      known.set(peerId, stored)
    }
    return stored
  }
  return {
    encode,
    decode: (stored, sublevel) => cipher.openName(stored, sublevel),
    range: (peerId) => prefixRange(encode(peerId))
  }
}

function peerKey (names: PeerNames): KeyCodec<string> {
  return { encode: names.encode, decode: names.decode }
}

/**
 * Settings keys are free text; by convention a per-peer setting is `<name>:<peerId>`. The part
 * after the first colon is sealed like a peer ID (without its format check), so that
 * `capability:<peer>` and the like do not name the peer on disk.
 */
function settingsKey (cipher: StoreCipher): KeyCodec<string> {
  return {
    encode: (key) => {
      stringKey.encode(key)
      const colon = key.indexOf(':')
      if (colon < 0) return key
      const rest = key.slice(colon + 1)
      if (rest === '') throw new InvalidRecordError('a settings key must not end with ":"')
      return key.slice(0, colon + 1) + cipher.sealName(rest)
    },
    decode: (stored, sublevel) => {
      const colon = stored.indexOf(':')
      return colon < 0 ? stored : stored.slice(0, colon + 1) + cipher.openName(stored.slice(colon + 1), sublevel)
    }
  }
}

/** The key codecs of the messenger's sublevels. */
export interface KeyCodecs {
  /** `<peer>!<seq:16>` */
  conversation: KeyCodec<ConversationKey>
  /** `<peer>!<messageId>` */
  message: KeyCodec<MessageKey>
  /** `<nextAttemptAt:16>!<peer>!<seq:16>` */
  outboxDue: KeyCodec<OutboxDueKey>
  /** `<at:16>!<idHex>` */
  seenAt: KeyCodec<SeenAtKey>
}

/** `<peer>!<seq:16>`: history and outbox entries, and the relay's per-peer queues. */
function peerSeqCodec (names: PeerNames): KeyCodec<ConversationKey> {
  return {
    encode: (k) => joinKey(names.encode(k.peerId), encodeU53(k.seq)),
    decode: (key, sublevel) => {
      const [peer, seq] = splitKey(key, 2, sublevel)
      return { peerId: names.decode(peer, sublevel), seq: decodeFixed(seq, sublevel) }
    }
  }
}

export function keyCodecs (names: PeerNames): KeyCodecs {
  return {
    conversation: peerSeqCodec(names),
    message: {
      encode: (k) => joinKey(names.encode(k.peerId), encodeMessageId(k.messageId)),
      decode: (key, sublevel) => {
        const [peer, messageId] = splitKey(key, 2, sublevel)
        return { peerId: names.decode(peer, sublevel), messageId }
      }
    },
    outboxDue: {
      encode: (k) => joinKey(encodeU53(k.nextAttemptAt), names.encode(k.peerId), encodeU53(k.seq)),
      decode: (key, sublevel) => {
        const [at, peer, seq] = splitKey(key, 3, sublevel)
        return { nextAttemptAt: decodeFixed(at, sublevel), peerId: names.decode(peer, sublevel), seq: decodeFixed(seq, sublevel) }
      }
    },
    seenAt: {
      encode: (k) => joinKey(encodeU53(k.at), envelopeIdHex(k.id)),
      decode: (key, sublevel) => {
        const [at, id] = splitKey(key, 2, sublevel)
        return { at: decodeFixed(at, sublevel), id }
      }
    }
  }
}

const seenKey: KeyCodec<string> = { encode: envelopeIdHex, decode: (key) => key }

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

/** Bounds of the read caches (stored bytes): some thousands of recent history entries. */
const HISTORY_CACHE_BYTES = 1024 * 1024
const MESSAGES_CACHE_BYTES = 256 * 1024
/** Some thousands of outbox entries: more than the rounds in flight to a few peers. */
const OUTBOX_CACHE_BYTES = 1024 * 1024

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
  /** Entries as read: each with its `historyState` record laid over it. */
  history: TypedSublevel<ConversationKey, HistoryRecord>
  /** A history entry's state when only that changed since the entry was written, keyed as `history` (docs/store.md, "History states"). */
  historyState: TypedSublevel<ConversationKey, HistoryStateRecord>
  messages: TypedSublevel<MessageKey, MessageLocation>
  conversations: TypedSublevel<string, ConversationRecord>
  outbox: TypedSublevel<ConversationKey, OutboxRecord>
  outboxDue: TypedSublevel<OutboxDueKey, null>
  seen: TypedSublevel<string, SeenRecord>
  seenAt: TypedSublevel<SeenAtKey, null>
  /**
   * Delivered receipts owed, one entry per receiving batch, `<peer>!<first messageId>`: the ids
   * (an empty value, as before: the key's id alone; src/messenger/delivered-receipts.ts).
   */
  receiptsOwed: TypedSublevel<MessageKey, string[]>
}

/**
 * `cipher`, except that an empty stored value reads as empty: `receiptsOwed` entries written
 * before they held their batch's ids were empty index entries, never encrypted.
 */
function emptyAsWritten (cipher: StoreCipher): StoreCipher {
  return { ...cipher, openValue: (sublevel, key, stored) => stored.byteLength === 0 ? stored : cipher.openValue(sublevel, key, stored) }
}

export function createSublevels (root: Level, cipher: StoreCipher = plainCipher): Sublevels {
  const names = peerNames(cipher)
  const keys = keyCodecs(names)
  const peer = peerKey(names)
  const plain = { cipher }
  const managed = { cipher, managed: true }
  // Read back right after they are written (state changes, receipts): cached (record-cache.ts).
  const history = new TypedSublevel(root, 'history', keys.conversation, historyCodec, { ...managed, cacheBytes: HISTORY_CACHE_BYTES })
  // An entry's later states, laid over it as it is read and in history's cache (docs/store.md, "History states").
  const historyState = new TypedSublevel(root, 'historyState', keys.conversation, historyStateCodec, managed)
  historyState.layOver(history, withState)
  return {
    identity: new TypedSublevel(root, 'identity', stringKey, profileCodec, plain),
    signedPrekeys: new TypedSublevel(root, 'signedPrekeys', u32Key, prekeyCodec<SignedPrekeyRecord>(), plain),
    lastResortKemPrekeys: new TypedSublevel(root, 'lastResortKemPrekeys', u32Key, prekeyCodec<LastResortKemPrekeyRecord>(), plain),
    oneTimePrekeys: new TypedSublevel(root, 'oneTimePrekeys', u32Key, prekeyCodec<OneTimePrekeyRecord>(), plain),
    oneTimeKemPrekeys: new TypedSublevel(root, 'oneTimeKemPrekeys', u32Key, prekeyCodec<OneTimeKemPrekeyRecord>(), plain),
    lastResortBaseKeys: new TypedSublevel(root, 'lastResortBaseKeys', lastResortBaseKey, lastResortBaseKeyCodec, plain),
    sessions: new TypedSublevel(root, 'sessions', peer, bytesCodec, plain),
    contacts: new TypedSublevel(root, 'contacts', peer, contactCodec, plain),
    settings: new TypedSublevel(root, 'settings', settingsKey(cipher), jsonCodec, plain),
    history,
    historyState,
    messages: new TypedSublevel(root, 'messages', keys.message, messageLocationCodec, { ...managed, cacheBytes: MESSAGES_CACHE_BYTES }),
    conversations: new TypedSublevel(root, 'conversations', peer, conversationCodec, managed),
    // Read back by a delivered receipt that comes before its message's round has settled (the
    // entry is still in the outbox then): a LevelDB get and an AEAD open per message, uncached.
    outbox: new TypedSublevel(root, 'outbox', keys.conversation, outboxCodec, { ...managed, cacheBytes: OUTBOX_CACHE_BYTES }),
    outboxDue: new TypedSublevel(root, 'outboxDue', keys.outboxDue, emptyCodec, managed),
    seen: new TypedSublevel(root, 'seen', seenKey, seenCodec, managed),
    seenAt: new TypedSublevel(root, 'seenAt', keys.seenAt, emptyCodec, managed),
    // Keyed like `messages` (the message id in the clear, the peer sealed), not in settings,
    // whose sealed part would be a new AES-GCM-SIV name per message id.
    receiptsOwed: new TypedSublevel(root, 'receiptsOwed', keys.message, owedIdsCodec, { cipher: emptyAsWritten(cipher) })
  }
}

// ---- Relay sublevels (src/relay, docs/relay.md "Storage"). ----

export interface PeerSeqKey {
  peerId: string
  seq: number
}

export interface PeerIdHexKey {
  peerId: string
  /** Lowercase hex (an envelope id or a SHA-256 hash). */
  hex: string
}

/**
 * An envelope held in a mailbox, by the mailbox's number (RelayMailboxRecord.number) rather than
 * its owner: the keys written for every held envelope stay short and name no peer.
 */
export interface MailboxSeqKey {
  mailbox: number
  seq: number
}

export interface MailboxIdHexKey {
  mailbox: number
  /** Lowercase hex: an envelope id. */
  hex: string
}

/**
 * Which relay queue an expiry index entry points into: a numbered mailbox (`n`), the forward
 * queue (`f`), or a mailbox in the layout before numbers (`m`, keyed by owner; only until the
 * relay store's open has moved it, mailboxes.ts).
 */
export type RelayExpiryKey =
  | { expiresAt: number, queue: 'n', mailbox: number, seq: number }
  | { expiresAt: number, queue: 'm' | 'f', peerId: string, seq: number }

export type RelayQueue = RelayExpiryKey['queue']

export interface RelayKeyCodecs {
  /** `<peer>!<seq:16>` */
  peerSeq: KeyCodec<PeerSeqKey>
  /** `<peer>!<hex>` */
  peerIdHex: KeyCodec<PeerIdHexKey>
  /** `<mailbox:10>!<seq:16>` */
  mailboxSeq: KeyCodec<MailboxSeqKey>
  /** `<mailbox:10>!<hex>` */
  mailboxIdHex: KeyCodec<MailboxIdHexKey>
  /** `<expiresAt:16>!n!<mailbox:10>!<seq:16>`, or `<expiresAt:16>!<m|f>!<peer>!<seq:16>` */
  relayExpiry: KeyCodec<RelayExpiryKey>
}

/** Lowercase hex of 1 to 64 bytes, as the id parts of relay keys are. */
function idHex (hex: string): string {
  if (typeof hex !== 'string' || !/^(?:[0-9a-f]{2}){1,64}$/.test(hex)) throw new InvalidRecordError('expected 1 to 64 bytes of lowercase hex')
  return hex
}

/** Range bounds selecting every `<mailbox>!...` key of one mailbox in relayHeld and relayHeldIds. */
export function mailboxRange (mailbox: number): { gte: string, lt: string } {
  return prefixRange(mailboxNumber(mailbox))
}

/** A mailbox number: 1 to 2^32 - 1 (0 is a record from before numbers). */
function mailboxNumber (n: number): string {
  if (n === 0) throw new InvalidRecordError('mailbox number 0 is not a stored mailbox')
  return encodeU32(n)
}

export function relayKeyCodecs (names: PeerNames): RelayKeyCodecs {
  return {
    peerSeq: peerSeqCodec(names),
    peerIdHex: {
      encode: (k) => joinKey(names.encode(k.peerId), idHex(k.hex)),
      decode: (key, sublevel) => {
        const [peer, hex] = splitKey(key, 2, sublevel)
        return { peerId: names.decode(peer, sublevel), hex }
      }
    },
    mailboxSeq: {
      encode: (k) => joinKey(mailboxNumber(k.mailbox), encodeU53(k.seq)),
      decode: (key, sublevel) => {
        const [mailbox, seq] = splitKey(key, 2, sublevel)
        return { mailbox: decodeFixed(mailbox, sublevel), seq: decodeFixed(seq, sublevel) }
      }
    },
    mailboxIdHex: {
      encode: (k) => joinKey(mailboxNumber(k.mailbox), idHex(k.hex)),
      decode: (key, sublevel) => {
        const [mailbox, hex] = splitKey(key, 2, sublevel)
        return { mailbox: decodeFixed(mailbox, sublevel), hex }
      }
    },
    relayExpiry: {
      encode: (k) => {
        if (k.queue === 'n') return joinKey(encodeU53(k.expiresAt), k.queue, mailboxNumber(k.mailbox), encodeU53(k.seq))
        if (k.queue !== 'm' && k.queue !== 'f') throw new InvalidRecordError('queue must be n, m or f')
        return joinKey(encodeU53(k.expiresAt), k.queue, names.encode(k.peerId), encodeU53(k.seq))
      },
      decode: (key, sublevel) => {
        const [at, queue, part, seq] = splitKey(key, 4, sublevel)
        const expiresAt = decodeFixed(at, sublevel)
        if (queue === 'n') return { expiresAt, queue, mailbox: decodeFixed(part, sublevel), seq: decodeFixed(seq, sublevel) }
        if (queue !== 'm' && queue !== 'f') throw new CorruptRecordError(sublevel, 'queue must be n, m or f')
        return { expiresAt, queue, peerId: names.decode(part, sublevel), seq: decodeFixed(seq, sublevel) }
      }
    }
  }
}

/** The relay key codecs of an unencrypted store (peer IDs as they are). */
const plainRelayKeys = relayKeyCodecs(peerNames(plainCipher))
export const peerSeqKey = plainRelayKeys.peerSeq
export const peerIdHexKey = plainRelayKeys.peerIdHex
export const relayExpiryKey = plainRelayKeys.relayExpiry
export const mailboxSeqKey = plainRelayKeys.mailboxSeq
export const mailboxIdHexKey = plainRelayKeys.mailboxIdHex

export interface RelaySublevels {
  trust: TypedSublevel<string, TrustRecord>
  relayMailboxes: TypedSublevel<string, RelayMailboxRecord>
  /** Envelopes held in mailboxes, by mailbox number (docs/relay.md, "Storage"). */
  relayHeld: TypedSublevel<MailboxSeqKey, RelayEnvelopeRecord>
  relayHeldIds: TypedSublevel<MailboxIdHexKey, RelayIdRecord>
  /** The layout before mailbox numbers, by owner: read only to move it (mailboxes.ts). */
  relayEnvelopes: TypedSublevel<PeerSeqKey, RelayEnvelopeRecord>
  relayEnvelopeIds: TypedSublevel<PeerIdHexKey, RelayIdRecord>
  relayCapabilities: TypedSublevel<PeerIdHexKey, { addedAt: number }>
  relayPrekeys: TypedSublevel<PeerSeqKey, Uint8Array>
  relayForward: TypedSublevel<PeerSeqKey, RelayForwardRecord>
  relayForwardIds: TypedSublevel<PeerIdHexKey, RelayIdRecord>
  relayExpiry: TypedSublevel<RelayExpiryKey, null>
  relayStats: TypedSublevel<string, JsonValue>
  /** Range bounds selecting every `<peer>!...` key of one peer in the peer-keyed relay sublevels. */
  peerRange: (peerId: string) => { gte: string, lt: string }
}

export function createRelaySublevels (root: Level, cipher: StoreCipher = plainCipher): RelaySublevels {
  const names = peerNames(cipher)
  const keys = relayKeyCodecs(names)
  const peer = peerKey(names)
  const o = { cipher }
  return {
    trust: new TypedSublevel(root, 'trust', peer, addedCodec, o),
    relayMailboxes: new TypedSublevel(root, 'relayMailboxes', peer, relayMailboxCodec, o),
    relayHeld: new TypedSublevel(root, 'relayHeld', keys.mailboxSeq, relayEnvelopeCodec, o),
    relayHeldIds: new TypedSublevel(root, 'relayHeldIds', keys.mailboxIdHex, relayIdCodec, o),
    relayEnvelopes: new TypedSublevel(root, 'relayEnvelopes', keys.peerSeq, relayEnvelopeCodec, o),
    relayEnvelopeIds: new TypedSublevel(root, 'relayEnvelopeIds', keys.peerIdHex, relayIdCodec, o),
    relayCapabilities: new TypedSublevel(root, 'relayCapabilities', keys.peerIdHex, addedCodec, o),
    relayPrekeys: new TypedSublevel(root, 'relayPrekeys', keys.peerSeq, bytesCodec, o),
    relayForward: new TypedSublevel(root, 'relayForward', keys.peerSeq, relayForwardCodec, o),
    relayForwardIds: new TypedSublevel(root, 'relayForwardIds', keys.peerIdHex, relayIdCodec, o),
    relayExpiry: new TypedSublevel(root, 'relayExpiry', keys.relayExpiry, emptyCodec, o),
    relayStats: new TypedSublevel(root, 'relayStats', stringKey, jsonCodec, o),
    peerRange: names.range
  }
}

/**
 * Every sublevel a schema version 1 store may hold, messenger and relay: what its migration
 * copies. (Later sublevels, relayHeld and relayHeldIds, start empty in the copy; the relay store's
 * open moves the copied mailboxes into them, mailboxes.ts.)
 */
export const SUBLEVEL_NAMES = [
  'identity', 'signedPrekeys', 'lastResortKemPrekeys', 'oneTimePrekeys', 'oneTimeKemPrekeys', 'lastResortBaseKeys',
  'sessions', 'contacts', 'settings', 'history', 'messages', 'conversations', 'outbox', 'outboxDue', 'seen', 'seenAt',
  'trust', 'relayMailboxes', 'relayEnvelopes', 'relayEnvelopeIds', 'relayCapabilities', 'relayPrekeys', 'relayForward',
  'relayForwardIds', 'relayExpiry', 'relayStats'
] as const
