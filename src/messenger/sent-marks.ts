/**
 * The entries of a delivery round marked `sent` as their acks come, a few at a time, instead of
 * all once the round's last ack is in (docs/messaging.md, "The outbox"). A round carries up to
 * 256 envelopes, and the receiver acks them batch by batch as each becomes durable there: the
 * senders waiting for the first batch's messages (Delivery.attempt) can go on, and their next
 * messages be encrypted and stored, while the receiver still works on the rest. Before, both
 * sides took turns: the sender idle while the receiver worked, and the other way round.
 *
 * Entries acked while the microtasks of the moment run are written together, one write after
 * another in ack order. Once the round closes this (`close`), entries not yet written are left
 * to the round's own settlement, which skips the ones in `marked`.
 */
import { logger } from '@libp2p/logger'
import type { OutboxRecord } from '../store/index.js'

const log = logger('murmur:messenger:delivery')

export class SentMarks {
  /** Seqs of the entries whose `sent` write has been committed. */
  readonly marked = new Set<number>()
  private readonly mark: (entries: OutboxRecord[]) => Promise<void>
  private pending: OutboxRecord[] = []
  private scheduled = false
  private closed = false
  /** The writes so far, one after another. */
  private writing: Promise<void> = Promise.resolve()

  /** `mark` writes the entries `sent` (under the peer lock) and wakes their senders. */
  constructor (mark: (entries: OutboxRecord[]) => Promise<void>) {
    this.mark = mark
  }

  /** The recipient acknowledged `entry`. */
  acked (entry: OutboxRecord): void {
    if (this.closed) return
    this.pending.push(entry)
    if (this.scheduled) return
    this.scheduled = true
    // Once the microtasks now queued have run: the acks of one chunk of frames go together.
    process.nextTick(() => {
      this.scheduled = false
      if (this.closed || this.pending.length === 0) return
      const entries = this.pending
      this.pending = []
      this.writing = this.writing.then(async () => {
        if (this.closed) return
        await this.mark(entries)
        for (const entry of entries) this.marked.add(entry.seq)
      }).catch((err: unknown) => {
        // Left to the round's settlement, which writes them with the rest.
        log('marking %d entries sent failed: %s', entries.length, (err as Error).name)
      })
    })
  }

  /** No more marks: resolves once a write under way has finished. */
  async close (): Promise<void> {
    this.closed = true
    this.pending = []
    await this.writing
  }
}
