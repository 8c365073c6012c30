// A contact restored from a backup while our delivery round to it is on the way (DESIGN.md "At
// rest"): its session opener reaches us before its answer to our round, which says it cannot
// decrypt the envelopes of the old session. That answer is about envelopes the reset has
// already taken back (they go again in the new session), not about the new session: our texts
// must not fail and the new session must stay. Real session crypto, stores, Outgoing,
// Incoming and Delivery (parties.ts); the network is the test's own, which holds our round's
// envelopes until the opener has come in, then hands them to the contact and returns its answers.
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { encodeBundle } from '../../src/crypto/pqxdh/index.js'
import { Delivery } from '../../src/messenger/delivery.js'
import { OutboxViews } from '../../src/messenger/outbox-views.js'
import { DmRefusedError } from '../../src/net/dm/errors.js'
import { parseEnvelope } from '../../src/wire/strict/envelope.js'
import { party, received, write, type Party } from './parties.js'

describe('a reset while a delivery round waits for its answers', () => {
  let alice: Party
  let bob: Party
  let delivery: Delivery | undefined
  let release = (): void => {}

  beforeEach(async () => {
    bob = await party({ bundleOf: async () => encodeBundle(await alice.prekeys.issueBundle()) })
    alice = await party({ bundleOf: async () => encodeBundle(await bob.prekeys.issueBundle()) })
    expect(await alice.incoming.receive(bob.ctx.peerId, await write(bob, alice, ['hello']))).toEqual([{ status: 'ok' }])
  })
  afterEach(async () => {
    release()
    await delivery?.stop()
    await Promise.all([alice, bob].map(async (p) => { await p.store.close() }))
  })

  it('an "undecryptable" answer about envelopes the reset took back fails nothing and keeps the new session', async () => {
    const aliceId = alice.ctx.peerId
    const bobId = bob.ctx.peerId
    const texts = ['while you were away 1', 'while you were away 2']
    const sent = []
    for (const text of texts) sent.push(await bob.outgoing.sendText(aliceId, text))

    // alice is restored from a backup: no session, and a session opener for bob in her outbox.
    const lost = alice.store.batch()
    alice.ctx.sessions.del(lost, bobId)
    for (const e of await alice.store.outbox(bobId)) lost.deleteOutbox(e)
    await alice.outgoing.queueOpener(lost, bobId, Date.now())
    await alice.store.write(lost)
    alice.ctx.sessions.remember(bobId, undefined)
    const [openerEntry] = await alice.store.outbox(bobId)
    const opener = await alice.outgoing.prepare(openerEntry, AbortSignal.timeout(5_000))

    // bob's round to alice: held on the way until the opener has come in.
    const held = new Promise<void>((resolve) => { release = resolve })
    let roundStarted = (): void => {}
    const started = new Promise<void>((resolve) => { roundStarted = resolve })
    bob.ctx.transport = {
      ...bob.ctx.transport,
      send: async (_peerId, envelope) => {
        roundStarted()
        await held
        const [answer] = await alice.incoming.receive(bobId, [parseEnvelope(envelope.bytes)])
        if (answer.status === 'error') throw new DmRefusedError(answer.code, answer.message)
        return answer.status
      }
    }
    delivery = new Delivery(bob.ctx, bob.outgoing, new OutboxViews(bob.store))
    const round = delivery.kick(aliceId)
    await started
    expect(await bob.incoming.receive(aliceId, [parseEnvelope(opener.envelope)])).toEqual([{ status: 'ok' }])
    release()
    await round
    // The texts go again in the new session (bob's incoming here does not kick the delivery).
    await delivery.kick(aliceId)

    const states = await Promise.all(sent.map(async (e) => await bob.store.getHistory(aliceId, e.seq)))
    expect(states.map(e => [e?.state, e?.reason])).not.toContainEqual(expect.arrayContaining(['failed']))
    expect(await received(alice, bob)).toEqual(['hello', ...texts])
    // The new session holds: bob's next text reaches alice in it.
    await bob.outgoing.sendText(aliceId, 'and one more')
    await delivery.kick(aliceId)
    expect(await received(alice, bob)).toEqual(['hello', ...texts, 'and one more'])
  }, 20_000)
})
