/**
 * StoreBatch: the typed builder of one atomic state transition (docs/store.md, "Atomicity").
 *
 * Operations are encoded when they are added. If one fails to encode, the call throws and
 * the batch is poisoned: Store.write() rejects it whole, so a transition is never written
 * in part. History, outbox and seen ids have indexes; their methods keep each index in the
 * same batch, which is why those sublevels accept no direct put/del.
 */
import { InvalidRecordError } from './errors.js'
import { envelopeIdHex, type Sublevels } from './layout.js'
import type { HistoryRecord, HistoryStateRecord, OutboxRecord } from './records.js'
import type { RawOp, TypedSublevel } from './sublevel.js'

/**
 * A change to a conversation summary, applied by the store's single writer at commit time
 * against the current record, so that concurrent transitions never lose an update.
 */
export type ConversationDelta =
  | { kind: 'append', peerId: string, seq: number, at: number, unread: boolean, inserted?: boolean }
  | { kind: 'read', peerId: string, upToSeq: number | undefined }

export class StoreBatch {
  readonly ops: RawOp[] = []
  readonly deltas: ConversationDelta[] = []
  /** The conversations whose outbox this batch changes (Store.outboxGeneration). */
  readonly outboxPeers = new Set<string>()
  private readonly sublevels: Sublevels
  private failure: Error | undefined

  constructor (sublevels: Sublevels) {
    this.sublevels = sublevels
  }

  /** The first error raised while building, if any; write() rejects a batch that has one. */
  get error (): Error | undefined {
    return this.failure
  }

  get length (): number {
    return this.ops.length + this.deltas.length
  }

  /** Put on an unmanaged sublevel (identity, prekeys, sessions, contacts, settings, relay). */
  put<K, V>(sublevel: TypedSublevel<K, V>, key: K, value: V): this {
    return this.add(() => {
      this.checkDirect(sublevel)
      return [sublevel.encodePut(key, value)]
    })
  }

  del<K, V>(sublevel: TypedSublevel<K, V>, key: K): this {
    return this.add(() => {
      this.checkDirect(sublevel)
      return [sublevel.encodeDel(key)]
    })
  }

  /**
   * Adds a new history entry at `entry.seq` (from Store.allocateSeq) and its message-id index
   * entry, and advances the conversation summary. `unread` defaults to true for incoming
   * entries. Append each seq once; use updateHistory to change an entry.
   */
  appendHistory (entry: HistoryRecord, options: { unread?: boolean } = {}): this {
    return this.add(() => {
      const ops = this.historyOps(entry)
      this.deltas.push({
        kind: 'append',
        peerId: entry.peerId,
        seq: entry.seq,
        at: entry.receivedAt ?? entry.sentAt,
        unread: options.unread ?? entry.direction === 'in'
      })
      return ops
    })
  }

  /**
   * Adds an incoming entry at a seq below the conversation's newest one, in room left by
   * Store.allocateSeq: a late message placed at its sender's position (docs/messaging.md,
   * "Order"). As appendHistory, except that an entry at or below the read mark moves the mark
   * below it: it is unread and gets its read receipt.
   */
  insertHistory (entry: HistoryRecord): this {
    return this.add(() => {
      if (entry.direction !== 'in') throw new InvalidRecordError('only incoming entries are inserted')
      const ops = this.historyOps(entry)
      this.deltas.push({ kind: 'append', peerId: entry.peerId, seq: entry.seq, at: entry.receivedAt ?? entry.sentAt, unread: true, inserted: true })
      return ops
    })
  }

  /**
   * Replaces an existing history entry (its relay lines, its text, a resend); the summary is
   * unchanged, and so is its message-id index entry (an entry keeps its id), which is not written
   * again. A state written beside the entry before (updateHistoryState) goes: `entry` is whole.
   */
  updateHistory (entry: HistoryRecord): this {
    return this.add(() => [...this.historyOps(entry, false), this.sublevels.historyState.encodeDel({ peerId: entry.peerId, seq: entry.seq })])
  }

  /**
   * Changes only the delivery state of the existing entry `entry` (sent, delivered, read...):
   * written beside it in `historyState` and read over it, instead of the whole entry encoded and
   * sealed again (docs/store.md, "History states"). `change.reason` absent clears the reason.
   */
  updateHistoryState (entry: Pick<HistoryRecord, 'peerId' | 'seq'>, change: HistoryStateRecord): this {
    return this.add(() => [this.sublevels.historyState.encodePut({ peerId: entry.peerId, seq: entry.seq }, change)])
  }

  /** Marks the conversation read up to `upToSeq` (default: everything written so far). */
  markRead (peerId: string, upToSeq?: number): this {
    return this.add(() => {
      const { conversations } = this.sublevels
      conversations.keyCodec.encode(peerId)
      if (upToSeq !== undefined && (!Number.isSafeInteger(upToSeq) || upToSeq < 0)) {
        throw new InvalidRecordError('upToSeq must be a non-negative safe integer')
      }
      this.deltas.push({ kind: 'read', peerId, upToSeq })
      return []
    })
  }

  /** Adds an outbox entry, keyed by its conversation and seq, indexed by nextAttemptAt. */
  putOutbox (entry: OutboxRecord): this {
    return this.add(() => this.outboxPutOps(entry))
  }

  /** Replaces `previous` (as read from the store) by `next`: a retry was scheduled. */
  replaceOutbox (previous: OutboxRecord, next: OutboxRecord): this {
    return this.add(() => {
      if (previous.peerId !== next.peerId || previous.seq !== next.seq) {
        throw new InvalidRecordError('replaceOutbox must keep peerId and seq')
      }
      return [...this.outboxDelOps(previous), ...this.outboxPutOps(next)]
    })
  }

  /** Removes an outbox entry (delivered, stored at a relay, or expired) and its index entry. */
  deleteOutbox (entry: Pick<OutboxRecord, 'peerId' | 'seq' | 'nextAttemptAt'>): this {
    return this.add(() => this.outboxDelOps(entry))
  }

  /** Records an envelope id as seen at `at`, for deduplication until pruned. */
  markSeen (id: Uint8Array | string, at: number): this {
    return this.add(() => {
      const { seen, seenAt } = this.sublevels
      const hex = envelopeIdHex(id)
      return [seen.encodePut(hex, { firstSeenAt: at }), seenAt.encodePut({ at, id: hex }, null)]
    })
  }

  /** @internal used by Store.pruneSeen */
  forgetSeen (id: string, at: number, deletePrimary: boolean): this {
    return this.add(() => {
      const { seen, seenAt } = this.sublevels
      const ops = [seenAt.encodeDel({ at, id })]
      if (deletePrimary) ops.push(seen.encodeDel(id))
      return ops
    })
  }

  private historyOps (entry: HistoryRecord, withIndex = true): RawOp[] {
    const { history, messages } = this.sublevels
    if (entry.direction !== 'in' && entry.direction !== 'out' && entry.direction !== 'event') {
      throw new InvalidRecordError('direction must be in, out or event')
    }
    const put = history.encodePut({ peerId: entry.peerId, seq: entry.seq }, entry)
    return withIndex ? [put, messages.encodePut({ peerId: entry.peerId, messageId: entry.id }, { seq: entry.seq })] : [put]
  }

  private outboxPutOps (entry: OutboxRecord): RawOp[] {
    const { outbox, outboxDue } = this.sublevels
    this.outboxPeers.add(entry.peerId)
    return [
      outbox.encodePut({ peerId: entry.peerId, seq: entry.seq }, entry),
      outboxDue.encodePut({ nextAttemptAt: entry.nextAttemptAt, peerId: entry.peerId, seq: entry.seq }, null)
    ]
  }

  private outboxDelOps (entry: Pick<OutboxRecord, 'peerId' | 'seq' | 'nextAttemptAt'>): RawOp[] {
    const { outbox, outboxDue } = this.sublevels
    this.outboxPeers.add(entry.peerId)
    return [
      outbox.encodeDel({ peerId: entry.peerId, seq: entry.seq }),
      outboxDue.encodeDel({ nextAttemptAt: entry.nextAttemptAt, peerId: entry.peerId, seq: entry.seq })
    ]
  }

  private checkDirect<K, V>(sublevel: TypedSublevel<K, V>): void {
    if (sublevel.managed) {
      throw new InvalidRecordError(`sublevel ${sublevel.name} is written only through its StoreBatch methods`)
    }
  }

  private add (build: () => RawOp[]): this {
    try {
      this.ops.push(...build())
    } catch (err) {
      const error = err instanceof Error ? err : new InvalidRecordError(String(err))
      this.failure ??= error
      throw error
    }
    return this
  }
}
