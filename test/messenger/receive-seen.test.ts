// The receiving side decrypts a batch's first envelope while its seen id is read
// (src/messenger/incoming.ts, decryptAhead): an envelope already seen stays a duplicate, shown
// once, even when it would still decrypt. Real session crypto, real (memory-level) stores.
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { encodeBundle } from '../../src/crypto/pqxdh/index.js'
import { party, received, write, type Party } from './parties.js'

describe('receiving envelopes already seen', () => {
  let alice: Party
  let bob: Party

  beforeEach(async () => {
    bob = await party()
    alice = await party({ bundleOf: async () => encodeBundle(await bob.prekeys.issueBundle()) })
    // The session's first message (a PreKey envelope) is not decrypted ahead; start it.
    expect(await bob.incoming.receive(alice.ctx.peerId, await write(alice, bob, ['hello']))).toEqual([{ status: 'ok' }])
  })
  afterEach(async () => { await Promise.all([alice.store.close(), bob.store.close()]) })

  it('answers duplicate for a seen first envelope and takes the new one after it', async () => {
    const [one, two] = await write(alice, bob, ['one', 'two'])
    expect(await bob.incoming.receive(alice.ctx.peerId, [one])).toEqual([{ status: 'ok' }])
    expect(await bob.incoming.receive(alice.ctx.peerId, [one, two])).toEqual([{ status: 'duplicate' }, { status: 'ok' }])
    expect(await bob.incoming.receive(alice.ctx.peerId, [two])).toEqual([{ status: 'duplicate' }])
    expect(await received(bob, alice)).toEqual(['hello', 'one', 'two'])
  })

  it('keeps a seen envelope a duplicate even though its keys would still decrypt it', async () => {
    const [three, four] = await write(alice, bob, ['three', 'four'])
    // Seen (as after a crash between a relay's delivery and its delete), its keys unused.
    await bob.store.commit(b => b.markSeen(three.id, Date.now()))
    expect(await bob.incoming.receive(alice.ctx.peerId, [three, four])).toEqual([{ status: 'duplicate' }, { status: 'ok' }])
    expect(await received(bob, alice)).toEqual(['hello', 'four'])
  })
})
