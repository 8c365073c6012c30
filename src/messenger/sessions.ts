/**
 * Session records per peer, cached in memory over the store's `sessions` sublevel. The
 * cache only ever holds what is durable: callers put the new record into their batch and call
 * `remember` after the batch is written.
 */
import { deserializeSessionRecord, serializeSessionRecord, type SessionRecord } from '../crypto/session/index.js'
import type { Store, StoreBatch } from '../store/index.js'

export class SessionCache {
  private readonly store: Store
  private readonly records = new Map<string, SessionRecord | null>()

  constructor (store: Store) {
    this.store = store
  }

  async get (peerId: string): Promise<SessionRecord | undefined> {
    const cached = this.records.get(peerId)
    if (cached !== undefined) return cached ?? undefined
    const bytes = await this.store.sublevels.sessions.get(peerId)
    const record = bytes != null ? deserializeSessionRecord(bytes) : undefined
    this.records.set(peerId, record ?? null)
    return record
  }

  put (batch: StoreBatch, peerId: string, record: SessionRecord): void {
    batch.put(this.store.sublevels.sessions, peerId, serializeSessionRecord(record))
  }

  del (batch: StoreBatch, peerId: string): void {
    batch.del(this.store.sublevels.sessions, peerId)
  }

  /** Call after the batch holding `record` is durable. */
  remember (peerId: string, record: SessionRecord | undefined): void {
    this.records.set(peerId, record ?? null)
  }
}
