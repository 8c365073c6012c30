// Delivered receipts owed in the receiving batch and sent later, one for a stream
// (src/messenger/delivered-receipts.ts). Real session crypto, real (memory-level) stores; the
// receipts' envelopes are taken from the receiver's outbox and handed to the sender.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { encodeBundle } from '../../src/crypto/pqxdh/index.js'
import { DeliveredReceipts, MAX_RECEIPT_IDS, PRUNE_AT_PEERS } from '../../src/messenger/delivered-receipts.js'
import { Incoming } from '../../src/messenger/incoming.js'
import { MESSAGE_ID_LENGTH } from '../../src/messenger/content.js'
import { fromHexId, hex } from '../../src/messenger/envelopes.js'
import { OutboxViews } from '../../src/messenger/outbox-views.js'
import { isReceiptEntry } from '../../src/messenger/outgoing.js'
import { parseEnvelope } from '../../src/wire/strict/envelope.js'
import { party, write, type Party } from './parties.js'
import { writtenEntry } from '../store/compliance.js'

/** Wide enough that a loaded machine's receives still count as one stream (the defaults are 10 and 250 ms). */
const TIMING = { streamGapMs: 400, maxDelayMs: 400 }

describe('delivered receipts', () => {
  let alice: Party
  let bob: Party
  let receipts: DeliveredReceipts
  let incoming: Incoming
  /** Resolvers of waiters for bob's next queued receipt. */
  let waiters: Array<() => void>

  function nextReceipt (): Promise<void> {
    return new Promise(resolve => { waiters.push(resolve) })
  }

  /** Takes bob's queued receipts out of his outbox and gives them to alice; returns how many. */
  async function handOver (): Promise<number> {
    const entries = (await bob.store.outbox(alice.ctx.peerId)).filter(isReceiptEntry)
    const batch = bob.store.batch()
    for (const e of entries) batch.deleteOutbox(e)
    await bob.store.write(batch)
    if (entries.length > 0) await alice.incoming.receive(bob.ctx.peerId, entries.map(e => parseEnvelope(e.envelope)))
    return entries.length
  }

  /** How many receipts bob owes, as stored. */
  async function owed (): Promise<number> {
    return (await bob.store.sublevels.receiptsOwed.rangeKeys({})).length
  }

  async function states (): Promise<string[]> {
    return (await alice.store.history(bob.ctx.peerId, { limit: 100, order: 'oldest' })).filter(e => e.direction === 'out').map(e => e.state)
  }

  beforeEach(async () => {
    bob = await party()
    alice = await party({ bundleOf: async () => encodeBundle(await bob.prekeys.issueBundle()) })
    waiters = []
    receipts = new DeliveredReceipts(bob.ctx, bob.outgoing, () => { for (const w of waiters.splice(0)) w() }, TIMING)
    await receipts.start()
    incoming = new Incoming(bob.ctx, bob.outgoing, () => {}, () => {}, receipts)
    // The session starts (and bob's capability and first receipt go) as before.
    await bob.incoming.receive(alice.ctx.peerId, await write(alice, bob, ['hi']))
    await handOver()
  })
  afterEach(async () => {
    await receipts.stop()
    await Promise.all([alice.store.close(), bob.store.close()])
  })

  it('answers a message that comes alone at once, and a stream with one receipt', async () => {
    const [hello, ...stream] = await write(alice, bob, ['hello', 'one', 'two', 'three'])
    // Alone: its receipt is in its own receiving batch, nothing owed.
    expect(await incoming.receive(alice.ctx.peerId, [hello])).toEqual([{ status: 'ok' }])
    expect(await owed()).toBe(0)
    expect(await handOver()).toBe(1)
    expect(await states()).toEqual(['delivered', 'delivered', 'queued', 'queued', 'queued'])
    // Right after a receipt went: these are a stream, owed (durably, in their batches) until it pauses.
    const second = nextReceipt()
    for (const envelope of stream) expect(await incoming.receive(alice.ctx.peerId, [envelope])).toEqual([{ status: 'ok' }])
    expect(await owed()).toBe(3)
    await second
    expect(await handOver()).toBe(1)
    expect(await states()).toEqual(['delivered', 'delivered', 'delivered', 'delivered', 'delivered'])
    expect(await owed()).toBe(0)
  })

  it('tells the delivery\'s outbox view of a stream\'s receipt: it goes out without the outbox being read back', async () => {
    await receipts.stop()
    const views = new OutboxViews(bob.store)
    const told: string[] = []
    receipts = new DeliveredReceipts(bob.ctx, bob.outgoing, (peerId, entry, generation) => {
      views.added(peerId, [entry], generation)
      told.push(entry.messageId)
      for (const w of waiters.splice(0)) w()
    }, TIMING)
    await receipts.start()
    incoming = new Incoming(bob.ctx, bob.outgoing, () => {}, () => {}, receipts)
    const [hello, ...stream] = await write(alice, bob, ['hello', 'one', 'two'])
    await incoming.receive(alice.ctx.peerId, [hello])
    expect(await handOver()).toBe(1)
    expect(await views.read(alice.ctx.peerId, 256)).toEqual([])
    const reads = vi.spyOn(bob.store, 'outbox')
    const queued = nextReceipt()
    for (const envelope of stream) await incoming.receive(alice.ctx.peerId, [envelope])
    await queued
    const seen = await views.read(alice.ctx.peerId, 256)
    expect(reads).not.toHaveBeenCalled()
    expect(seen.map(e => e.messageId)).toEqual(told)
    expect(seen).toEqual(await bob.store.outbox(alice.ctx.peerId))
    expect(await handOver()).toBe(1)
    expect(await states()).toEqual(['delivered', 'delivered', 'delivered', 'delivered'])
  })

  it('owes a receiving batch\'s messages in one stored entry, and reads entries stored one per message before', async () => {
    const [hello, ...stream] = await write(alice, bob, ['hello', 'one', 'two', 'three', 'four'])
    await incoming.receive(alice.ctx.peerId, [hello])
    expect(await handOver()).toBe(1)
    await incoming.receive(alice.ctx.peerId, stream.slice(0, 3))
    await incoming.receive(alice.ctx.peerId, stream.slice(3))
    const stored = await bob.store.sublevels.receiptsOwed.list()
    expect(stored.map(e => e.value.length).sort()).toEqual([1, 3])
    await receipts.stop()
    // As a store of the version before wrote them: one entry per message, an empty value each.
    const raw = bob.store.sublevels.receiptsOwed
    const ids = stored.flatMap(e => e.value)
    await bob.store.level.batch([
      ...stored.map(e => ({ type: 'del' as const, key: raw.keyCodec.encode(e.key) })),
      ...ids.map(id => ({ type: 'put' as const, key: raw.keyCodec.encode({ peerId: alice.ctx.peerId, messageId: id }), value: new Uint8Array(0) }))
    ].map(op => ({ ...op, sublevel: raw.raw })))
    expect(await owed()).toBe(4)
    receipts = new DeliveredReceipts(bob.ctx, bob.outgoing, () => { for (const w of waiters.splice(0)) w() }, TIMING)
    const again = nextReceipt()
    await receipts.start()
    await again
    expect(await owed()).toBe(0)
    expect(await handOver()).toBe(1)
    expect(await states()).toEqual(['delivered', 'delivered', 'delivered', 'delivered', 'delivered', 'delivered'])
  })

  it('sends a batch owing more ids than one receipt carries in two receipts, the rest stored until the second', async () => {
    const peer = alice.ctx.peerId
    const ids = Array.from({ length: MAX_RECEIPT_IDS + 6 }, (_, i) => new Uint8Array(MESSAGE_ID_LENGTH).map((_, j) => j < 2 ? (i >> (8 * j)) & 0xff : 9))
    const encrypted = vi.spyOn(bob.outgoing, 'addReceipt')
    await receipts.stop()
    // Stopped once the first receipt is queued: what it did not carry must be stored.
    let stopped: Promise<void> | undefined
    const first = nextReceipt()
    receipts = new DeliveredReceipts(bob.ctx, bob.outgoing, () => {
      stopped ??= receipts.stop()
      for (const w of waiters.splice(0)) w()
    }, TIMING)
    await receipts.start()
    await bob.ctx.locks.run(peer, async () => {
      const batch = bob.store.batch()
      const owedNow = receipts.owe(batch, peer, ids)
      await bob.store.write(batch)
      receipts.committed(peer, owedNow)
    })
    await first
    await stopped
    expect(encrypted.mock.calls.map(call => call[4].length)).toEqual([MAX_RECEIPT_IDS])
    const left = await bob.store.sublevels.receiptsOwed.list()
    expect(left.map(e => [e.key.messageId, e.value])).toEqual([[hex(ids[MAX_RECEIPT_IDS]), ids.slice(MAX_RECEIPT_IDS).map(hex)]])
    receipts = new DeliveredReceipts(bob.ctx, bob.outgoing, () => { for (const w of waiters.splice(0)) w() }, TIMING)
    const second = nextReceipt()
    await receipts.start()
    await second
    expect(encrypted.mock.calls.map(call => call[4].length)).toEqual([MAX_RECEIPT_IDS, 6])
    expect(await owed()).toBe(0)
  })

  it('keeps what it owes across a stop, and sends it at the next start', async () => {
    const [hello, late] = await write(alice, bob, ['hello', 'late'])
    await incoming.receive(alice.ctx.peerId, [hello])
    await handOver()
    await incoming.receive(alice.ctx.peerId, [late])
    await receipts.stop()
    expect(await handOver()).toBe(0)
    expect(await owed()).toBe(1)
    receipts = new DeliveredReceipts(bob.ctx, bob.outgoing, () => { for (const w of waiters.splice(0)) w() }, TIMING)
    const again = nextReceipt()
    await receipts.start()
    await again
    expect(await handOver()).toBe(1)
    expect(await states()).toEqual(['delivered', 'delivered', 'delivered'])
  })

  it('applies a receipt for many messages at once: each named one moves once, unknown ids change nothing', async () => {
    const peer = bob.ctx.peerId
    for (const text of ['a', 'b', 'c', 'd']) await alice.outgoing.sendText(peer, text)
    const sent = (await alice.store.history(peer, { limit: 100, order: 'oldest' })).filter(e => e.direction === 'out').slice(1)
    expect(sent.map(e => e.state)).toEqual(['queued', 'queued', 'queued', 'queued'])
    expect((await alice.store.outbox(peer)).filter(e => !isReceiptEntry(e))).toHaveLength(4)
    // Bob names a, c and d, a twice, and an id alice never used, in one receipt.
    const unknown = new Uint8Array(MESSAGE_ID_LENGTH).fill(7)
    const named = [sent[0].id, sent[2].id, sent[0].id, sent[3].id].map(fromHexId)
    await bob.ctx.locks.run(alice.ctx.peerId, async () => {
      const record = await bob.ctx.sessions.get(alice.ctx.peerId)
      if (record == null) throw new Error('bob has no session with alice')
      const batch = bob.store.batch()
      const { record: next } = await bob.outgoing.addReceipt(batch, alice.ctx.peerId, record, 'delivered', [...named, unknown], Date.now())
      bob.ctx.sessions.put(batch, alice.ctx.peerId, next)
      await bob.store.write(batch, { sync: true })
      bob.ctx.sessions.remember(alice.ctx.peerId, next)
    })
    const moved: string[] = []
    const off = alice.ctx.events.on('message:state', (e) => { moved.push(`${e.id}:${e.state}`) })
    try {
      expect(await handOver()).toBe(1)
    } finally {
      off()
    }
    expect(moved.sort()).toEqual([sent[0].id, sent[2].id, sent[3].id].map(id => `${id}:delivered`).sort())
    expect(await states()).toEqual(['delivered', 'delivered', 'queued', 'delivered', 'delivered'])
    // The entries were written once, queued; the receipt's state lies beside them (docs/store.md, "History states").
    const keys = sent.map((e) => ({ peerId: peer, seq: e.seq }))
    expect((await Promise.all(sent.map(async (e) => await writtenEntry(alice.store, peer, e.seq)))).map((e) => e?.state)).toEqual(['queued', 'queued', 'queued', 'queued'])
    expect((await alice.store.sublevels.historyState.getMany(keys)).map((s) => s?.state)).toEqual(['delivered', undefined, 'delivered', 'delivered'])
    // Delivered messages are retried no more; b still is.
    expect((await alice.store.outbox(peer)).filter(e => !isReceiptEntry(e)).map(e => e.messageId)).toEqual([sent[1].id])
  })

  it('forgets peers that stopped streaming once many are tracked, and keeps those streaming now', async () => {
    const gapMs = 50
    const many = new DeliveredReceipts(bob.ctx, bob.outgoing, () => {}, { streamGapMs: gapMs, maxDelayMs: 1_000 })
    await many.start()
    try {
      const old = Array.from({ length: PRUNE_AT_PEERS - 56 }, (_, i) => `old-${i}`)
      for (const peer of old) many.sentNow(peer)
      expect(many.tracked).toBe(old.length)
      expect(many.waits(old[0])).toBe(true)
      // Let the first ones leave their stream gap (time has to pass: nothing else ages them).
      const aged = performance.now() + gapMs + 5
      while (performance.now() < aged) await new Promise(resolve => setTimeout(resolve, gapMs))
      const fresh = Array.from({ length: 100 }, (_, i) => `fresh-${i}`)
      for (const peer of fresh) many.sentNow(peer)
      // Filling to PRUNE_AT_PEERS dropped every aged peer; the streaming ones stay.
      expect(many.tracked).toBe(fresh.length)
      expect(fresh.every(peer => many.waits(peer))).toBe(true)
      expect(many.waits(old[0])).toBe(false)
    } finally {
      await many.stop()
    }
  })
})
