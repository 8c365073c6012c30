// Sends to one peer made while others are being stored form a group: numbered and encrypted
// in call order under one hold of the peer lock, stored in ONE batch with the session record
// written once (docs/messaging.md, "Sending"). Real session crypto and real stores (parties.ts).
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { encodeBundle } from '../../src/crypto/pqxdh/index.js'
import { serializeSessionRecord } from '../../src/crypto/session/index.js'
import { InvalidMessageTextError } from '../../src/messenger/errors.js'
import { MAX_SEND_GROUP } from '../../src/messenger/outgoing.js'
import { parseEnvelope } from '../../src/wire/strict/envelope.js'
import { party, received, write, type Party } from './parties.js'

describe('groups of sends', () => {
  let alice: Party
  let bob: Party

  beforeEach(async () => {
    bob = await party()
    const bundleOfBob = async (): Promise<Uint8Array> => encodeBundle(await bob.prekeys.issueBundle())
    alice = await party({ bundleOf: bundleOfBob })
    // A session, both ways acknowledged: alice's next texts are ratchet messages.
    expect(await bob.incoming.receive(alice.ctx.peerId, await write(alice, bob, ['hello']))).toEqual([{ status: 'ok' }])
  })
  afterEach(async () => { await Promise.all([alice, bob].map(async (p) => { await p.store.close() })) })

  it('concurrent sends are one write: in call order, numbered on, the session record as the last left it; bob reads them in order', async () => {
    const bobId = bob.ctx.peerId
    const before = alice.store.stats().commits
    const texts = Array.from({ length: 50 }, (_, i) => `text ${i}`)
    const entries = await Promise.all(texts.map(async (t) => await alice.outgoing.sendText(bobId, t)))
    // One batch for the fifty (not fifty): history, outbox and the session record together.
    expect(alice.store.stats().commits - before).toBe(1)
    expect(entries.map(e => e.text)).toEqual(texts)
    const seqs = entries.map(e => e.seq)
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b))
    const numbers = entries.map(e => e.outNumber)
    expect(numbers).toEqual(numbers.map((_, i) => (numbers[0] ?? 0) + i))
    // The stored record is the one in memory: the state after the fiftieth encryption.
    const stored = await alice.store.sublevels.sessions.get(bobId)
    const current = await alice.ctx.sessions.get(bobId)
    expect(current).toBeDefined()
    expect(Buffer.from(stored ?? []).equals(Buffer.from(serializeSessionRecord(current!)))).toBe(true)

    const outbox = (await alice.store.outbox(bobId)).filter(e => !e.messageId.startsWith('r'))
    expect(outbox.map(e => e.messageId)).toEqual(entries.map(e => e.id))
    const results = await bob.incoming.receive(alice.ctx.peerId, outbox.map(e => parseEnvelope(e.envelope)))
    expect(results.every(r => r.status === 'ok')).toBe(true)
    expect(await received(bob, alice)).toEqual(['hello', ...texts])
  })

  it('a full group closes: the sends after it form the next group, stored after it, in order', async () => {
    const bobId = bob.ctx.peerId
    const before = alice.store.stats().commits
    const texts = Array.from({ length: MAX_SEND_GROUP + 10 }, (_, i) => `text ${i}`)
    const entries = await Promise.all(texts.map(async (t) => await alice.outgoing.sendText(bobId, t)))
    expect(alice.store.stats().commits - before).toBe(2)
    const seqs = entries.map(e => e.seq)
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b))
    const outbox = (await alice.store.outbox(bobId)).filter(e => !e.messageId.startsWith('r'))
    const results = await bob.incoming.receive(alice.ctx.peerId, outbox.map(e => parseEnvelope(e.envelope)))
    expect(results.every(r => r.status === 'ok')).toBe(true)
    const atBob = (await bob.store.history(alice.ctx.peerId, { limit: 1000, order: 'oldest' })).filter(e => e.direction === 'in')
    expect(atBob.map(e => e.text)).toEqual(['hello', ...texts])
  })

  it('a bad text fails alone, before any group, and changes nothing; the others of its moment are stored', async () => {
    const bobId = bob.ctx.peerId
    const historyBefore = await alice.store.history(bobId, { limit: 100 })
    const sends = ['one', '', 'two'].map(async (t) => await alice.outgoing.sendText(bobId, t))
    const outcomes = await Promise.allSettled(sends)
    expect(outcomes[0].status).toBe('fulfilled')
    expect(outcomes[1].status).toBe('rejected')
    expect((outcomes[1] as PromiseRejectedResult).reason).toBeInstanceOf(InvalidMessageTextError)
    expect(outcomes[2].status).toBe('fulfilled')
    const history = await alice.store.history(bobId, { limit: 100 })
    expect(history.length - historyBefore.length).toBe(2)
    expect(history.filter(e => e.direction === 'out').map(e => e.text).slice(0, 2)).toEqual(['two', 'one'])
  })

  it('sends while the store is closed fail with its error, all of the group; nothing half-written', async () => {
    const bobId = bob.ctx.peerId
    await alice.store.close()
    const outcomes = await Promise.allSettled(['a', 'b'].map(async (t) => await alice.outgoing.sendText(bobId, t)))
    expect(outcomes.map(o => o.status)).toEqual(['rejected', 'rejected'])
    expect(outcomes.map(o => (o as PromiseRejectedResult).reason.name)).toEqual(['StoreClosedError', 'StoreClosedError'])
  })
})
