/**
 * What LevelDB itself holds in memory for the store (docs/store.md, "Memory"): its write
 * buffer (the memtable, which also takes the log replayed at open) and its block cache.
 *
 * LevelDB's defaults (4 MiB and 8 MiB) are sized for a database that is read from disk; murmur's
 * store is written without compression (store.ts), so every block in LevelDB's cache is a
 * second copy of bytes the operating system already caches for the file, and a node that reads
 * all day can fill 8 MiB of it with reads the page cache would serve. Smaller figures keep what
 * a node holds down; measured against the defaults by alternated runs (docs/benchmarks.md,
 * "Where the memory goes").
 */
import { InvalidStoreOptionError } from './errors.js'

/** LevelDB's write buffer (memtable) for the store, in bytes. */
export const DEFAULT_WRITE_BUFFER_SIZE = 1 * 2 ** 20
/** LevelDB's block cache for the store, in bytes. */
export const DEFAULT_CACHE_SIZE = 2 * 2 ** 20

export interface LevelMemoryOptions {
  /** LevelDB's write buffer in bytes (default DEFAULT_WRITE_BUFFER_SIZE). */
  writeBufferSize?: number
  /** LevelDB's block cache in bytes (default DEFAULT_CACHE_SIZE). */
  cacheSize?: number
}

/**
 * classic-level's options for the memory LevelDB takes, from the store's options: whole
 * numbers of bytes, at least one, or InvalidStoreOptionError.
 */
export function levelMemoryOptions (options: LevelMemoryOptions): { writeBufferSize: number, cacheSize: number } {
  const bytes = (name: keyof LevelMemoryOptions, fallback: number): number => {
    const value = options[name] ?? fallback
    if (!Number.isSafeInteger(value) || value < 1) throw new InvalidStoreOptionError(`${name} must be a whole number of bytes, at least 1`)
    return value
  }
  return { writeBufferSize: bytes('writeBufferSize', DEFAULT_WRITE_BUFFER_SIZE), cacheSize: bytes('cacheSize', DEFAULT_CACHE_SIZE) }
}
