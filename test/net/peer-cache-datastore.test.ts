// The peer-store read cache (src/net/peer-cache-datastore.ts) over a real LevelDB datastore:
// peer entries are read from memory after the first read or write, everything else and every
// write still goes to LevelDB, and a failed write leaves nothing stale behind.
import { describe, it, expect, afterEach } from 'vitest'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Key } from 'interface-datastore'
import type { AbortOptions } from '@libp2p/interface'
import { openDatastore, type LevelDatastore } from '../../src/net/datastore.js'
import { PeerCacheDatastore } from '../../src/net/peer-cache-datastore.js'

const folders: string[] = []
const open: LevelDatastore[] = []

/** The real LevelDB datastore, counting the reads that reach it and failing writes on demand. */
async function level (): Promise<{ store: LevelDatastore, reads: string[], failWrites: { on: boolean } }> {
  const folder = await mkdtemp(join(tmpdir(), 'murmur-peer-cache-'))
  folders.push(folder)
  const store = await openDatastore(folder)
  open.push(store)
  const reads: string[] = []
  const failWrites = { on: false }
  const get = store.get.bind(store)
  const put = store.put.bind(store)
  store.get = async (key: Key, options?: AbortOptions) => { reads.push(key.toString()); return await get(key, options) }
  store.put = async (key: Key, value: Uint8Array, options?: AbortOptions) => {
    if (failWrites.on) throw new Error('disk full')
    return await put(key, value, options)
  }
  return { store, reads, failWrites }
}

afterEach(async () => {
  for (const store of open.splice(0)) await store.close().catch(() => {})
  for (const folder of folders.splice(0)) await rm(folder, { recursive: true, force: true })
})

const bytes = (text: string): Uint8Array => new TextEncoder().encode(text)
const peer = (n: number): Key => new Key(`/peers/peer-${n}`)
/** LevelDB answers Buffers: compared as text. */
const text = (value: Uint8Array): string => new TextDecoder().decode(value)

describe('PeerCacheDatastore', () => {
  it('answers peer reads from memory after a write or a first read; other keys always from LevelDB', async () => {
    const { store, reads } = await level()
    await store.put(peer(2), bytes('two, written before the cache'))
    const cache = new PeerCacheDatastore(store)
    await cache.put(peer(1), bytes('one'))
    expect(text(await cache.get(peer(1)))).toBe('one')
    expect(text(await store.get(peer(1)))).toBe('one')
    reads.length = 0
    expect(text(await cache.get(peer(2)))).toBe('two, written before the cache')
    expect(text(await cache.get(peer(2)))).toBe('two, written before the cache')
    expect(reads).toEqual(['/peers/peer-2'])

    reads.length = 0
    await cache.put(new Key('/dht/record/abc'), bytes('record'))
    await cache.get(new Key('/dht/record/abc'))
    await cache.get(new Key('/dht/record/abc'))
    expect(reads).toEqual(['/dht/record/abc', '/dht/record/abc'])

    // Queries go to LevelDB, which holds every write.
    const all = []
    for await (const { key } of cache.query({ prefix: '/peers' })) all.push(key.toString())
    expect(all.sort()).toEqual(['/peers/peer-1', '/peers/peer-2'])
  })

  it('forgets deleted entries and keeps nothing of a write that failed', async () => {
    const { store, failWrites } = await level()
    const cache = new PeerCacheDatastore(store)
    await cache.put(peer(1), bytes('old'))
    failWrites.on = true
    await expect(cache.put(peer(1), bytes('new'))).rejects.toThrow('disk full')
    failWrites.on = false
    // LevelDB still holds the old value, and so does what the cache answers.
    expect(text(await cache.get(peer(1)))).toBe('old')

    await cache.delete(peer(1))
    await expect(cache.get(peer(1))).rejects.toMatchObject({ name: 'NotFoundError' })
    expect(await cache.has(peer(1))).toBe(false)
  })

  it('holds at most maxEntries peers, the least recently used leaving first', async () => {
    const { store, reads } = await level()
    const cache = new PeerCacheDatastore(store, 2)
    await cache.put(peer(1), bytes('1'))
    await cache.put(peer(2), bytes('2'))
    await cache.get(peer(1))
    await cache.put(peer(3), bytes('3'))
    expect(cache.size).toBe(2)
    reads.length = 0
    await cache.get(peer(1))
    await cache.get(peer(3))
    expect(reads).toEqual([])
    expect(text(await cache.get(peer(2)))).toBe('2')
    expect(reads).toEqual(['/peers/peer-2'])
  })
})
