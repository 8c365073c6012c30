// A delivery round marks its entries sent as their acks come, not once its last ack is in
// (docs/messaging.md, "The outbox"): the senders of the first acked messages go on while the
// rest of the round still waits. Real session crypto, stores, Outgoing and Delivery
// (parties.ts); the network is the test's own, which acks the first half of a round at once
// and holds the other half's acks until the test lets them go.
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { encodeBundle } from '../../src/crypto/pqxdh/index.js'
import { Delivery } from '../../src/messenger/delivery.js'
import { OutboxViews } from '../../src/messenger/outbox-views.js'
import { writtenEntry } from '../store/compliance.js'
import { party, write, type Party } from './parties.js'

describe('a delivery round', () => {
  let alice: Party
  let bob: Party
  let delivery: Delivery | undefined
  /** Lets the held acks go (also after a failure, so that the delivery can stop). */
  let release = (): void => {}

  beforeEach(async () => {
    bob = await party()
    const bundleOfBob = async (): Promise<Uint8Array> => encodeBundle(await bob.prekeys.issueBundle())
    alice = await party({ bundleOf: bundleOfBob })
    expect(await bob.incoming.receive(alice.ctx.peerId, await write(alice, bob, ['hello']))).toEqual([{ status: 'ok' }])
  })
  afterEach(async () => {
    release()
    await delivery?.stop()
    await Promise.all([alice, bob].map(async (p) => { await p.store.close() }))
  })

  it('marks entries sent as their acks come: the first half returns while the second half waits', async () => {
    const bobId = bob.ctx.peerId
    const held = new Promise<void>((resolve) => { release = resolve })
    let sent = 0
    alice.ctx.transport = {
      ...alice.ctx.transport,
      send: async () => {
        if (sent++ >= 5) await held
        return 'ok'
      }
    }
    delivery = new Delivery(alice.ctx, alice.outgoing, new OutboxViews(alice.store))
    const entries = await Promise.all(Array.from({ length: 10 }, async (_, i) => await alice.outgoing.sendText(bobId, `text ${i}`)))
    const run = delivery.kick(bobId)
    // The first five senders' first attempts end with their own acks, the round still open.
    await Promise.all(entries.slice(0, 5).map(async (e) => { await delivery?.attempt(bobId, e.seq) }))
    const states = async (): Promise<string[]> => await Promise.all(entries.map(async (e) => (await alice.store.getHistory(bobId, e.seq))?.state ?? 'none'))
    expect(await states()).toEqual([...Array(5).fill('sent'), ...Array(5).fill('queued')])
    expect((await alice.store.outbox(bobId)).map(e => e.seq)).toEqual(entries.slice(5).map(e => e.seq))

    release()
    await run
    expect(await states()).toEqual(Array(10).fill('sent'))
    expect(await alice.store.outbox(bobId)).toEqual([])
    // Each entry was written once, queued; `sent` lies beside it (docs/store.md, "History states").
    const written = await Promise.all(entries.map(async (e) => await writtenEntry(alice.store, bobId, e.seq)))
    expect(written.map((e) => e?.state)).toEqual(Array(10).fill('queued'))
    const beside = await alice.store.sublevels.historyState.getMany(entries.map((e) => ({ peerId: bobId, seq: e.seq })))
    expect(beside.map((s) => s?.state)).toEqual(Array(10).fill('sent'))
  }, 20_000)
})
