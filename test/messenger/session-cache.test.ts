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
})
