// The delivery's views of outboxes (src/messenger/outbox-views.ts): used only while no other
// write changed that outbox; a real (memory-level) store underneath, its reads counted.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { OutboxViews } from '../../src/messenger/outbox-views.js'
import { openStore, type OutboxRecord, type Store } from '../../src/store/index.js'

const PEER = '12D3KooWGRUVh7ouGoZCCSWrE1b9LWybjcwxFh4h5ASxDjx38wAk'
const OTHER = '12D3KooWBsgDLdBQhUr7nn4tX56sGRGzNZRAsnbFqDu8SCFNFuAr'

function entry (seq: number, peerId = PEER): OutboxRecord {
  return { messageId: `m${seq}`, peerId, seq, envelope: new Uint8Array([seq]), attempts: 0, nextAttemptAt: 1000 + seq, expiresAt: 100_000 }
}

describe('outbox views', () => {
  let store: Store
  let views: OutboxViews
  let reads: ReturnType<typeof vi.spyOn>

  beforeEach(async () => {
    store = await openStore({ memory: true })
    views = new OutboxViews(store)
    reads = vi.spyOn(store, 'outbox')
  })
  afterEach(async () => { await store.close() })

  /** Writes `e` to the store and tells the views, as a send does (generation read at once). */
  async function send (e: OutboxRecord): Promise<void> {
    await store.commit(b => b.putOutbox(e))
    views.added(e.peerId, [e], store.outboxGeneration(e.peerId))
  }

  it('answers from memory what it read or was told, and the same as the store', async () => {
    expect(await views.read(PEER, 256)).toEqual([])
    expect(reads).toHaveBeenCalledTimes(1)
    await send(entry(2))
    await send(entry(1))
    expect((await views.read(PEER, 256)).map(e => e.seq)).toEqual([1, 2])
    expect(reads).toHaveBeenCalledTimes(1)
    await store.commit(b => b.deleteOutbox(entry(1)))
    views.removed(PEER, new Set([1]), store.outboxGeneration(PEER))
    expect(await views.read(PEER, 256)).toEqual(await store.outbox(PEER))
    expect(reads).toHaveBeenCalledTimes(2) // the comparison's own read
  })

  it('reads the store again after a write it was not told of', async () => {
    await views.read(PEER, 256)
    await store.commit(b => b.putOutbox(entry(5)))
    expect((await views.read(PEER, 256)).map(e => e.seq)).toEqual([5])
    expect(reads).toHaveBeenCalledTimes(2)
    // A write it is told of, but after one it was not: the view is dropped, not moved.
    await store.commit(b => b.putOutbox(entry(6)))
    await send(entry(7))
    expect((await views.read(PEER, 256)).map(e => e.seq)).toEqual([5, 6, 7])
    expect(reads).toHaveBeenCalledTimes(3)
  })

  it('drops the view when two writes to the outbox commit together', async () => {
    await views.read(PEER, 256)
    // Issued in the same tick: one group, one LevelDB batch, two counted writes.
    await Promise.all([store.commit(b => b.putOutbox(entry(1))), store.commit(b => b.putOutbox(entry(2)))])
    views.added(PEER, [entry(1)], store.outboxGeneration(PEER))
    expect((await views.read(PEER, 256)).map(e => e.seq)).toEqual([1, 2])
    expect(reads).toHaveBeenCalledTimes(2)
  })

  it('keeps no view of an outbox longer than a round, nor of one that changed while it was read', async () => {
    for (let seq = 1; seq <= 3; seq++) await store.commit(b => b.putOutbox(entry(seq)))
    expect(await views.read(PEER, 2)).toHaveLength(2)
    expect(await views.read(PEER, 2)).toHaveLength(2)
    expect(reads).toHaveBeenCalledTimes(2)
    const reading = views.read(OTHER, 256)
    await store.commit(b => b.putOutbox(entry(9, OTHER)))
    await reading
    expect((await views.read(OTHER, 256)).map(e => e.seq)).toEqual([9])
    expect(reads).toHaveBeenCalledTimes(4)
  })
})
