import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { makeHome, removeDir, startNode, type TestNode } from './helpers.js'

const NODES = 5
const PER_PAIR = 6

describe('five nodes, every pair messaging at once (real libp2p over loopback)', () => {
  const dirs: string[] = []
  const nodes: TestNode[] = []

  beforeAll(async () => {
    const homes = await Promise.all(Array.from({ length: NODES }, async () => await makeHome()))
    dirs.push(...homes.map(h => h.dir))
    nodes.push(await startNode(homes[0].home))
    // The others only need the first one: they start together.
    nodes.push(...await Promise.all(homes.slice(1).map(async h => await startNode(h.home, { bootstrap: nodes[0].addresses }))))
  })

  afterAll(async () => {
    await Promise.allSettled(nodes.map(async n => { await n.murmur.stop() }))
    await Promise.all(dirs.map(removeDir))
  })

  it('every message is delivered exactly once, in order per conversation', async () => {
    const sends: Array<Promise<void>> = []
    const expected = new Map<string, string[]>() // "from>to" -> texts in order
    for (const from of nodes) {
      for (const to of nodes) {
        if (from === to) continue
        const key = `${from.murmur.peerId}>${to.murmur.peerId}`
        const texts = Array.from({ length: PER_PAIR }, (_, i) => `${from.murmur.peerId.slice(-4)}->${to.murmur.peerId.slice(-4)} #${i}`)
        expected.set(key, texts)
        // Sequential per conversation (the order to keep), concurrent across conversations.
        sends.push((async () => {
          const ids: string[] = []
          for (const text of texts) ids.push((await from.murmur.send(to.murmur.peerId, text)).id)
          for (const id of ids) {
            const final = await from.murmur.waitForState(to.murmur.peerId, id, ['delivered', 'read'], { timeoutMs: 60_000 })
            expect(final.state).toBe('delivered')
          }
        })())
      }
    }
    await Promise.all(sends)

    for (const to of nodes) {
      for (const from of nodes) {
        if (from === to) continue
        const history = await to.murmur.history(from.murmur.peerId, { limit: 1000 })
        const received = history.filter(m => m.direction === 'in').map(m => m.text)
        expect(received).toEqual(expected.get(`${from.murmur.peerId}>${to.murmur.peerId}`))
        const ids = history.filter(m => m.direction === 'in').map(m => m.id)
        expect(new Set(ids).size).toBe(ids.length)
      }
    }
  })
})
