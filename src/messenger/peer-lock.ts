/**
 * One queue per peer: every operation on a peer's session (encrypting a send, decrypting a
 * batch, resetting) runs alone, so a session record is never read by one operation while
 * another is between encrypting and committing it. Operations on one peer run in arrival
 * order, each after the previous one settles (resolved or rejected); peers do not wait for
 * each other.
 *
 * The queues are async-lock's keyed locks: a key's queue exists only while something holds
 * or waits for it. No bound on waiters (its default refuses the 1,001st): a burst of sends
 * to one peer must queue, not fail.
 */
import AsyncLock from 'async-lock'

export class PeerLocks {
  private readonly lock = new AsyncLock({ maxPending: Infinity })

  async run<T> (peerId: string, fn: () => Promise<T>): Promise<T> {
    return await this.lock.acquire(peerId, fn)
  }

  /** Whether an operation on `peerId` runs or waits. */
  isBusy (peerId: string): boolean {
    return this.lock.isBusy(peerId)
  }
}
