import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { eventually, makeHome, removeDir, startNode, type TestNode } from './helpers.js'

describe('two nodes message each other by peer ID through a bootstrap node (real libp2p over loopback)', () => {
  const dirs: string[] = []
  let boot: TestNode
  let alice: TestNode
  let bob: TestNode

  beforeAll(async () => {
    const h = await Promise.all([makeHome(), makeHome(), makeHome()])
    dirs.push(...h.map(x => x.dir))
    boot = await startNode(h[0].home)
    ;[alice, bob] = await Promise.all([startNode(h[1].home, { bootstrap: boot.addresses }), startNode(h[2].home, { bootstrap: boot.addresses })])
  })

  afterAll(async () => {
    await Promise.allSettled([alice?.murmur.stop(), bob?.murmur.stop(), boot?.murmur.stop()])
    await Promise.all(dirs.map(removeDir))
  })

  it('alice messages bob knowing only his peer ID; bob replies; both histories match', async () => {
    await alice.murmur.contacts.add('bob', bob.murmur.peerId)
    const sent = await alice.murmur.send('bob', 'hello bob')
    expect(sent.direction).toBe('out')
    const delivered = await alice.murmur.waitForState('bob', sent.id, ['delivered', 'read'], { timeoutMs: 20_000 })
    expect(delivered.state).toBe('delivered')

    const bobView = await eventually(async () => {
      const h = await bob.murmur.history(alice.murmur.peerId)
      return h.find(m => m.id === sent.id)
    }, 10_000, 'bob to store the message')
    expect(bobView.text).toBe('hello bob')
    expect(bobView.direction).toBe('in')

    const reply = await bob.murmur.send(alice.murmur.peerId, 'hi alice')
    await bob.murmur.waitForState(alice.murmur.peerId, reply.id, ['delivered'], { timeoutMs: 20_000 })

    const aliceHistory = (await alice.murmur.history('bob')).filter(m => m.direction !== 'event')
    const bobHistory = (await bob.murmur.history(alice.murmur.peerId)).filter(m => m.direction !== 'event')
    expect(aliceHistory.map(m => [m.id, m.text])).toEqual(bobHistory.map(m => [m.id, m.text]))
    expect(aliceHistory.map(m => m.direction)).toEqual(['out', 'in'])
    expect(bobHistory.map(m => m.direction)).toEqual(['in', 'out'])

    const inbox = await bob.murmur.inbox()
    expect(inbox.find(c => c.peerId === alice.murmur.peerId)?.unread).toBe(1)
    const read = await bob.murmur.markRead(alice.murmur.peerId)
    expect(read.marked).toBe(1)
    const readState = await alice.murmur.waitForState('bob', sent.id, ['read'], { timeoutMs: 20_000 })
    expect(readState.state).toBe('read')
  })
})
