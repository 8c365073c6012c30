// The peer-store cache (src/net/peer-cache-datastore.ts) over a real LevelDB datastore: peer
// entries are read from memory after the first read or write and written behind, each peer once
// per flush; everything else is read from and written to LevelDB; a failed flush loses nothing.
import { describe, it, expect, afterEach, vi } from 'vitest'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Key } from 'interface-datastore'
import type { AbortOptions } from '@libp2p/interface'
import { openDatastore, type LevelDatastore } from '../../src/net/datastore.js'
import { PeerCacheDatastore } from '../../src/net/peer-cache-datastore.js'

const folders: string[] = []
const open: LevelDatastore[] = []

/** The real LevelDB datastore, counting the reads and peer-entry batches that reach it, failing batches on demand. */
async function level (): Promise<{ store: LevelDatastore, reads: string[], batches: string[][], failWrites: { on: boolean } }> {
  const folder = await mkdtemp(join(tmpdir(), 'murmur-peer-cache-'))
  folders.push(folder)
  const store = await openDatastore(folder)
  open.push(store)
  const reads: string[] = []
  const batches: string[][] = []
  const failWrites = { on: false }
  const get = store.get.bind(store)
  const batch = store.batch.bind(store)
  store.get = async (key: Key, options?: AbortOptions) => { reads.push(key.toString()); return await get(key, options) }
  store.batch = () => {
    const inner = batch()
    const keys: string[] = []
    return {
      put: (key: Key, value: Uint8Array) => { keys.push(key.toString()); inner.put(key, value) },
      delete: (key: Key) => { inner.delete(key) },
      commit: async (options?: AbortOptions) => {
        if (failWrites.on) throw new Error('disk full')
        await inner.commit(options)
        batches.push(keys)
      }
    }
  }
  return { store, reads, batches, failWrites }
}

afterEach(async () => {
  for (const store of open.splice(0)) await store.close().catch(() => {})
  for (const folder of folders.splice(0)) await rm(folder, { recursive: true, force: true })
})

const bytes = (text: string): Uint8Array => new TextEncoder().encode(text)
const peer = (n: number): Key => new Key(`/peers/peer-${n}`)
/** LevelDB answers Buffers: compared as text. */
const text = (value: Uint8Array): string => new TextDecoder().decode(value)
/** No timed flush during the test: the test flushes. */
const NEVER = 3_600_000

describe('PeerCacheDatastore', () => {
  it('answers peer reads from memory after a write or a first read; other keys always from LevelDB', async () => {
    const { store, reads } = await level()
    await store.put(peer(2), bytes('two, written before the cache'))
    const cache = new PeerCacheDatastore(store, { flushIntervalMs: NEVER })
    await cache.put(peer(1), bytes('one'))
    expect(text(await cache.get(peer(1)))).toBe('one')
    reads.length = 0
    expect(text(await cache.get(peer(2)))).toBe('two, written before the cache')
    expect(text(await cache.get(peer(2)))).toBe('two, written before the cache')
    expect(reads).toEqual(['/peers/peer-2'])

    reads.length = 0
    await cache.put(new Key('/dht/record/abc'), bytes('record'))
    // Written through: LevelDB has it at once.
    expect(text(await store.get(new Key('/dht/record/abc')))).toBe('record')
    reads.length = 0
    await cache.get(new Key('/dht/record/abc'))
    await cache.get(new Key('/dht/record/abc'))
    expect(reads).toEqual(['/dht/record/abc', '/dht/record/abc'])

    // A query sees the peer entry not flushed yet: it flushes first.
    const all = []
    for await (const { key } of cache.query({ prefix: '/peers' })) all.push(key.toString())
    expect(all.sort()).toEqual(['/peers/peer-1', '/peers/peer-2'])
    expect(cache.unflushed).toBe(0)
  })

  it('writes peer entries behind: each peer once per flush with its last value, and at close', async () => {
    const { store, batches } = await level()
    const cache = new PeerCacheDatastore(store, { flushIntervalMs: NEVER })
    for (let i = 0; i < 50; i++) await cache.put(peer(1), bytes(`one, version ${i}`))
    await cache.put(peer(2), bytes('two'))
    expect(batches).toEqual([])
    await expect(store.get(peer(1))).rejects.toMatchObject({ name: 'NotFoundError' })
    expect(text(await cache.get(peer(1)))).toBe('one, version 49')

    await cache.flush()
    expect(batches).toEqual([['/peers/peer-1', '/peers/peer-2']])
    expect(text(await store.get(peer(1)))).toBe('one, version 49')

    await cache.put(peer(3), bytes('three'))
    await cache.close()
    expect(batches).toEqual([['/peers/peer-1', '/peers/peer-2'], ['/peers/peer-3']])
    const reopened = await openDatastore(folders[folders.length - 1])
    open.push(reopened)
    expect(text(await reopened.get(peer(3)))).toBe('three')
  })

  it('flushes by itself after the interval', async () => {
    const { store, batches } = await level()
    const cache = new PeerCacheDatastore(store, { flushIntervalMs: 50 })
    await cache.put(peer(1), bytes('one'))
    await vi.waitFor(() => { expect(batches).toEqual([['/peers/peer-1']]) }, { timeout: 5_000, interval: 10 })
    expect(cache.unflushed).toBe(0)
    await cache.close()
  })

  it('keeps the entries of a failed flush for the next one, a later value or a delete winning', async () => {
    const { store, batches, failWrites } = await level()
    const cache = new PeerCacheDatastore(store, { flushIntervalMs: NEVER })
    await cache.put(peer(1), bytes('one'))
    await cache.put(peer(2), bytes('two'))
    await cache.put(peer(3), bytes('three'))
    failWrites.on = true
    const failed = cache.flush()
    // While the failing flush runs: a newer value of peer 2, and peer 3 deleted.
    await cache.put(peer(2), bytes('two, newer'))
    await cache.delete(peer(3))
    await failed
    expect(batches).toEqual([])
    expect(cache.unflushed).toBe(2)
    expect(text(await cache.get(peer(1)))).toBe('one')

    failWrites.on = false
    await cache.flush()
    expect(batches).toEqual([['/peers/peer-2', '/peers/peer-1']])
    expect(text(await store.get(peer(1)))).toBe('one')
    expect(text(await store.get(peer(2)))).toBe('two, newer')
    await expect(cache.get(peer(3))).rejects.toMatchObject({ name: 'NotFoundError' })
    expect(await cache.has(peer(3))).toBe(false)
  })

  it('holds at most maxEntries flushed peers, the least recently used leaving first', async () => {
    const { store, reads } = await level()
    const cache = new PeerCacheDatastore(store, { maxEntries: 2, flushIntervalMs: NEVER })
    await cache.put(peer(1), bytes('1'))
    await cache.put(peer(2), bytes('2'))
    await cache.get(peer(1))
    await cache.put(peer(3), bytes('3'))
    await cache.flush()
    expect(cache.size).toBe(2)
    reads.length = 0
    await cache.get(peer(1))
    await cache.get(peer(3))
    expect(reads).toEqual([])
    expect(text(await cache.get(peer(2)))).toBe('2')
    expect(reads).toEqual(['/peers/peer-2'])
  })
})
