/**
 * libp2p's peer store, held in memory in front of the datastore of a murmur home
 * (docs/network.md "Limits"; docs/benchmarks.md "The reach benchmark").
 *
 * Reads: libp2p's persistent peer store reads the peer's entry from the datastore on every
 * merge and every get: each DHT answer names up to 20 peers, each of them merged, and every new
 * stream looks its peer up. With LevelDB under it (and, in an encrypted home, a decryption per
 * read) those reads were the largest single cost of a node in the 100-node benchmark's profiles
 * (LevelDB gets ~9% of a worker's CPU, the peer-store merges around them ~13%). Entries under
 * `/peers/` are kept here after they were read or written, up to `maxEntries` (least recently
 * used first out).
 *
 * Writes: the peer store also writes the whole entry back on every merge, whether or not
 * anything changed (it stamps the entry with the time), and libp2p merges the protocol of every
 * stream opened in either direction: every ping, DHT request and message cost a LevelDB put
 * (8% of a worker's CPU in the same profiles, before encoding and garbage). Peer entries are
 * therefore written behind: a put is answered at once from memory, and the entries written
 * since the last flush go to the datastore together every `flushIntervalMs`, each peer once
 * with its latest value, and at close. What a crash can lose is the last interval's address
 * and protocol updates, which libp2p learns again from identify at the next connection; every
 * other key is written through, as before.
 */
import { logger } from '@libp2p/logger'
import { BaseDatastore } from 'datastore-core'
import type { AbortOptions } from '@libp2p/interface'
import type { Key, KeyQuery, Pair, Query } from 'interface-datastore'
import type { ClosableDatastore } from '../store/at-rest/sealed-datastore.js'

const log = logger('murmur:net:peer-cache')

/** libp2p's peer store keeps each peer at `/peers/<peer ID>`. */
const PEERS_PREFIX = '/peers/'

/** Peer entries held by default: a few hundred bytes each. */
export const DEFAULT_PEER_CACHE_ENTRIES = 4096

/** How long peer-entry writes are held before they go to the datastore together, by default. */
export const DEFAULT_PEER_FLUSH_INTERVAL_MS = 5_000

export interface PeerCacheOptions {
  maxEntries?: number
  flushIntervalMs?: number
}

export class PeerCacheDatastore extends BaseDatastore implements ClosableDatastore {
  private readonly inner: ClosableDatastore
  private readonly maxEntries: number
  private readonly flushIntervalMs: number
  /** Insertion order is recency order: a hit moves its entry to the end. */
  private readonly entries = new Map<string, Uint8Array>()
  /** Peer entries written here and not yet in the datastore (not bounded by maxEntries). */
  private pending = new Map<string, { key: Key, value: Uint8Array }>()
  private flushTimer: ReturnType<typeof setTimeout> | undefined
  private flushing: Promise<void> | undefined
  /** Peer entries deleted while a flush ran: a failed flush must not bring them back. */
  private readonly deletedWhileFlushing = new Set<string>()

  constructor (inner: ClosableDatastore, options: PeerCacheOptions = {}) {
    super()
    this.inner = inner
    this.maxEntries = options.maxEntries ?? DEFAULT_PEER_CACHE_ENTRIES
    this.flushIntervalMs = options.flushIntervalMs ?? DEFAULT_PEER_FLUSH_INTERVAL_MS
  }

  async close (): Promise<void> {
    clearTimeout(this.flushTimer)
    this.flushTimer = undefined
    await this.flush()
    this.entries.clear()
    await this.inner.close()
  }

  /** Entries held now (for tests and diagnostics). */
  get size (): number {
    return this.entries.size
  }

  /** Peer entries written here that the datastore does not have yet. */
  get unflushed (): number {
    return this.pending.size
  }

  /**
   * Writes the held peer entries to the datastore in one batch. A failed batch puts back every
   * entry that no later put replaced meanwhile, to be tried again at the next flush.
   */
  async flush (): Promise<void> {
    // One flush at a time: a second caller waits for the running one, then writes what is new.
    while (this.flushing !== undefined) await this.flushing
    if (this.pending.size === 0) return
    const writing = this.pending
    this.pending = new Map()
    this.deletedWhileFlushing.clear()
    this.flushing = (async () => {
      try {
        const batch = this.inner.batch()
        for (const { key, value } of writing.values()) batch.put(key, value)
        await batch.commit()
      } catch (err) {
        log.error('could not write %d peer entries, keeping them for the next flush - %e', writing.size, err)
        for (const [name, entry] of writing) {
          if (!this.pending.has(name) && !this.deletedWhileFlushing.has(name)) this.pending.set(name, entry)
        }
        this.scheduleFlush()
      } finally {
        this.flushing = undefined
      }
    })()
    await this.flushing
  }

  private scheduleFlush (): void {
    if (this.flushTimer !== undefined) return
    this.flushTimer = setTimeout(() => {
      this.flushTimer = undefined
      void this.flush()
    }, this.flushIntervalMs)
    this.flushTimer.unref?.()
  }

  private remember (key: string, value: Uint8Array): void {
    this.entries.delete(key)
    this.entries.set(key, value)
    if (this.entries.size > this.maxEntries) this.entries.delete(this.entries.keys().next().value as string)
  }

  async put (key: Key, value: Uint8Array, options?: AbortOptions): Promise<Key> {
    const name = key.toString()
    if (name.startsWith(PEERS_PREFIX)) {
      this.pending.set(name, { key, value })
      this.remember(name, value)
      this.scheduleFlush()
      return key
    }
    await this.inner.put(key, value, options)
    return key
  }

  async get (key: Key, options?: AbortOptions): Promise<Uint8Array> {
    const name = key.toString()
    const held = this.pending.get(name)?.value ?? this.entries.get(name)
    if (held !== undefined) {
      this.remember(name, held)
      return held
    }
    const value = await this.inner.get(key, options)
    if (name.startsWith(PEERS_PREFIX)) this.remember(name, value)
    return value
  }

  async has (key: Key, options?: AbortOptions): Promise<boolean> {
    const name = key.toString()
    return this.pending.has(name) || this.entries.has(name) || await this.inner.has(key, options)
  }

  async delete (key: Key, options?: AbortOptions): Promise<void> {
    const name = key.toString()
    this.pending.delete(name)
    this.entries.delete(name)
    // A flush running now may still write the entry: wait for it, then delete.
    if (this.flushing !== undefined) {
      this.deletedWhileFlushing.add(name)
      await this.flushing
    }
    await this.inner.delete(key, options)
  }

  async * _all (q: Query, options?: AbortOptions): AsyncGenerator<Pair> {
    // The datastore answers queries: it must hold every peer entry first.
    await this.flush()
    yield * this.inner.query({ ...(q.prefix !== undefined ? { prefix: q.prefix } : {}) }, options)
  }

  async * _allKeys (q: KeyQuery, options?: AbortOptions): AsyncGenerator<Key> {
    await this.flush()
    yield * this.inner.queryKeys({ ...(q.prefix !== undefined ? { prefix: q.prefix } : {}) }, options)
  }
}
