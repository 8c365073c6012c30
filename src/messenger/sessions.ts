/**
 * Session records per peer, cached in memory over the store's `sessions` sublevel. The
 * cache holds what is durable: callers put the new record into their batch and call `remember`
 * after the batch is written. So it is bounded (least recently used first): a record it forgets
 * is read back from the store on the next use, the same bytes it held. The one exception is a
 * send, which hands its record over as soon as its write is issued (`rememberWriting`), so that
 * the next send encrypts under it while this one syncs: such a record is pinned outside the
 * bound until its write settles, because the store may not hold it yet, and the older record it
 * holds would encrypt with message keys already used.
 * Callers hold the peer's lock (src/runtime/keyed-locks.ts), so no write can fall between a miss and its
 * read.
 */
import { logger } from '@libp2p/logger'
import { LRUCache } from 'lru-cache'
import { deserializeSessionRecord, LegacySessionRecordError, serializeSessionRecord, type SessionRecord } from '../crypto/session/index.js'
import type { Store, StoreBatch } from '../store/index.js'
import { SESSION_CACHE_SIZE } from './constants.js'

const log = logger('murmur:messenger:sessions')

/**
 * The record's bytes as a session record, or undefined for a record made before the Triple
 * Ratchet: it is reset, not upgraded (docs/protocol.md part 4, "Upgrade from the Double
 * Ratchet"). The next send starts a new PQXDH session; a prekey message from the peer
 * establishes one. The old bytes stay until that new record overwrites them.
 */
function decodeRecord (bytes: Uint8Array): SessionRecord | undefined {
  try {
    return deserializeSessionRecord(bytes)
  } catch (err) {
    if (!(err instanceof LegacySessionRecordError)) throw err
    log('session record of an earlier version dropped; a new session will start')
    return undefined
  }
}

/** A cache entry; `record` undefined remembers that the peer has no session. */
interface Entry { record: SessionRecord | undefined }

export class SessionCache {
  private readonly store: Store
  private readonly records: LRUCache<string, Entry>
  /** Records whose write is issued and not yet settled (rememberWriting), by peer. */
  private readonly writing = new Map<string, SessionRecord>()

  constructor (store: Store, options: { maxEntries?: number } = {}) {
    this.store = store
    this.records = new LRUCache({ max: options.maxEntries ?? SESSION_CACHE_SIZE })
  }

  async get (peerId: string): Promise<SessionRecord | undefined> {
    const pinned = this.writing.get(peerId)
    if (pinned !== undefined) return pinned
    const cached = this.records.get(peerId)
    if (cached !== undefined) return cached.record
    const bytes = await this.store.sublevels.sessions.get(peerId)
    const record = bytes != null ? decodeRecord(bytes) : undefined
    this.records.set(peerId, { record })
    return record
  }

  /** Peers whose record (or its absence) is held in memory. */
  get size (): number {
    return this.records.size
  }

  has (peerId: string): boolean {
    return this.records.has(peerId)
  }

  put (batch: StoreBatch, peerId: string, record: SessionRecord): void {
    batch.put(this.store.sublevels.sessions, peerId, serializeSessionRecord(record))
  }

  del (batch: StoreBatch, peerId: string): void {
    batch.del(this.store.sublevels.sessions, peerId)
  }

  /** Call after the batch holding `record` is durable. */
  remember (peerId: string, record: SessionRecord | undefined): void {
    if (this.writing.get(peerId) !== record) this.writing.delete(peerId)
    this.records.set(peerId, { record })
  }

  /**
   * `record` is in a batch whose write is issued (`written`), under the peer's lock: it is the
   * peer's record from now on, and it is not forgotten before that write settles. Should the
   * write fail, the record stays (its message keys are skipped, never reused) for as long as the
   * cache keeps it.
   */
  rememberWriting (peerId: string, record: SessionRecord, written: Promise<unknown>): void {
    this.records.set(peerId, { record })
    this.writing.set(peerId, record)
    const settled = (): void => { if (this.writing.get(peerId) === record) this.writing.delete(peerId) }
    written.then(settled, settled)
  }
}
