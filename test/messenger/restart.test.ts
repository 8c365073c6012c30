import { rm } from 'node:fs/promises'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { makeHome, removeDir, startNode, type TestNode } from './helpers.js'

describe('restarts (real libp2p over loopback, classic-level homes)', () => {
  const dirs: string[] = []
  let boot: TestNode
  let alice: TestNode
  let bob: TestNode
  let bobHome: string

  beforeAll(async () => {
    const h = await Promise.all([makeHome(), makeHome(), makeHome()])
    dirs.push(...h.map(x => x.dir))
    boot = await startNode(h[0].home)
    alice = await startNode(h[1].home, { bootstrap: boot.addresses })
    bobHome = h[2].home
    bob = await startNode(bobHome, { bootstrap: boot.addresses })
    await alice.murmur.contacts.add('bob', bob.murmur.peerId)
  })

  afterAll(async () => {
    await Promise.allSettled([alice?.murmur.stop(), bob?.murmur.stop(), boot?.murmur.stop()])
    await Promise.all(dirs.map(removeDir))
  })

  it('bob restarts with the same home: same peer ID, the session continues, queued messages arrive once', async () => {
    const first = await alice.murmur.send('bob', 'before the restart')
    await alice.murmur.waitForState('bob', first.id, ['delivered'], { timeoutMs: 20_000 })
    const bobPeerId = bob.murmur.peerId

    await bob.murmur.stop()
    const whileDown = []
    for (let i = 0; i < 3; i++) whileDown.push(await alice.murmur.send('bob', `while you were away ${i}`))
    for (const m of whileDown) expect(['queued']).toContain(m.state)

    bob = await startNode(bobHome, { bootstrap: boot.addresses })
    expect(bob.murmur.peerId).toBe(bobPeerId)

    for (const m of whileDown) {
      const final = await alice.murmur.waitForState('bob', m.id, ['delivered'], { timeoutMs: 30_000 })
      expect(final.state).toBe('delivered')
    }
    const history = await bob.murmur.history(alice.murmur.peerId)
    const texts = history.filter(m => m.direction === 'in').map(m => m.text)
    expect(texts).toEqual(['before the restart', 'while you were away 0', 'while you were away 1', 'while you were away 2'])
    // The session survived the restart: no reset was shown on either side.
    expect(history.filter(m => m.direction === 'event')).toEqual([])
    expect((await alice.murmur.history('bob')).filter(m => m.direction === 'event')).toEqual([])

    const reply = await bob.murmur.send(alice.murmur.peerId, 'back again')
    expect((await bob.murmur.waitForState(alice.murmur.peerId, reply.id, ['delivered'], { timeoutMs: 20_000 })).state).toBe('delivered')
  })

  it('bob loses his store but keeps his key: the reset shows on both sides, and the message goes again by itself', async () => {
    const bobPeerId = bob.murmur.peerId
    await bob.murmur.stop()
    // As after restoring only a key backup: everything but identity.key is gone.
    await rm(join(bobHome, 'store'), { recursive: true, force: true })
    await rm(join(bobHome, 'datastore'), { recursive: true, force: true })
    bob = await startNode(bobHome, { bootstrap: boot.addresses })
    expect(bob.murmur.peerId).toBe(bobPeerId)

    // Alice still holds the old session: bob cannot decrypt; alice drops it and sends the
    // message once more in a new session (bob's new bundle), where it arrives, once.
    const lost = await alice.murmur.send('bob', 'can you read this?')
    const delivered = await alice.murmur.waitForState('bob', lost.id, ['delivered', 'failed'], { timeoutMs: 30_000 })
    expect(delivered.state).toBe('delivered')
    const aliceEvents = (await alice.murmur.history('bob')).filter(m => m.direction === 'event')
    expect(aliceEvents.some(e => /Session reset/.test(e.text))).toBe(true)
    const bobEvents = (await bob.murmur.history(alice.murmur.peerId)).filter(m => m.direction === 'event')
    expect(bobEvents).toHaveLength(1)
    expect(bobEvents[0].text).toMatch(/Session reset: messages from your contact could not be decrypted/)
    const bobIn = (await bob.murmur.history(alice.murmur.peerId)).filter(m => m.direction === 'in')
    expect(bobIn.map(m => m.text)).toEqual(['can you read this?'])

    const reply = await bob.murmur.send(alice.murmur.peerId, 'yes, new session')
    expect((await bob.murmur.waitForState(alice.murmur.peerId, reply.id, ['delivered'], { timeoutMs: 20_000 })).state).toBe('delivered')
  })
})
