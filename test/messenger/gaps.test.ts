// Gap detection on the receiving side: holes in the sender's numbering are shown, then
// marked filled or expired. Real session crypto and real (memory-level) stores on both sides;
// envelopes are handed over in a chosen order instead of over a network, to make the holes.
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { generateIdentity, peerIdFromIdentityKey, type Identity } from '../../src/crypto/identity.js'
import { encodeBundle } from '../../src/crypto/pqxdh/index.js'
import { defaultProvider } from '../../src/crypto/providers/index.js'
import { ContactBook } from '../../src/messenger/contacts.js'
import type { MessengerContext } from '../../src/messenger/context.js'
import { MurmurEventEmitter } from '../../src/messenger/events.js'
import { Incoming } from '../../src/messenger/incoming.js'
import { Outgoing } from '../../src/messenger/outgoing.js'
import { PeerLocks } from '../../src/messenger/peer-lock.js'
import { PrekeyManager } from '../../src/messenger/prekeys.js'
import { SessionCache } from '../../src/messenger/sessions.js'
import { openStore, type Store } from '../../src/store/index.js'
import { parseEnvelope, type ParsedEnvelope } from '../../src/wire/strict/envelope.js'

const TTL = 60_000

interface Party { ctx: MessengerContext, store: Store, outgoing: Outgoing, incoming: Incoming, prekeys: PrekeyManager, identity: Identity }

async function party (bundleOf: () => Promise<Uint8Array>): Promise<Party> {
  const store = await openStore({ memory: true })
  const identity = generateIdentity()
  const provider = defaultProvider()
  const prekeys = new PrekeyManager(store, identity, provider)
  await prekeys.maintain()
  const ctx: MessengerContext = {
    store, provider, identity,
    peerId: peerIdFromIdentityKey(identity.publicKey),
    sessions: new SessionCache(store),
    locks: new PeerLocks(),
    prekeys,
    contacts: new ContactBook(store),
    events: new MurmurEventEmitter(),
    transport: { send: async () => 'ok', fetchBundle: async () => await bundleOf() },
    messageTtlMs: TTL
  }
  const outgoing = new Outgoing(ctx)
  return { ctx, store, outgoing, incoming: new Incoming(ctx, outgoing, () => {}), prekeys, identity }
}

describe('gaps in a contact\'s numbering', () => {
  let alice: Party
  let bob: Party

  beforeEach(async () => {
    bob = await party(async () => { throw new Error('unused') })
    alice = await party(async () => encodeBundle(await bob.prekeys.issueBundle()))
  })
  afterEach(async () => { await Promise.all([alice.store.close(), bob.store.close()]) })

  /** Alice writes `texts`; returns their envelopes in sending order. */
  async function write (texts: string[]): Promise<ParsedEnvelope[]> {
    const to = bob.ctx.peerId
    for (const text of texts) {
      await alice.outgoing.sendText(to, text)
      for (const entry of await alice.store.outbox(to)) {
        if (entry.envelope.length === 0) await alice.outgoing.prepare(entry, AbortSignal.timeout(5_000))
      }
    }
    const out = (await alice.store.outbox(to)).filter(e => !e.messageId.startsWith('r'))
    const envelopes = out.map(e => parseEnvelope(e.envelope))
    // Sent: out of the outbox, so the next call returns only the new ones.
    const batch = alice.store.batch()
    for (const e of await alice.store.outbox(to)) batch.deleteOutbox(e)
    await alice.store.write(batch)
    return envelopes
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
    const texts = (await bob.store.history(alice.ctx.peerId, { limit: 100, order: 'oldest' })).filter(e => e.direction === 'in').map(e => e.text)
    expect(texts).toEqual(['one', 'three', 'four', 'two'])
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
