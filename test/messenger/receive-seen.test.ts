// The receiving side decrypts a batch's first envelope while its seen id is read
// (src/messenger/incoming.ts, decryptAhead): an envelope already seen stays a duplicate, shown
// once, even when it would still decrypt. Real session crypto, real (memory-level) stores.
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { encodeBundle } from '../../src/crypto/pqxdh/index.js'
import { hex } from '../../src/messenger/envelopes.js'
import { parseEnvelope, type ParsedEnvelope } from '../../src/wire/strict/envelope.js'
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

  it('a text sent again (cancelled, then resent) is shown once, also when the first copy comes after the second', async () => {
    const peer = bob.ctx.peerId
    /** alice's two copies of one text: the first sent, then (after a cancel and a resend) the second. */
    const twoCopies = async (text: string): Promise<[ParsedEnvelope, ParsedEnvelope]> => {
      const { id } = await alice.outgoing.sendText(peer, text)
      const entry = (await alice.store.outbox(peer)).find(e => e.messageId === id)
      if (entry === undefined) throw new Error('not in the outbox')
      // The first copy left before the cancel (a deposit or a dm frame whose answer never
      // came): it is on its way, late.
      const first = parseEnvelope(entry.envelope)
      await alice.outgoing.cancel(peer, id)
      await alice.outgoing.resend(peer, id)
      const queued = (await alice.store.outbox(peer)).find(e => e.messageId === id)
      if (queued === undefined) throw new Error('not queued again')
      const second = parseEnvelope((await alice.outgoing.prepare(queued, AbortSignal.timeout(5_000))).envelope)
      expect(hex(second.id)).not.toBe(hex(first.id))
      return [first, second]
    }
    const [first, second] = await twoCopies('late original')
    expect(await bob.incoming.receive(alice.ctx.peerId, [second])).toEqual([{ status: 'ok' }])
    expect(await bob.incoming.receive(alice.ctx.peerId, [first])).toEqual([{ status: 'ok' }])
    expect(await received(bob, alice)).toEqual(['hello', 'late original'])
    // Both in one batch, the second first: once too.
    const [original, resent] = await twoCopies('twice in a batch')
    expect(await bob.incoming.receive(alice.ctx.peerId, [resent, original])).toEqual([{ status: 'ok' }, { status: 'ok' }])
    expect(await received(bob, alice)).toEqual(['hello', 'late original', 'twice in a batch'])
  })

  it('keeps a seen envelope a duplicate even though its keys would still decrypt it', async () => {
    const [three, four] = await write(alice, bob, ['three', 'four'])
    // Seen (as after a crash between a relay's delivery and its delete), its keys unused.
    await bob.store.commit(b => b.markSeen(three.id, Date.now()))
    expect(await bob.incoming.receive(alice.ctx.peerId, [three, four])).toEqual([{ status: 'duplicate' }, { status: 'ok' }])
    expect(await received(bob, alice)).toEqual(['hello', 'four'])
  })
})
