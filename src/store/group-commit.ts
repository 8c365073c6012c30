/**
 * Group commit (docs/store.md, "Durability"): transitions that arrive while a LevelDB write is
 * in flight wait, then go out together as ONE batch, synced if any of them asked for sync.
 * An fsync costs the same for one operation as for a thousand, so concurrent committers share
 * it. Each caller's promise settles when the group holding its operations has been written.
 * Groups are written one at a time, in arrival order: the writer is the only place where
 * read-modify-write of conversation summaries happens.
 */
import { logger } from '@libp2p/logger'

const log = logger('murmur:store:commit')

export interface PendingCommit<T> {
  readonly item: T
  readonly sync: boolean
}

export interface GroupCommitStats {
  /** Calls to commit() that were accepted. */
  commits: number
  /** LevelDB batch writes issued (one per group). */
  writes: number
  /** The largest number of commits written in one group. */
  largestGroup: number
}

interface Waiter<T> extends PendingCommit<T> {
  resolve: () => void
  reject: (err: unknown) => void
}

export class GroupCommitter<T> {
  private readonly writeGroup: (group: ReadonlyArray<PendingCommit<T>>, sync: boolean) => Promise<void>
  private readonly maxGroupSize: number
  private queue: Array<Waiter<T>> = []
  private running: Promise<void> | undefined
  readonly stats: GroupCommitStats = { commits: 0, writes: 0, largestGroup: 0 }

  constructor (writeGroup: (group: ReadonlyArray<PendingCommit<T>>, sync: boolean) => Promise<void>, maxGroupSize = 1000) {
    this.writeGroup = writeGroup
    this.maxGroupSize = maxGroupSize
  }

  async commit (item: T, sync: boolean): Promise<void> {
    this.stats.commits++
    const done = new Promise<void>((resolve, reject) => {
      this.queue.push({ item, sync, resolve, reject })
    })
    this.running ??= this.run()
    return done
  }

  /** Resolves once every commit accepted so far has settled. */
  async drain (): Promise<void> {
    while (this.running !== undefined) await this.running
  }

  private async run (): Promise<void> {
    // One microtask first, so that commits issued in the same tick form the first group.
    await Promise.resolve()
    try {
      while (this.queue.length > 0) {
        const group = this.queue.splice(0, this.maxGroupSize)
        const sync = group.some((w) => w.sync)
        this.stats.writes++
        this.stats.largestGroup = Math.max(this.stats.largestGroup, group.length)
        try {
          await this.writeGroup(group, sync)
          for (const w of group) w.resolve()
        } catch (err) {
          log.error('group write of %d commits failed: %s', group.length, (err as Error).message)
          for (const w of group) w.reject(err)
        }
      }
    } finally {
      this.running = undefined
    }
  }
}
