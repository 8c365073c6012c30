/**
 * What a backup holds (docs/store.md, "Backup files"): the identity seed, the profile name,
 * contacts with their verification marks, the settings (relays, capabilities, message
 * numbering...), the trust list, the prekeys (so sessions contacts start from bundles already
 * handed out still open), and, unless left out, the history with the conversation summaries.
 * Not the sessions (a restored node starts new ones, and its contacts see a reset), not the
 * outbox (its envelopes are encrypted under those sessions), not the envelope ids seen, not
 * what this node holds for others as a relay.
 *
 * Every record travels in the store's own protobuf encoding (record-codecs.ts), so decoding a
 * payload checks each record as strictly as reading the store does.
 */
import { contactCodec, conversationCodec, historyCodec, lastResortBaseKeyCodec, prekeyCodec, addedCodec } from '../record-codecs.js'
import { BackupCorruptError, storeWriteError } from '../errors.js'
import { BackupPayload } from '../proto/records.js'
import { parseJson, stringify, type ValueCodec } from '../codec.js'
import type {
  ContactRecord, ConversationRecord, HistoryRecord, JsonValue, LastResortBaseKeyRecord, LastResortKemPrekeyRecord,
  OneTimeKemPrekeyRecord, OneTimePrekeyRecord, OutboxRecord, SignedPrekeyRecord
} from '../records.js'
import type { Store } from '../store.js'
import { batchOptions, levelOps, type RawOp } from '../sublevel.js'

/**
 * Settings a backup does not carry: those that describe sessions ("our capability reached this
 * peer"), and the ids clients gave their sends (they name a text for ten minutes only).
 */
const SETTINGS_NOT_CARRIED = ['capabilitySent:', 'clientId:']

export interface BackupContents {
  identitySeed: Uint8Array
  createdAt: number
  withHistory: boolean
  displayName?: string
  contacts: ContactRecord[]
  settings: Array<{ key: string, value: JsonValue }>
  trust: Array<{ peerId: string, addedAt: number }>
  signedPrekeys: SignedPrekeyRecord[]
  lastResortKemPrekeys: LastResortKemPrekeyRecord[]
  oneTimePrekeys: OneTimePrekeyRecord[]
  oneTimeKemPrekeys: OneTimeKemPrekeyRecord[]
  lastResortBaseKeys: LastResortBaseKeyRecord[]
  history: HistoryRecord[]
  conversations: ConversationRecord[]
}

/** Reads a backup's contents from an open store. */
export async function collectBackup (store: Store, identitySeed: Uint8Array, options: { withHistory: boolean, displayName?: string, now?: number }): Promise<BackupContents> {
  const s = store.sublevels
  const values = async <V>(list: Promise<Array<{ value: V }>>): Promise<V[]> => (await list).map(e => e.value)
  const settings = (await s.settings.list()).filter(e => !SETTINGS_NOT_CARRIED.some(prefix => e.key.startsWith(prefix)))
  return {
    identitySeed,
    createdAt: options.now ?? Date.now(),
    withHistory: options.withHistory,
    ...(options.displayName !== undefined ? { displayName: options.displayName } : {}),
    contacts: await values(s.contacts.list()),
    settings: settings.map(e => ({ key: e.key, value: e.value })),
    trust: (await store.relaySublevels.trust.list()).map(e => ({ peerId: e.key, addedAt: e.value.addedAt })),
    signedPrekeys: await values(s.signedPrekeys.list()),
    lastResortKemPrekeys: await values(s.lastResortKemPrekeys.list()),
    oneTimePrekeys: await values(s.oneTimePrekeys.list()),
    oneTimeKemPrekeys: await values(s.oneTimeKemPrekeys.list()),
    lastResortBaseKeys: await values(s.lastResortBaseKeys.list()),
    history: options.withHistory ? await values(s.history.list()) : [],
    conversations: options.withHistory ? await values(s.conversations.list()) : []
  }
}

export function encodeBackupPayload (c: BackupContents): Uint8Array {
  const all = <V>(codec: ValueCodec<V>, list: V[]): Array<Uint8Array<ArrayBuffer>> => list.map(v => codec.encode(v) as Uint8Array<ArrayBuffer>)
  return BackupPayload.encode({
    identitySeed: c.identitySeed as Uint8Array<ArrayBuffer>,
    createdAt: c.createdAt,
    withHistory: c.withHistory,
    ...(c.displayName !== undefined ? { displayName: c.displayName } : {}),
    contacts: all(contactCodec, c.contacts),
    settings: c.settings.map(e => ({ key: e.key, json: stringify(e.value) })),
    trustPeers: c.trust.map(t => t.peerId),
    trust: all(addedCodec, c.trust.map(t => ({ addedAt: t.addedAt }))),
    signedPrekeys: all(prekeyCodec<SignedPrekeyRecord>(), c.signedPrekeys),
    lastResortKemPrekeys: all(prekeyCodec<LastResortKemPrekeyRecord>(), c.lastResortKemPrekeys),
    oneTimePrekeys: all(prekeyCodec<OneTimePrekeyRecord>(), c.oneTimePrekeys),
    oneTimeKemPrekeys: all(prekeyCodec<OneTimeKemPrekeyRecord>(), c.oneTimeKemPrekeys),
    lastResortBaseKeys: all(lastResortBaseKeyCodec, c.lastResortBaseKeys),
    history: all(historyCodec, c.history),
    conversations: all(conversationCodec, c.conversations)
  })
}

/** Decodes and checks a payload; BackupCorruptError on anything malformed. */
export function decodeBackupPayload (bytes: Uint8Array): BackupContents {
  try {
    const p = BackupPayload.decode(bytes)
    const all = <V>(codec: ValueCodec<V>, list: Uint8Array[], what: string): V[] => list.map(b => codec.decode(b, `backup ${what}`))
    if (p.identitySeed.length !== 32) throw new Error('the identity seed is not 32 bytes')
    if (p.trustPeers.length !== p.trust.length) throw new Error('trust entries do not match their peers')
    const trust = all(addedCodec, p.trust, 'trust')
    return {
      identitySeed: Uint8Array.from(p.identitySeed),
      createdAt: p.createdAt,
      withHistory: p.withHistory,
      ...(p.displayName !== undefined ? { displayName: p.displayName } : {}),
      contacts: all(contactCodec, p.contacts, 'contacts'),
      settings: p.settings.map(e => ({ key: e.key, value: parseJson(new TextEncoder().encode(e.json), 'backup settings') as JsonValue })),
      trust: p.trustPeers.map((peerId, i) => ({ peerId, addedAt: trust[i].addedAt })),
      signedPrekeys: all(prekeyCodec<SignedPrekeyRecord>(), p.signedPrekeys, 'signed prekeys'),
      lastResortKemPrekeys: all(prekeyCodec<LastResortKemPrekeyRecord>(), p.lastResortKemPrekeys, 'last-resort prekeys'),
      oneTimePrekeys: all(prekeyCodec<OneTimePrekeyRecord>(), p.oneTimePrekeys, 'one-time prekeys'),
      oneTimeKemPrekeys: all(prekeyCodec<OneTimeKemPrekeyRecord>(), p.oneTimeKemPrekeys, 'one-time KEM prekeys'),
      lastResortBaseKeys: all(lastResortBaseKeyCodec, p.lastResortBaseKeys, 'last-resort base keys'),
      history: all(historyCodec, p.history, 'history'),
      conversations: all(conversationCodec, p.conversations, 'conversations')
    }
  } catch (err) {
    throw new BackupCorruptError(`the backup's contents are malformed (${(err as Error).message}); nothing was changed`, { cause: err })
  }
}

/** Records per LevelDB batch while restoring. */
const RESTORE_BATCH = 1000

/**
 * Writes a backup's contents into a new, empty store, with `outbox` entries and `events`
 * (history entries) the restoring messenger adds. The managed sublevels are written directly
 * here: the history comes with its own conversation summaries. Every key and record is checked
 * as it is encoded; the last batch is synced, which makes everything durable.
 */
export async function writeBackupContents (store: Store, c: BackupContents, extra: { outbox: OutboxRecord[], events: HistoryRecord[] }): Promise<void> {
  const s = store.sublevels
  const trust = store.relaySublevels.trust
  const ops: RawOp[] = []
  for (const contact of c.contacts) ops.push(s.contacts.encodePut(contact.peerId, contact))
  for (const { key, value } of c.settings) ops.push(s.settings.encodePut(key, value))
  for (const t of c.trust) ops.push(trust.encodePut(t.peerId, { addedAt: t.addedAt }))
  for (const k of c.signedPrekeys) ops.push(s.signedPrekeys.encodePut(k.id, k))
  for (const k of c.lastResortKemPrekeys) ops.push(s.lastResortKemPrekeys.encodePut(k.id, k))
  for (const k of c.oneTimePrekeys) ops.push(s.oneTimePrekeys.encodePut(k.id, k))
  for (const k of c.oneTimeKemPrekeys) ops.push(s.oneTimeKemPrekeys.encodePut(k.id, k))
  for (const k of c.lastResortBaseKeys) ops.push(s.lastResortBaseKeys.encodePut(k, k))
  const summaries = new Map(c.conversations.map(conv => [conv.peerId, { ...conv }]))
  for (const entry of [...c.history, ...extra.events]) {
    ops.push(s.history.encodePut({ peerId: entry.peerId, seq: entry.seq }, entry))
    ops.push(s.messages.encodePut({ peerId: entry.peerId, messageId: entry.id }, { seq: entry.seq }))
    const summary = summaries.get(entry.peerId) ?? { peerId: entry.peerId, lastSeq: 0, unread: 0, readSeq: 0, lastMessageAt: 0 }
    summary.lastSeq = Math.max(summary.lastSeq, entry.seq)
    summary.lastMessageAt = Math.max(summary.lastMessageAt, entry.receivedAt ?? entry.sentAt)
    summaries.set(entry.peerId, summary)
  }
  for (const summary of summaries.values()) ops.push(s.conversations.encodePut(summary.peerId, summary))
  for (const entry of extra.outbox) {
    ops.push(s.outbox.encodePut({ peerId: entry.peerId, seq: entry.seq }, entry))
    ops.push(s.outboxDue.encodePut({ nextAttemptAt: entry.nextAttemptAt, peerId: entry.peerId, seq: entry.seq }, null))
  }
  for (let i = 0; i < ops.length; i += RESTORE_BATCH) {
    const last = i + RESTORE_BATCH >= ops.length
    try {
      await store.level.batch(levelOps(ops.slice(i, i + RESTORE_BATCH)), batchOptions(last))
    } catch (err) {
      throw storeWriteError(err)
    }
  }
}
