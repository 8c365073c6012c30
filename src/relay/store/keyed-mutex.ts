/**
 * One critical section at a time per key. The relay keeps a mailbox's counters in memory and
 * rewrites its record in every batch; the section covers the reads a change depends on (the
 * id index, the stored records) and the synchronous reservation, so two changes to the same
 * mailbox never decide on the same state (docs/relay.md, "Storage").
 */
export class KeyedMutex {
  private readonly tails = new Map<string, Promise<void>>()

  async run<T> (key: string, fn: () => Promise<T>): Promise<T> {
    const previous = this.tails.get(key) ?? Promise.resolve()
    let release!: () => void
    const current = new Promise<void>((resolve) => { release = resolve })
    const tail = previous.then(async () => current)
    this.tails.set(key, tail)
    await previous
    try {
      return await fn()
    } finally {
      release()
      if (this.tails.get(key) === tail) this.tails.delete(key)
    }
  }
}
