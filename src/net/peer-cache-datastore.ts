/**
 * A read cache of libp2p's peer store in front of the datastore of a murmur home
 * (docs/network.md "Limits"; docs/benchmarks.md "The reach benchmark").
 *
 * libp2p's persistent peer store reads the peer's entry from the datastore on every merge and
 * every get: each DHT answer names up to 20 peers, each of them merged, and every new stream
 * looks its peer up. With LevelDB under it (and, in an encrypted home, a decryption per read)
 * those reads were the largest single cost of a node in the 100-node benchmark's profiles
 * (LevelDB gets ~9% of a worker's CPU, the peer-store merges around them ~13%). Entries under
 * `/peers/` are kept here after they were read or written, up to `maxEntries` (least recently
 * used first out); every write still goes to the datastore first, so a restart finds what it
 * found before.
 */
import { BaseDatastore } from 'datastore-core'
import type { AbortOptions } from '@libp2p/interface'
import type { Key, KeyQuery, Pair, Query } from 'interface-datastore'
import type { ClosableDatastore } from '../store/at-rest/sealed-datastore.js'

/** libp2p's peer store keeps each peer at `/peers/<peer ID>`. */
const PEERS_PREFIX = '/peers/'

/** Peer entries held by default: a few hundred bytes each. */
export const DEFAULT_PEER_CACHE_ENTRIES = 4096

export class PeerCacheDatastore extends BaseDatastore implements ClosableDatastore {
  private readonly inner: ClosableDatastore
  private readonly maxEntries: number
  /** Insertion order is recency order: a hit moves its entry to the end. */
  private readonly entries = new Map<string, Uint8Array>()

  constructor (inner: ClosableDatastore, maxEntries = DEFAULT_PEER_CACHE_ENTRIES) {
    super()
    this.inner = inner
    this.maxEntries = maxEntries
  }

  async close (): Promise<void> {
    this.entries.clear()
    await this.inner.close()
  }

  /** Entries held now (for tests and diagnostics). */
  get size (): number {
    return this.entries.size
  }

  private remember (key: string, value: Uint8Array): void {
    this.entries.delete(key)
    this.entries.set(key, value)
    if (this.entries.size > this.maxEntries) this.entries.delete(this.entries.keys().next().value as string)
  }

  async put (key: Key, value: Uint8Array, options?: AbortOptions): Promise<Key> {
    const name = key.toString()
    // Dropped first: if the write fails, the next read asks the datastore.
    this.entries.delete(name)
    await this.inner.put(key, value, options)
    if (name.startsWith(PEERS_PREFIX)) this.remember(name, value)
    return key
  }

  async get (key: Key, options?: AbortOptions): Promise<Uint8Array> {
    const name = key.toString()
    const held = this.entries.get(name)
    if (held !== undefined) {
      this.remember(name, held)
      return held
    }
    const value = await this.inner.get(key, options)
    if (name.startsWith(PEERS_PREFIX)) this.remember(name, value)
    return value
  }

  async has (key: Key, options?: AbortOptions): Promise<boolean> {
    return this.entries.has(key.toString()) || await this.inner.has(key, options)
  }

  async delete (key: Key, options?: AbortOptions): Promise<void> {
    this.entries.delete(key.toString())
    await this.inner.delete(key, options)
  }

  async * _all (q: Query, options?: AbortOptions): AsyncGenerator<Pair> {
    yield * this.inner.query({ ...(q.prefix !== undefined ? { prefix: q.prefix } : {}) }, options)
  }

  async * _allKeys (q: KeyQuery, options?: AbortOptions): AsyncGenerator<Key> {
    yield * this.inner.queryKeys({ ...(q.prefix !== undefined ? { prefix: q.prefix } : {}) }, options)
  }
}
