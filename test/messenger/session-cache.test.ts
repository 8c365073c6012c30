// The session cache is bounded, and a session it forgot is read back from the store and
// keeps working in both directions. Real session crypto and real stores (parties.ts).
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { encodeBundle } from '../../src/crypto/pqxdh/index.js'
import { party, received, write, type Party } from './parties.js'

describe('session cache', () => {
  let bob: Party
  let senders: Party[]

  beforeEach(async () => {
    bob = await party({ sessionCacheSize: 2 })
    const bundleOfBob = async (): Promise<Uint8Array> => encodeBundle(await bob.prekeys.issueBundle())
    senders = await Promise.all([0, 1, 2].map(async () => await party({ bundleOf: bundleOfBob })))
  })
  afterEach(async () => { await Promise.all([bob, ...senders].map(async (p) => { await p.store.close() })) })

  it('holds at most its bound, and an evicted session decrypts and encrypts again', async () => {
    for (const [i, sender] of senders.entries()) {
      expect(await bob.incoming.receive(sender.ctx.peerId, await write(sender, bob, [`hello ${i}`]))).toEqual([{ status: 'ok' }])
      expect(bob.ctx.sessions.size).toBeLessThanOrEqual(2)
    }
    // Three sessions are in the store; the first sender's, the least recently used, is not in memory.
    const first = senders[0]
    expect(await bob.store.sublevels.sessions.get(first.ctx.peerId)).toBeDefined()
    expect(bob.ctx.sessions.has(first.ctx.peerId)).toBe(false)
    expect(bob.ctx.sessions.has(senders[2].ctx.peerId)).toBe(true)

    // Its next message decrypts under the record read back from the store...
    expect(await bob.incoming.receive(first.ctx.peerId, await write(first, bob, ['again']))).toEqual([{ status: 'ok' }])
    expect(await received(bob, first)).toEqual(['hello 0', 'again'])
    expect(bob.ctx.sessions.has(first.ctx.peerId)).toBe(true)
    expect(bob.ctx.sessions.size).toBe(2)

    // ...and Bob's reply in that session (a ratchet turn) reaches the sender.
    expect(await first.incoming.receive(bob.ctx.peerId, await write(bob, first, ['reply']))).toEqual([{ status: 'ok' }])
    expect(await received(first, bob)).toEqual(['reply'])
    // The other evicted session (now the second sender's) still works too.
    const second = senders[1]
    expect(bob.ctx.sessions.has(second.ctx.peerId)).toBe(false)
    expect(await bob.incoming.receive(second.ctx.peerId, await write(second, bob, ['still here']))).toEqual([{ status: 'ok' }])
    expect(await received(bob, second)).toEqual(['hello 1', 'still here'])
  })

  it('keeps a record whose write is issued but not settled past its bound, then lets it go', async () => {
    for (const [i, sender] of senders.entries()) await bob.incoming.receive(sender.ctx.peerId, await write(sender, bob, [`hello ${i}`]))
    const [first, second, third] = senders.map(s => s.ctx.peerId)
    const stored = await bob.ctx.sessions.get(first)
    if (stored == null) throw new Error('bob has no session with the first sender')
    // A send's new record, handed over when its write is issued (outgoing.ts: encryptGroup).
    const { record: advanced } = bob.outgoing.encryptFor(first, stored, new Uint8Array([1, 2, 3]), Date.now())
    let settle = (): void => {}
    const written = new Promise<void>(resolve => { settle = resolve })
    bob.ctx.sessions.rememberWriting(first, advanced, written)
    // Two other peers' records push it out of the bounded cache...
    await bob.ctx.sessions.get(second)
    await bob.ctx.sessions.get(third)
    expect(bob.ctx.sessions.has(first)).toBe(false)
    // ...but until its write settles it is the record, not the older one the store may hold.
    expect(await bob.ctx.sessions.get(first)).toBe(advanced)
    settle()
    await written
    await bob.ctx.sessions.get(second)
    await bob.ctx.sessions.get(third)
    // Settled: forgotten like any other, and read back from the store (nothing was written here).
    const readBack = await bob.ctx.sessions.get(first)
    expect(readBack).not.toBe(advanced)
    expect(readBack).toEqual(stored)
  })
})
