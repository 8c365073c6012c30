// send() returns once ITS message has had its first attempt, not when the whole run of
// deliveries to that peer ends: under a steady stream of sends the run goes on for as long as
// new messages come, and a sender waiting for all of them waited until SEND_RETURN_MS (3 s).
import { setTimeout as delay } from 'node:timers/promises'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { MessageView } from '../../src/messenger/index.js'
import { eventually, makeHome, removeDir, startNode, type TestNode } from './helpers.js'

/** murmur.ts's SEND_RETURN_MS: the longest send() waits for a first attempt. */
const SEND_RETURN_MS = 3_000

describe('send returns after its own first attempt', () => {
  const dirs: string[] = []
  let alice: TestNode
  let bob: TestNode

  beforeAll(async () => {
    const h = await Promise.all([makeHome(), makeHome()])
    dirs.push(...h.map(x => x.dir))
    bob = await startNode(h[0].home)
    alice = await startNode(h[1].home, { bootstrap: bob.addresses })
  })

  afterAll(async () => {
    await Promise.allSettled([alice?.murmur.stop(), bob?.murmur.stop()])
    await Promise.all(dirs.map(removeDir))
  })

  it('while other sends keep the delivery run to the peer going', async () => {
    await alice.murmur.contacts.add('bob', bob.murmur.peerId)
    const warm = await alice.murmur.send('bob', 'a session first')
    await alice.murmur.waitForState('bob', warm.id, ['delivered'], { timeoutMs: 20_000 })

    // A steady stream of sends, not awaited one by one: each one asks the running delivery
    // run for another round, so the run does not end while the stream flows.
    let flowing = true
    const stream: Array<Promise<MessageView>> = []
    const pump = (async () => {
      while (flowing && stream.length < 500) {
        stream.push(alice.murmur.send('bob', `stream ${stream.length}`))
        await delay(5)
      }
    })()
    await eventually(async () => stream.length >= 20, 10_000, 'the stream of sends to start')

    const startedAt = performance.now()
    const mine = await alice.murmur.send('bob', 'mine')
    const waitedMs = performance.now() - startedAt
    const streamWasFlowing = flowing && stream.length < 500
    flowing = false
    await pump
    const streamed = await Promise.all(stream)

    expect(streamWasFlowing).toBe(true)
    expect(['sent', 'delivered', 'read']).toContain(mine.state)
    expect(waitedMs).toBeLessThan(SEND_RETURN_MS)
    // Nothing of the stream is lost: every message reaches bob.
    await alice.murmur.waitForState('bob', streamed[streamed.length - 1].id, ['delivered'], { timeoutMs: 30_000 })
    const ids = new Set((await bob.murmur.history(alice.murmur.peerId, { limit: 1_000 })).map(m => m.id))
    for (const m of [mine, ...streamed]) expect(ids.has(m.id)).toBe(true)
  })
})
