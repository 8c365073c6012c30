/**
 * What the delivery knows of each conversation's outbox without reading it (DESIGN.md
 * "Delivery"; docs/messaging.md "Delivery"). A send stores its outbox entry in one synced
 * batch and the delivery then transmits it: reading that entry back from LevelDB (an
 * iterator and, in an encrypted store, an AEAD open) cost a few hundred microseconds of every
 * round trip, for bytes the sender had just written.
 *
 * A view is the outbox of one conversation as of a count of committed outbox writes
 * (Store.outboxGeneration). It is used only while that count is unchanged, and it moves with a
 * write only when the write is the next one counted and its change is known here (a send's
 * new entry, a delivery round's deletions). Any other write (a receipt queued, a retry
 * scheduled, a session reset) leaves the count ahead of the view, and the next read goes to
 * the store. So the view never differs from the store: at worst it is not used.
 */
import type { OutboxRecord, Store } from '../store/index.js'

interface OutboxView {
  /** The count of committed outbox writes this view reflects. */
  generation: number
  /** Every entry of the conversation's outbox, in seq order. */
  entries: OutboxRecord[]
}

export class OutboxViews {
  private readonly store: Store
  private readonly views = new Map<string, OutboxView>()

  constructor (store: Store) {
    this.store = store
  }

  /** The first `limit` entries of `peerId`'s outbox in seq order: from the view when it is current, else from the store. */
  async read (peerId: string, limit: number): Promise<OutboxRecord[]> {
    const generation = this.store.outboxGeneration(peerId)
    const view = this.views.get(peerId)
    if (view?.generation === generation) return view.entries.slice(0, limit)
    const entries = await this.store.outbox(peerId, { limit })
    // Whole (fewer than asked for) and read with no outbox write committed meanwhile.
    if (entries.length < limit && this.store.outboxGeneration(peerId) === generation) {
      this.views.delete(peerId)
      // Map order is insertion order: the conversation read longest ago goes first.
      if (this.views.size >= MAX_VIEWS) this.views.delete(this.views.keys().next().value as string)
      this.views.set(peerId, { generation, entries })
    } else {
      this.views.delete(peerId)
    }
    return entries
  }

  /**
   * A write that added `added` (entries of `peerId`'s outbox: a group of sends) has been
   * committed; `generation` is Store.outboxGeneration read right after it (before any other write
   * could complete).
   */
  added (peerId: string, added: readonly OutboxRecord[], generation: number): void {
    const seqs = new Set(added.map(e => e.seq))
    this.moved(peerId, generation, (entries) => [...entries.filter(e => !seqs.has(e.seq)), ...added].sort((a, b) => a.seq - b.seq))
  }

  /** A write that removed the entries `seqs` from `peerId`'s outbox has been committed. */
  removed (peerId: string, seqs: ReadonlySet<number>, generation: number): void {
    this.moved(peerId, generation, (entries) => entries.filter(e => !seqs.has(e.seq)))
  }

  /** Forgets `peerId`'s view: the next read goes to the store. */
  forget (peerId: string): void {
    this.views.delete(peerId)
  }

  private moved (peerId: string, generation: number, change: (entries: OutboxRecord[]) => OutboxRecord[]): void {
    const view = this.views.get(peerId)
    if (view === undefined) return
    if (view.generation !== generation - 1) {
      this.views.delete(peerId)
      return
    }
    view.entries = change(view.entries)
    view.generation = generation
  }
}

/** Conversations whose views are kept at most (a view is dropped, never wrong). */
const MAX_VIEWS = 10_000
