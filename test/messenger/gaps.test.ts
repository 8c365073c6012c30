// Gap detection on the receiving side: holes in the sender's numbering are shown, then
// marked filled or expired. Real session crypto and real (memory-level) stores on both sides;
// envelopes are handed over in a chosen order instead of over a network, to make the holes.
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { encodeBundle } from '../../src/crypto/pqxdh/index.js'
import type { ParsedEnvelope } from '../../src/wire/strict/envelope.js'
import { party, received, write as writeFrom, type Party } from './parties.js'

const TTL = 60_000

describe('gaps in a contact\'s numbering', () => {
  let alice: Party
  let bob: Party

  beforeEach(async () => {
    bob = await party({ messageTtlMs: TTL })
    alice = await party({ messageTtlMs: TTL, bundleOf: async () => encodeBundle(await bob.prekeys.issueBundle()) })
  })
  afterEach(async () => { await Promise.all([alice.store.close(), bob.store.close()]) })

  /** Alice writes `texts`; returns their envelopes in sending order. */
  async function write (texts: string[]): Promise<ParsedEnvelope[]> {
    return await writeFrom(alice, bob, texts)
  }

  async function events (): Promise<string[]> {
    return (await bob.store.history(alice.ctx.peerId, { limit: 100, order: 'oldest' })).filter(e => e.direction === 'event').map(e => e.text)
  }

  it('marks a hole when a later message arrives first, and marks it filled when the missing one comes', async () => {
    const [m1, m2, m3, m4] = await write(['one', 'two', 'three', 'four'])
    expect((await bob.incoming.receive(alice.ctx.peerId, [m1]))).toEqual([{ status: 'ok' }])
    expect(await events()).toEqual([])
    await bob.incoming.receive(alice.ctx.peerId, [m3])
    expect(await events()).toEqual(['1 earlier message from this contact has not arrived yet; it may still come through a relay.'])
    await bob.incoming.receive(alice.ctx.peerId, [m4])
    expect(await events()).toHaveLength(1)
    await bob.incoming.receive(alice.ctx.peerId, [m2])
    expect(await events()).toEqual(['The missing messages from this contact arrived.'])
    expect(await received(bob, alice)).toEqual(['one', 'three', 'four', 'two'])
  })

  it('a hole that never fills is marked expired after the time to live', async () => {
    const [m1, , m3, m4] = await write(['one', 'two', 'three', 'four'])
    const t0 = Date.now()
    await bob.incoming.receive(alice.ctx.peerId, [m1], t0)
    await bob.incoming.receive(alice.ctx.peerId, [m3], t0 + 1)
    expect(await events()).toEqual(['1 earlier message from this contact has not arrived yet; it may still come through a relay.'])
    await bob.incoming.receive(alice.ctx.peerId, [m4], t0 + TTL + 10)
    expect(await events()).toEqual(['Some earlier messages from this contact never arrived (their time to live passed).'])
  })
})
