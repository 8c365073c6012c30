/**
 * Requests for one queue (a mailbox, one recipient's forward queue) made in the same turn of
 * the event loop, or while the queue's lock is busy, go through it together: one turn of the
 * lock, one read of the id index, one batch (docs/relay.md, "Storage"). Concurrent deposits
 * into one mailbox were serialized by the lock one read at a time, and their batches reached
 * the group committer one by one (the relay benchmark: groups of 1-2 writes, 9 ms per deposit
 * of which 1.5 ms writing).
 *
 * A group asks for the lock in the event loop's check phase (setImmediate), not at once: the
 * deciding itself is synchronous, so the lock was free again before the next socket's request
 * of the same poll phase was read, and 20 senders' deposits into one mailbox became 20 groups
 * of one, each with its own lock turn, id-index read, mailbox record, batch and commit
 * (docs/benchmarks.md, "Where the time goes (relay)"). The check phase follows the poll phase
 * that read them, so this waits for no timer and no further I/O.
 */
import { setImmediate as nextCheckPhase } from 'node:timers/promises'
import type { KeyedLocks } from '../../runtime/keyed-locks.js'

interface Group<T, R> {
  items: T[]
  result: Promise<R[]>
}

export class LockGroups<T, R> {
  private readonly mutex: KeyedLocks
  private readonly run: (lock: string, items: T[]) => Promise<R[]>
  private readonly waiting = new Map<string, Group<T, R>>()

  /** `run` handles a group inside its lock and returns one result per item, in order. */
  constructor (mutex: KeyedLocks, run: (lock: string, items: T[]) => Promise<R[]>) {
    this.mutex = mutex
    this.run = run
  }

  /** Adds `item` to the next group of `lock` (items keep their order); resolves with its result. */
  async join (lock: string, item: T): Promise<R> {
    const waiting = this.waiting.get(lock)
    if (waiting !== undefined) {
      const index = waiting.items.push(item) - 1
      return (await waiting.result)[index]
    }
    const group: Group<T, R> = { items: [item], result: Promise.resolve([]) }
    this.waiting.set(lock, group)
    group.result = nextCheckPhase().then(async () => await this.mutex.run(lock, async () => {
      // The group closes when its turn comes: later items form the next one.
      if (this.waiting.get(lock) === group) this.waiting.delete(lock)
      return await this.run(lock, group.items)
    }))
    return (await group.result)[0]
  }
}
