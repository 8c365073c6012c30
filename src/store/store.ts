/**
 * The store: one LevelDB (classic-level on disk, memory-level in tests) with typed sublevels,
 * written only through atomic, group-committed batches, every value encrypted under the
 * home's data key unless the home was made without a passphrase (docs/store.md).
 */
import { mkdir } from 'node:fs/promises'
import { dirname } from 'node:path'
import { logger } from '@libp2p/logger'
import { ClassicLevel } from 'classic-level'
import { MemoryLevel } from 'memory-level'
import { plainCipher, type StoreCipher } from './at-rest/cipher.js'
import { StoreBatch, type ConversationDelta } from './batch.js'
import { encodeU53, joinKey } from './codec.js'
import {
  HomeDiskFullError, HomeInUseError, InvalidRecordError, StoreClosedError, StoreEncryptionMismatchError, StoreMigrationRequiredError,
  UnsupportedSchemaVersionError, storeWriteError
} from './errors.js'
import { GroupCommitter, type GroupCommitStats, type PendingCommit } from './group-commit.js'
import {
  createRelaySublevels, createSublevels, envelopeIdHex, keyCodecs, peerNames, SCHEMA_VERSION,
  type KeyCodecs, type PeerNames, type RelaySublevels, type Sublevels
} from './layout.js'
import { levelMemoryOptions, type LevelMemoryOptions } from './level-memory.js'
import { isLockedError, pidFilePath, readPidFile, removePidFile, writePidFile } from './lock.js'
import { readStoreFormat, writeStoreFormat, type StoreFormat } from './meta.js'
import type {
  ContactRecord, ConversationRecord, HistoryRecord, IdentityProfile, JsonValue, LastResortBaseKeyId,
  LastResortBaseKeyRecord, LastResortKemPrekeyRecord, OneTimeKemPrekeyRecord, OneTimePrekeyRecord,
  OutboxRecord, SignedPrekeyRecord
} from './records.js'
import { batchOptions, levelOps, updateCaches, type Level, type RawOp, type ReadonlySublevel, type TypedSublevel } from './sublevel.js'

const log = logger('murmur:store')

/** Where the store lives: a folder (classic-level), a fresh memory-level, or a given database. */
export type StoreLocation = { path: string } | { memory: true } | { level: Level }

export interface StoreOptions extends LevelMemoryOptions {
  /** Largest number of commits written as one LevelDB batch (default 1000). */
  maxGroupSize?: number
  /** Pid file for a disk store (default `<path>.pid`); false for none. */
  pidFile?: string | false
  /**
   * How values and peer names are stored (at-rest/cipher.ts): `sealedCipher` for an encrypted
   * home, the default `plainCipher` for one made without a passphrase. A store is created with
   * one and must always be opened with the same kind (and key).
   */
  cipher?: StoreCipher
}

export interface WriteOptions {
  /** fsync before resolving (default true): every state transition must survive a crash. */
  sync?: boolean
}

export interface HistoryQuery {
  /** Only entries with seq < before. */
  before?: number
  /** Only entries with seq > after. */
  after?: number
  /** At most this many entries (1 to 1000). */
  limit: number
  /** 'newest' (default) pages backwards from the end; 'oldest' pages forwards. */
  order?: 'newest' | 'oldest'
}

interface CommitItem {
  ops: RawOp[]
  deltas: ConversationDelta[]
  outboxPeers: string[]
}

const MAX_PAGE = 1000
/** The most numbers one allocation may leave unused: a mailbox's count quota (docs/store.md). */
export const MAX_ROOM = 10_000

export class Store {
  readonly identity: TypedSublevel<string, IdentityProfile>
  readonly signedPrekeys: TypedSublevel<number, SignedPrekeyRecord>
  readonly lastResortKemPrekeys: TypedSublevel<number, LastResortKemPrekeyRecord>
  readonly oneTimePrekeys: TypedSublevel<number, OneTimePrekeyRecord>
  readonly oneTimeKemPrekeys: TypedSublevel<number, OneTimeKemPrekeyRecord>
  readonly lastResortBaseKeys: TypedSublevel<LastResortBaseKeyId, LastResortBaseKeyRecord>
  readonly sessions: TypedSublevel<string, Uint8Array>
  readonly contacts: TypedSublevel<string, ContactRecord>
  readonly settings: TypedSublevel<string, JsonValue>
  /** Maintained by the writer (StoreBatch.appendHistory, markRead): read only. */
  readonly conversations: ReadonlySublevel<string, ConversationRecord>
  /** The underlying database, for diagnostics and tests; writes through it bypass every rule here. */
  readonly level: Level
  readonly schemaVersion = SCHEMA_VERSION
  /** True when values are encrypted (a home with a passphrase). */
  readonly encrypted: boolean
  /** The key check of an encrypted store's data key (meta.ts). */
  readonly keyCheck: string | undefined

  /**
   * Every typed sublevel by name. The managed ones (history, messages, conversations, outbox,
   * outboxDue, seen, seenAt) are written only through StoreBatch's own methods; put/del on
   * them throws.
   */
  readonly sublevels: Readonly<Sublevels>
  private readonly committer: GroupCommitter<CommitItem>
  private readonly pidFile: string | undefined
  private readonly cipher: StoreCipher
  private readonly names: PeerNames
  private readonly keys: KeyCodecs
  private relay: RelaySublevels | undefined
  /** The writer's copy of conversation summaries it has read or written. */
  private readonly conversationCache = new Map<string, ConversationRecord>()
  /** Committed writes that changed each conversation's outbox (outboxGeneration). */
  private readonly outboxWrites = new Map<string, number>()
  /** Last allocated seq per conversation (docs/store.md, "Sequence numbers"). */
  private readonly seqs = new Map<string, Promise<{ last: number }>>()
  private closing: Promise<void> | undefined
  /** When a write last failed for a full disk, while no write has succeeded since (diskFullSince). */
  private fullSince: number | undefined
  private readonly diskListeners = new Set<(fullSince: number | undefined) => void>()

  /** Use openStore(). */
  constructor (level: Level, options: { maxGroupSize?: number, pidFile?: string, cipher?: StoreCipher }) {
    this.level = level
    this.cipher = options.cipher ?? plainCipher
    this.encrypted = this.cipher.encrypted
    this.keyCheck = this.cipher.keyCheck
    this.names = peerNames(this.cipher)
    this.keys = keyCodecs(this.names)
    this.sublevels = createSublevels(level, this.cipher)
    const s = this.sublevels
    this.identity = s.identity
    this.signedPrekeys = s.signedPrekeys
    this.lastResortKemPrekeys = s.lastResortKemPrekeys
    this.oneTimePrekeys = s.oneTimePrekeys
    this.oneTimeKemPrekeys = s.oneTimeKemPrekeys
    this.lastResortBaseKeys = s.lastResortBaseKeys
    this.sessions = s.sessions
    this.contacts = s.contacts
    this.settings = s.settings
    this.conversations = s.conversations
    this.pidFile = options.pidFile
    this.committer = new GroupCommitter(async (group, sync) => this.writeGroup(group, sync), options.maxGroupSize)
  }

  /** The relay's sublevels (src/relay), under this store's cipher. */
  get relaySublevels (): RelaySublevels {
    this.relay ??= createRelaySublevels(this.level, this.cipher)
    return this.relay
  }

  /** A new, empty batch; fill it and pass it to write(). */
  batch (): StoreBatch {
    return new StoreBatch(this.sublevels)
  }

  /**
   * Writes a batch atomically: all of its operations or none. Resolves when they are durable
   * (when `sync`, the default). Concurrent writes are group-committed.
   */
  async write (batch: StoreBatch, options: WriteOptions = {}): Promise<void> {
    if (this.closing !== undefined) throw new StoreClosedError()
    if (!(batch instanceof StoreBatch)) throw new InvalidRecordError('write() takes a StoreBatch from store.batch()')
    if (batch.error !== undefined) throw batch.error
    if (batch.length === 0) return
    // Copies: the caller may keep building on its batch object, which must not change this write.
    await this.committer.commit({ ops: [...batch.ops], deltas: [...batch.deltas], outboxPeers: [...batch.outboxPeers] }, options.sync ?? true)
  }

  /**
   * How many writes that changed `peerId`'s outbox have been committed by this process (each
   * write() counts once). The delivery compares it with the count it last accounted for to
   * know, without reading the outbox, that no one else changed it (docs/store.md, "Durability").
   */
  outboxGeneration (peerId: string): number {
    return this.outboxWrites.get(peerId) ?? 0
  }

  /**
   * Since when (ms since the epoch) the disk of the home has been full: the last write failed
   * for want of space, and none has succeeded since. Undefined while writes succeed. Writes the
   * node makes by itself (a received message, a receipt) fail too, and nothing says so where the
   * user looks unless the node reports this (Murmur.status, docs/store.md "Durability: group commit").
   */
  get diskFullSince (): number | undefined {
    return this.fullSince
  }

  /** Calls `listener` when the disk fills (a write failed for it) and when a write succeeds again. Returns the unsubscribe. */
  onDiskFull (listener: (fullSince: number | undefined) => void): () => void {
    this.diskListeners.add(listener)
    return () => { this.diskListeners.delete(listener) }
  }

  private diskIs (fullSince: number | undefined): void {
    if (fullSince === this.fullSince) return
    this.fullSince = fullSince
    for (const listener of this.diskListeners) listener(fullSince)
  }

  /** Builds a batch with `build` and writes it: `store.commit((b) => b.put(...), { sync: true })`. */
  async commit (ops: StoreBatch | ((batch: StoreBatch) => void), options: WriteOptions = {}): Promise<void> {
    if (ops instanceof StoreBatch) return this.write(ops, options)
    const batch = this.batch()
    ops(batch)
    return this.write(batch, options)
  }

  /** Counters of the group committer: commits accepted and LevelDB writes issued. */
  stats (): GroupCommitStats {
    return { ...this.committer.stats }
  }

  /**
   * The next sequence number of a conversation. Allocation is in memory and safe under
   * concurrent calls in this process; the number becomes durable with the history entry
   * written in a batch. A number allocated and never written leaves a gap, which is harmless.
   *
   * `room` leaves that many numbers unused below the one returned (`seq - room` to `seq - 1`):
   * places for late entries written there later (StoreBatch.insertHistory; docs/store.md,
   * "Sequence numbers").
   */
  async allocateSeq (peerId: string, options: { room?: number } = {}): Promise<number> {
    this.assertOpen()
    this.names.encode(peerId)
    const room = options.room ?? 0
    if (!Number.isSafeInteger(room) || room < 0 || room > MAX_ROOM) throw new InvalidRecordError(`room must be an integer from 0 to ${MAX_ROOM}`)
    let state = this.seqs.get(peerId)
    if (state === undefined) {
      state = this.loadLastSeq(peerId).then((last) => ({ last }))
      this.seqs.set(peerId, state)
      state.catch(() => this.seqs.delete(peerId))
    }
    const s = await state
    s.last += 1 + room
    return s.last
  }

  /** A page of one conversation's history, ordered by seq (newest first by default). */
  async history (peerId: string, query: HistoryQuery): Promise<HistoryRecord[]> {
    this.assertOpen()
    const limit = query.limit
    if (!Number.isInteger(limit) || limit < 1 || limit > MAX_PAGE) {
      throw new InvalidRecordError(`limit must be an integer from 1 to ${MAX_PAGE}`)
    }
    const range = this.names.range(peerId)
    const bounds: { gte?: string, gt?: string, lt?: string } = { ...range }
    if (query.after !== undefined) {
      delete bounds.gte
      bounds.gt = this.keys.conversation.encode({ peerId, seq: query.after })
    }
    if (query.before !== undefined) bounds.lt = this.keys.conversation.encode({ peerId, seq: query.before })
    const entries = await this.sublevels.history.range({ ...bounds, reverse: (query.order ?? 'newest') === 'newest', limit })
    return entries.map(([, value]) => value)
  }

  async getHistory (peerId: string, seq: number): Promise<HistoryRecord | undefined> {
    this.assertOpen()
    return this.sublevels.history.get({ peerId, seq })
  }

  /** The history entry of a message id within a conversation (message ids are per peer). */
  async findMessage (peerId: string, messageId: string): Promise<HistoryRecord | undefined> {
    this.assertOpen()
    const location = await this.sublevels.messages.get({ peerId, messageId })
    return location === undefined ? undefined : this.sublevels.history.get({ peerId, seq: location.seq })
  }

  /**
   * findMessage for many ids of one conversation, in the order given: two multi-gets instead
   * of two reads per id. A receipt names up to MAX_RECEIPT_IDS messages, and applying it
   * happens under the peer's lock, where each read's thread-pool round trip delays the next send.
   */
  async findMessages (peerId: string, messageIds: string[]): Promise<Array<HistoryRecord | undefined>> {
    this.assertOpen()
    if (messageIds.length === 0) return []
    const locations = await this.sublevels.messages.getMany(messageIds.map((messageId) => ({ peerId, messageId })))
    const found = locations.flatMap((location, index) => location === undefined ? [] : [{ index, seq: location.seq }])
    const entries = await this.sublevels.history.getMany(found.map(({ seq }) => ({ peerId, seq })))
    const result = new Array<HistoryRecord | undefined>(messageIds.length).fill(undefined)
    found.forEach(({ index }, i) => { result[index] = entries[i] })
    return result
  }

  /** Whether the history holds each of these message ids of one conversation: one multi-get of the message index. */
  async hasMessages (peerId: string, messageIds: string[]): Promise<boolean[]> {
    this.assertOpen()
    if (messageIds.length === 0) return []
    const locations = await this.sublevels.messages.getMany(messageIds.map((messageId) => ({ peerId, messageId })))
    return locations.map((location) => location !== undefined)
  }

  async unreadCount (peerId: string): Promise<number> {
    this.assertOpen()
    return (await this.sublevels.conversations.get(peerId))?.unread ?? 0
  }

  /** One conversation's outbox, in seq order (the order the messages were sent). */
  async outbox (peerId: string, options: { limit?: number } = {}): Promise<OutboxRecord[]> {
    this.assertOpen()
    const entries = await this.sublevels.outbox.range({ ...this.names.range(peerId), limit: options.limit })
    return entries.map(([, value]) => value)
  }

  /** Outbox entries whose nextAttemptAt <= now, earliest first, across conversations. */
  async dueOutbox (now: number, options: { limit?: number } = {}): Promise<OutboxRecord[]> {
    this.assertOpen()
    const keys = await this.sublevels.outboxDue.rangeKeys({ lte: joinKey(encodeU53(now), '~'), limit: options.limit })
    const primary = keys.map((key) => {
      const { peerId, seq } = this.keys.outboxDue.decode(key, 'outboxDue')
      return this.keys.conversation.encode({ peerId, seq })
    })
    const values = await this.sublevels.outbox.getManyEncoded(primary)
    return values.filter((v): v is OutboxRecord => v !== undefined)
  }

  /** For each envelope id, whether it was marked seen: one multi-get. */
  async hasSeen (ids: Array<Uint8Array | string>): Promise<boolean[]> {
    this.assertOpen()
    const values = await this.sublevels.seen.getManyEncoded(ids.map(envelopeIdHex))
    return values.map((v) => v !== undefined)
  }

  /** Forgets envelope ids first seen before `olderThan`, at most `limit` per call. Returns how many. */
  async pruneSeen (olderThan: number, options: { limit?: number } = {}): Promise<number> {
    this.assertOpen()
    const { seen, seenAt } = this.sublevels
    const keys = await seenAt.rangeKeys({ lt: encodeU53(olderThan), limit: options.limit ?? 10_000 })
    if (keys.length === 0) return 0
    const index = keys.map((key) => this.keys.seenAt.decode(key, 'seenAt'))
    const current = await seen.getManyEncoded(index.map((k) => k.id))
    const batch = this.batch()
    index.forEach((k, i) => {
      // A later markSeen of the same id moved firstSeenAt: keep the id, drop only the old index entry.
      const record = current[i]
      batch.forgetSeen(k.id, k.at, record !== undefined && record.firstSeenAt < olderThan)
    })
    await this.write(batch, { sync: false })
    return keys.length
  }

  /** Flushes pending group commits, then closes the database and removes the pid file. */
  async close (): Promise<void> {
    this.closing ??= (async () => {
      await this.committer.drain()
      await this.level.close()
      this.cipher.dispose()
      if (this.pidFile !== undefined) await removePidFile(this.pidFile)
      log('closed')
    })()
    return this.closing
  }

  private assertOpen (): void {
    if (this.closing !== undefined) throw new StoreClosedError()
  }

  private async loadLastSeq (peerId: string): Promise<number> {
    // The history and the outbox are the authority (an outbox entry of a receipt takes a seq
    // no history entry has); the summary can lag when batches commit out of allocation order.
    // So take the largest of the three: a seq still in use is never handed out again.
    const range = { ...this.names.range(peerId), reverse: true, limit: 1 }
    const [conversation, lastHistory, lastOutbox] = await Promise.all([
      this.sublevels.conversations.get(peerId),
      this.sublevels.history.rangeKeys(range),
      this.sublevels.outbox.rangeKeys(range)
    ])
    const last = (keys: string[], sublevel: string): number => keys.length === 0 ? 0 : this.keys.conversation.decode(keys[0], sublevel).seq
    return Math.max(conversation?.lastSeq ?? 0, last(lastHistory, 'history'), last(lastOutbox, 'outbox'))
  }

  private async loadConversation (peerId: string): Promise<ConversationRecord> {
    const cached = this.conversationCache.get(peerId)
    if (cached !== undefined) return { ...cached }
    const stored = await this.sublevels.conversations.get(peerId)
    return stored ?? { peerId, lastSeq: 0, unread: 0, readSeq: 0, lastMessageAt: 0 }
  }

  /** Incoming history entries of a conversation with seq > after, as committed so far. */
  private async countIncomingAfter (peerId: string, after: number): Promise<number> {
    const entries = await this.sublevels.history.range({
      gt: this.keys.conversation.encode({ peerId, seq: after }),
      lt: this.names.range(peerId).lt
    })
    return entries.filter(([, e]) => e.direction === 'in').length
  }

  /**
   * Writes one group as one LevelDB batch. Conversation deltas are resolved here, in commit
   * order, against the writer's own view, which only this method changes.
   */
  private async writeGroup (group: ReadonlyArray<PendingCommit<CommitItem>>, sync: boolean): Promise<void> {
    const ops: RawOp[] = []
    const touched = new Map<string, ConversationRecord>()
    // Seqs of unread appends in this group, not yet in the database, per conversation.
    const pendingUnread = new Map<string, number[]>()
    for (const { item } of group) {
      // One by one, not push(...item.ops): spread arguments live on the stack, and a batch of
      // some 100,000 operations (a relay mailbox moved to its number) overflowed it.
      for (const op of item.ops) ops.push(op)
      for (const delta of item.deltas) {
        const record = touched.get(delta.peerId) ?? await this.loadConversation(delta.peerId)
        touched.set(delta.peerId, record)
        if (delta.kind === 'append') {
          record.lastSeq = Math.max(record.lastSeq, delta.seq)
          record.lastMessageAt = Math.max(record.lastMessageAt, delta.at)
          // A late entry inserted at or below the read mark moves the mark below it, so that it
          // is unread and its read receipt goes out (docs/store.md, "Sequence numbers").
          if (delta.unread && delta.inserted && delta.seq <= record.readSeq) record.readSeq = delta.seq - 1
          if (delta.unread && delta.seq > record.readSeq) {
            record.unread += 1
            const list = pendingUnread.get(delta.peerId) ?? []
            list.push(delta.seq)
            pendingUnread.set(delta.peerId, list)
          }
        } else {
          const upTo = delta.upToSeq ?? record.lastSeq
          if (upTo <= record.readSeq) continue
          record.readSeq = upTo
          if (upTo >= record.lastSeq) {
            record.unread = 0
          } else {
            const pending = (pendingUnread.get(delta.peerId) ?? []).filter((seq) => seq > upTo)
            pendingUnread.set(delta.peerId, pending)
            record.unread = await this.countIncomingAfter(delta.peerId, upTo) + pending.length
          }
        }
      }
    }
    for (const record of touched.values()) ops.push(this.sublevels.conversations.encodePut(record.peerId, record))
    try {
      await this.level.batch(levelOps(ops), batchOptions(sync))
    } catch (err) {
      const error = storeWriteError(err)
      if (error instanceof HomeDiskFullError) this.diskIs(this.fullSince ?? Date.now())
      throw error
    }
    this.diskIs(undefined)
    updateCaches(ops)
    for (const record of touched.values()) this.conversationCache.set(record.peerId, record)
    for (const { item } of group) {
      for (const peerId of item.outboxPeers) this.outboxWrites.set(peerId, this.outboxGeneration(peerId) + 1)
    }
  }
}

/**
 * Opens (creating if needed) the store. A disk store whose folder another process holds
 * fails with HomeInUseError. Nothing is written when the open fails: a store of a newer schema
 * fails with UnsupportedSchemaVersionError, one of schema version 1 with
 * StoreMigrationRequiredError (src/store/migrate), and one whose encryption is not that of
 * `options.cipher` (or whose key is another) with StoreEncryptionMismatchError.
 */
export async function openStore (location: StoreLocation, options: StoreOptions = {}): Promise<Store> {
  const cipher = options.cipher ?? plainCipher
  // Checked before anything is created (InvalidStoreOptionError).
  const levelMemory = levelMemoryOptions(options)
  let level: Level
  let pidFile: string | undefined
  if ('path' in location) {
    await mkdir(dirname(location.path), { recursive: true })
    // No Snappy: encrypted values do not compress, and an uncompressed store is one whose
    // files can be checked byte for byte for what must not be in them (docs/store.md). What
    // LevelDB holds in memory: level-memory.ts.
    level = new ClassicLevel<string, Uint8Array>(location.path, { keyEncoding: 'utf8', valueEncoding: 'view', compression: false, ...levelMemory }) as unknown as Level
    pidFile = options.pidFile === false ? undefined : options.pidFile ?? pidFilePath(location.path)
  } else if ('memory' in location) {
    level = new MemoryLevel<string, Uint8Array>({ keyEncoding: 'utf8', valueEncoding: 'view' }) as unknown as Level
  } else {
    level = location.level
  }

  try {
    await level.open()
  } catch (err) {
    if (isLockedError(err)) {
      throw new HomeInUseError(pidFile === undefined ? undefined : await readPidFile(pidFile), { cause: err })
    }
    throw err
  }

  try {
    const found = await readStoreFormat(level)
    if (found === undefined) {
      // A new store. Written directly: no batch can reach the meta sublevel.
      await writeStoreFormat(level, { schema: SCHEMA_VERSION, encrypted: cipher.encrypted, keyCheck: cipher.keyCheck })
    } else {
      checkFormat(found, cipher)
    }
    if (pidFile !== undefined) await writePidFile(pidFile)
  } catch (err) {
    await level.close()
    throw err
  }
  log('opened schema version %d, %s', SCHEMA_VERSION, cipher.encrypted ? 'encrypted' : 'not encrypted')
  return new Store(level, { maxGroupSize: options.maxGroupSize, pidFile, cipher })
}

function checkFormat (found: StoreFormat, cipher: StoreCipher): void {
  if (found.schema === 1) throw new StoreMigrationRequiredError(1)
  if (found.schema !== SCHEMA_VERSION) throw new UnsupportedSchemaVersionError(found.schema, SCHEMA_VERSION)
  if (found.encrypted && !cipher.encrypted) throw new StoreEncryptionMismatchError('the store is encrypted and was opened without its key')
  if (!found.encrypted && cipher.encrypted) throw new StoreEncryptionMismatchError('the store is not encrypted and was opened with a key')
  if (found.encrypted && found.keyCheck !== cipher.keyCheck) throw new StoreEncryptionMismatchError('the store is encrypted under another data key')
}
