// Gap detection on the receiving side: holes in the sender's numbering are shown, then
// marked filled or expired. Real session crypto and real (memory-level) stores on both sides;
// envelopes are handed over in a chosen order instead of over a network, to make the holes.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { encodeBundle } from '../../src/crypto/pqxdh/index.js'
import type { ParsedEnvelope } from '../../src/wire/strict/envelope.js'
import { Incoming } from '../../src/messenger/incoming.js'
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
    // The late one is placed at its sender's position, before the first later text (docs/messaging.md "Order").
    expect(await received(bob, alice)).toEqual(['one', 'two', 'three', 'four'])
  })

  it('places late texts of one hole in their sender\'s order whatever order they arrive in, around our own', async () => {
    const [m1, m2, m3, m4, m5, m6] = await write(['one', 'two', 'three', 'four', 'five', 'six'])
    await bob.incoming.receive(alice.ctx.peerId, [m1])
    await bob.outgoing.sendText(alice.ctx.peerId, 'reply')
    await bob.incoming.receive(alice.ctx.peerId, [m6])
    const late: Array<{ text: string, late?: true }> = []
    const off = bob.ctx.events.on('message', (m) => { late.push({ text: m.text, ...(m.late === true ? { late: m.late } : {}) }) })
    await bob.incoming.receive(alice.ctx.peerId, [m4])
    await bob.incoming.receive(alice.ctx.peerId, [m2, m5])
    await bob.incoming.receive(alice.ctx.peerId, [m3])
    off()
    const all = await bob.store.history(alice.ctx.peerId, { limit: 100, order: 'oldest' })
    expect(all.map(e => e.direction === 'event' ? 'event' : e.text)).toEqual(['one', 'reply', 'two', 'three', 'four', 'five', 'six', 'event'])
    expect(new Set(all.map(e => e.seq)).size).toBe(all.length)
    expect(late).toEqual(['four', 'two', 'five', 'three'].map(text => ({ text, late: true })))
    expect(await events()).toEqual(['The missing messages from this contact arrived.'])
    // Paging back from the newest text finds the late ones in place.
    const six = all.find(e => e.text === 'six')
    expect((await bob.store.history(alice.ctx.peerId, { limit: 2, before: six?.seq })).map(e => e.text)).toEqual(['five', 'four'])
  })

  it('a late text below the read mark counts as unread and is read again by markRead', async () => {
    const [m1, m2, m3] = await write(['one', 'two', 'three'])
    await bob.incoming.receive(alice.ctx.peerId, [m1, m3])
    await bob.store.commit((b) => b.markRead(alice.ctx.peerId))
    expect(await bob.store.unreadCount(alice.ctx.peerId)).toBe(0)
    await bob.incoming.receive(alice.ctx.peerId, [m2])
    expect(await bob.store.unreadCount(alice.ctx.peerId)).toBe(1)
    const conversation = await bob.store.sublevels.conversations.get(alice.ctx.peerId)
    const unreadTexts = (await bob.store.history(alice.ctx.peerId, { after: conversation?.readSeq, limit: 10, order: 'oldest' })).filter(e => e.direction === 'in').map(e => e.text)
    expect(unreadTexts[0]).toBe('two')
    await bob.store.commit((b) => b.markRead(alice.ctx.peerId))
    expect(await bob.store.unreadCount(alice.ctx.peerId)).toBe(0)
  })

  it('a hole recorded without room (an earlier version) still fills: its late text is appended', async () => {
    const [m1, m2, m3] = await write(['one', 'two', 'three'])
    await bob.incoming.receive(alice.ctx.peerId, [m1, m3])
    const key = `gaps:${alice.ctx.peerId}`
    const stored = await bob.store.sublevels.settings.get(key) as { highest: number, missing: Array<Record<string, number>> }
    await bob.store.commit((b) => b.put(bob.store.sublevels.settings, key, { ...stored, missing: stored.missing.map(({ after: _a, before: _b, ...r }) => r) }))
    // As a node started on that store would: its receiver reads the stored state afresh.
    const restarted = new Incoming(bob.ctx, bob.outgoing, () => {})
    await restarted.receive(alice.ctx.peerId, [m2])
    expect(await received(bob, alice)).toEqual(['one', 'three', 'two'])
    expect(await events()).toEqual(['The missing messages from this contact arrived.'])
  })

  it('reads a contact\'s gap state from the store once, then from memory', async () => {
    const [m1, m2, m3, m4] = await write(['one', 'two', 'three', 'four'])
    const key = `gaps:${alice.ctx.peerId}`
    const get = vi.spyOn(bob.store.sublevels.settings, 'get')
    await bob.incoming.receive(alice.ctx.peerId, [m1])
    await bob.incoming.receive(alice.ctx.peerId, [m3])
    await bob.incoming.receive(alice.ctx.peerId, [m4])
    await bob.incoming.receive(alice.ctx.peerId, [m2])
    expect(get.mock.calls.filter(([k]) => k === key)).toHaveLength(1)
    get.mockRestore()
    // What memory answered is what the store holds.
    expect(await bob.store.sublevels.settings.get(key)).toEqual({ highest: 4, missing: [] })
    expect(await events()).toEqual(['The missing messages from this contact arrived.'])
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
