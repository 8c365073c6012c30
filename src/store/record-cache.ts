/**
 * A bounded cache of decoded records of one sublevel, keyed by stored key (docs/store.md,
 * "Read cache"). The messenger reads back what it has just written (a history entry whose
 * state changes when the ack comes, the entry a receipt names), and in an encrypted store
 * every read is a LevelDB get and an AEAD open: the cache answers those from memory.
 *
 * Coherence: the store is the only writer. Records enter the cache when their group write
 * has succeeded (never before, so a failed write leaves nothing behind) and when a read
 * finds them, but only if no group write completed while that read was in flight (it might
 * have changed or deleted the record). Records are frozen (shallowly): a caller that wants to
 * change one copies it, as every caller does.
 */

export class RecordCache<V> {
  private readonly entries = new Map<string, { record: V, size: number }>()
  private readonly maxBytes: number
  private bytes = 0
  /** Group writes completed so far; a read may fill the cache only if it did not change meanwhile. */
  private writes = 0

  constructor (maxBytes: number) {
    this.maxBytes = maxBytes
  }

  get (key: string): V | undefined {
    const hit = this.entries.get(key)
    if (hit === undefined) return undefined
    // Most recently used last (Map order).
    this.entries.delete(key)
    this.entries.set(key, hit)
    return hit.record
  }

  /** A token for a read about to start; pass it to fill() with what the read found. */
  readToken (): number {
    return this.writes
  }

  fill (token: number, key: string, record: V, size: number): V {
    if (token !== this.writes || this.entries.has(key)) return record
    return this.set(key, record, size)
  }

  /**
   * After a successful group write: the new records (copied: the writer keeps its own), the
   * deleted keys, and changes to records the group did not put (a history entry's state laid
   * over it), made to the cached record when there is one.
   */
  written (puts: Array<{ key: string, record: V, size: number }>, dels: string[], patches: Array<{ key: string, patch: (record: V) => V }> = []): void {
    this.writes++
    for (const key of dels) this.remove(key)
    for (const { key, record, size } of puts) this.set(key, { ...record }, size)
    for (const { key, patch } of patches) {
      const cached = this.entries.get(key)
      if (cached !== undefined) this.set(key, patch(cached.record), cached.size)
    }
  }

  private set (key: string, record: V, size: number): V {
    this.remove(key)
    if (size > this.maxBytes / 8) return record
    const frozen = Object.freeze(record)
    this.entries.set(key, { record: frozen, size })
    this.bytes += size
    for (const [oldest, entry] of this.entries) {
      if (this.bytes <= this.maxBytes) break
      this.entries.delete(oldest)
      this.bytes -= entry.size
    }
    return frozen
  }

  private remove (key: string): void {
    const old = this.entries.get(key)
    if (old === undefined) return
    this.entries.delete(key)
    this.bytes -= old.size
  }
}
