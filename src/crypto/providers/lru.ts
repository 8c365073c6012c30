/**
 * A bounded map that forgets the least recently used entry first: the caches of the
 * providers (imported keys, prepared ML-KEM keys, verified signatures) must never grow with
 * the number of contacts or messages.
 */
export class LruCache<V> {
  private readonly entries = new Map<string, V>()
  constructor (private readonly maxSize: number) {}

  get (key: string): V | undefined {
    const value = this.entries.get(key)
    if (value !== undefined) {
      this.entries.delete(key)
      this.entries.set(key, value)
    }
    return value
  }

  set (key: string, value: V): void {
    if (this.maxSize <= 0) return
    if (this.entries.has(key)) this.entries.delete(key)
    else if (this.entries.size >= this.maxSize) {
      const oldest = this.entries.keys().next()
      if (oldest.done !== true) this.entries.delete(oldest.value)
    }
    this.entries.set(key, value)
  }

  get size (): number {
    return this.entries.size
  }
}

/** latin1 maps each byte to one code unit, so the string is an exact, cheap cache key. */
export function bytesKey (bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1')
}
