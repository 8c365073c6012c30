/**
 * One critical section at a time per key, in arrival order, each after the previous one
 * settles (resolved or rejected); keys do not wait for each other. The messenger holds one per
 * peer around every operation on the peer's session (encrypting a send, decrypting a batch,
 * resetting), so a session record is never read by one operation while another is between
 * encrypting and committing it; the relay store holds one per mailbox and per forward queue
 * around the reads a change depends on and its reservation (docs/relay.md, "Storage").
 *
 * The queues are async-lock's keyed locks: a key's queue exists only while something holds
 * or waits for it. No bound on waiters (its default refuses the 1,001st): a burst of sends
 * to one peer, or of deposits into one mailbox, must queue, not fail.
 */
import AsyncLock from 'async-lock'

export class KeyedLocks {
  private readonly lock = new AsyncLock({ maxPending: Infinity })

  async run<T> (key: string, fn: () => Promise<T>): Promise<T> {
    return await this.lock.acquire(key, fn)
  }

  /** Whether an operation on `key` runs or waits. */
  isBusy (key: string): boolean {
    return this.lock.isBusy(key)
  }
}
