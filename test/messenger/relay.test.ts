// Offline delivery through trusted relays (DESIGN.md "Relays"): real nodes over loopback,
// real LevelDB homes.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { eventually, makeHome, makeHomes, removeDir, startNode, type TestNode } from './helpers.js'

describe('offline delivery through a trusted relay', () => {
  const dirs: string[] = []
  let homes: Record<string, string>
  let carol: TestNode
  let alice: TestNode
  let bob: TestNode

  beforeAll(async () => {
    homes = await makeHomes(['carol', 'alice', 'bob'], dirs)
    carol = await startNode(homes.carol)
    alice = await startNode(homes.alice, { bootstrap: carol.addresses })
    bob = await startNode(homes.bob, { bootstrap: carol.addresses })
    await carol.murmur.trust.add(alice.murmur.peerId)
    await carol.murmur.trust.add(bob.murmur.peerId)
    await alice.murmur.relays.add(carol.murmur.peerId, { addresses: carol.addresses })
    await bob.murmur.relays.add(carol.murmur.peerId, { addresses: carol.addresses })
    await alice.murmur.contacts.add('bob', bob.murmur.peerId)
    // One exchange while both are online: a session, and each side's capability for the other.
    const hello = await alice.murmur.send('bob', 'hello')
    await alice.murmur.waitForState('bob', hello.id, ['delivered'], { timeoutMs: 20_000 })
    const back = await bob.murmur.send(alice.murmur.peerId, 'hi')
    await bob.murmur.waitForState(alice.murmur.peerId, back.id, ['delivered'], { timeoutMs: 20_000 })
  })

  afterAll(async () => {
    await Promise.allSettled([alice?.murmur.stop(), bob?.murmur.stop(), carol?.murmur.stop()])
    await Promise.all(dirs.map(removeDir))
  })

  it('relays added and removed at the same time are all kept or gone (each change of the relays record applies to the one before\'s result)', async () => {
    const h = await makeHome()
    dirs.push(h.dir)
    const erin = await startNode(h.home, { bootstrap: carol.addresses })
    const both = [carol.murmur.peerId, bob.murmur.peerId].sort()
    try {
      await carol.murmur.trust.add(erin.murmur.peerId)
      await bob.murmur.trust.add(erin.murmur.peerId)
      // Two registrations at once end close together and each then saves the list. Each saved
      // the list it had read, so one relay was lost in 6 of 20 rounds (measured); so 20 rounds.
      for (let round = 0; round < 20; round++) {
        const added = await Promise.all([
          erin.murmur.relays.add(carol.murmur.peerId, { addresses: carol.addresses }),
          erin.murmur.relays.add(bob.murmur.peerId, { addresses: bob.addresses })
        ])
        expect(added.map(r => r.peerId).sort()).toEqual(both)
        expect((await erin.murmur.relays.list()).map(r => r.peerId).sort()).toEqual(both)
        await Promise.all(both.map(async (peerId) => await erin.murmur.relays.remove(peerId)))
        expect(await erin.murmur.relays.list()).toEqual([])
      }
    } finally {
      await erin.murmur.stop()
    }
  })

  it('a relay that does not trust us refuses the mailbox with a typed error', async () => {
    await expect(carol.murmur.relays.add(alice.murmur.peerId, { addresses: alice.addresses })).rejects.toMatchObject({ name: 'MailboxNotFoundError' })
    expect(await carol.murmur.relays.list()).toEqual([])
  })

  it('a new mailbox goes out in the contact record soon after, and status() reports that publication', async () => {
    const h = await makeHome()
    dirs.push(h.dir)
    const erin = await startNode(h.home, { bootstrap: carol.addresses })
    try {
      await carol.murmur.trust.add(erin.murmur.peerId)
      // erin's first record reached a DHT peer: her next scheduled publish is an interval away.
      const first = await eventually(async () => {
        const record = (await erin.murmur.status()).record
        return record !== undefined && record.peers > 0 ? record : undefined
      }, 20_000, "erin's first record")
      /** The first record found in the DHT whose mailboxes are `expected`, once status() reports having published it. */
      const publishedWith = async (expected: string[], what: string): Promise<void> => {
        const found = await eventually(async () => {
          const record = await alice.murmur.lookup(erin.murmur.peerId, { timeoutMs: 5_000 }).catch(() => undefined)
          return record !== undefined && JSON.stringify(record.mailboxes.map(m => m.peerId)) === JSON.stringify(expected) ? record : undefined
        }, 20_000, `erin's record ${what}`)
        expect(BigInt(found.sequence)).toBeGreaterThan(BigInt(first.sequence))
        await eventually(async () => {
          const record = (await erin.murmur.status()).record
          return record !== undefined && BigInt(record.sequence) >= BigInt(found.sequence)
        }, 20_000, `status() reporting erin's record ${what}`)
      }
      await erin.murmur.relays.add(carol.murmur.peerId, { addresses: carol.addresses })
      await publishedWith([carol.murmur.peerId], 'after relays.add')
      // And a mailbox given up goes out of it the same way.
      await erin.murmur.relays.remove(carol.murmur.peerId)
      await publishedWith([], 'after relays.remove')
    } finally {
      await erin.murmur.stop()
    }
  })

  it('messages for an offline recipient wait at the relay, then arrive once, in order, and are acknowledged', async () => {
    await bob.murmur.stop()
    const sent = []
    for (const text of ['one', 'two', 'three']) sent.push(await alice.murmur.send('bob', text))
    for (const m of sent) {
      const stored = await alice.murmur.waitForState('bob', m.id, ['stored', 'delivered'], { timeoutMs: 40_000 })
      expect(stored.state).toBe('stored')
      expect(stored.relays).toEqual([{ relay: carol.murmur.peerId, status: 'stored' }])
    }

    bob = await startNode(homes.bob, { bootstrap: carol.addresses })
    for (const m of sent) {
      expect((await alice.murmur.waitForState('bob', m.id, ['delivered', 'read'], { timeoutMs: 40_000 })).state).toBe('delivered')
    }
    const received = (await bob.murmur.history(alice.murmur.peerId)).filter(m => m.direction === 'in').map(m => m.text)
    expect(received).toEqual(['hello', 'one', 'two', 'three'])
    const mailbox = await eventually(async () => {
      const [relay] = (await bob.murmur.status()).relays
      return relay?.queued === 0 ? relay : undefined
    }, 15_000, 'the mailbox at carol to be empty')
    expect(mailbox.registered).toBe(true)
  })
})
