// The mailbox protocol between real libp2p nodes on 127.0.0.1 with a memory-level relay store:
// trust and registration, both deposit doors, idempotency, quotas, size cap, fetch pages,
// subscribe pushes, acks, TTL sweep, prekeys, delivery. Every refusal leaves the store as it was.
import { randomBytes } from 'node:crypto'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { openStore, type Store } from '../../src/store/index.js'
import { systemClock } from '../../src/runtime/clock.js'
import { createRelaySublevels } from '../../src/store/layout.js'
import {
  capabilityHash, EnvelopeTooLargeError, InvalidRelayRequestError, MailboxNotFoundError, MailboxQuotaError, MAX_ENVELOPE_BYTES, NoPrekeysLeftError,
  RelayRefusedError,
  type FetchedEnvelope
} from '../../src/relay/index.js'
import { Envelope } from '../../src/wire/envelope.js'
import { hex, makeEnvelope, startNode, type RelayNode } from './helpers.js'

const QUOTA = 30
const FIRST_CONTACT_QUOTA = 3

describe('mailbox protocol', () => {
  let store: Store
  let relay: RelayNode
  let alice: RelayNode
  let carol: RelayNode
  let gina: RelayNode
  let hank: RelayNode
  let ivy: RelayNode
  let dave: RelayNode
  let erin: RelayNode
  let mallory: RelayNode
  const capability = new Uint8Array(randomBytes(32))

  let clockSkewMs = 0

  async function storedKeys (): Promise<string[]> {
    return createRelaySublevels(store.level).relayHeld.rangeKeys({})
  }

  beforeAll(async () => {
    store = await openStore({ memory: true })
    relay = await startNode({
      store,
      limits: { mailboxMaxCount: QUOTA, firstContactMaxCount: FIRST_CONTACT_QUOTA, maxPrekeysHeld: 100 },
      rates: { deposit: { burst: 1000, perSecond: 1 }, firstContact: { burst: 10, perSecond: 0.01 }, prekey: { burst: 100, perSecond: 1 } },
      sweepIntervalMs: 0,
      // The relay's clock, moved forward by tests instead of sleeping through a TTL.
      clock: { ...systemClock, now: () => Date.now() + clockSkewMs }
    });
    [alice, carol, gina, hank, ivy, dave, erin, mallory] = await Promise.all(Array.from({ length: 8 }, async () => startNode()))
    for (const owner of [alice, carol, gina, hank, ivy]) await relay.services.mailbox.trust.add(owner.peerId)
    await Promise.all([alice, carol, gina, hank, ivy, dave, erin, mallory].map(async (n) => n.dial(relay.getMultiaddrs())))
  })

  afterEach(() => { clockSkewMs = 0 })

  afterAll(async () => {
    await Promise.all([relay, alice, carol, gina, hank, ivy, dave, erin, mallory].map(async (n) => n?.stop()))
    await store?.close()
  })

  it('registers a mailbox for a trusted owner and answers NOT_FOUND to anyone else', async () => {
    expect(relay.services.mailbox.trust.list().map((t) => t.peerId)).toContain(alice.peerId.toString())
    for (const owner of [alice, carol, gina, hank, ivy]) await owner.services.mailbox.register(relay.peerId)
    await alice.services.mailbox.register(relay.peerId) // idempotent
    await expect(mallory.services.mailbox.register(relay.peerId)).rejects.toBeInstanceOf(MailboxNotFoundError)
    await expect(mallory.services.mailbox.status(relay.peerId)).rejects.toBeInstanceOf(MailboxNotFoundError)
    const status = await alice.services.mailbox.status(relay.peerId)
    expect(status).toMatchObject({ count: 0, bytes: 0, maxCount: QUOTA, firstContactOpen: true, prekeysRemaining: 0 })
    expect(relay.services.mailbox.stats().mailboxes).toBe(5)
  })

  it('contacts door: a valid capability deposits; a wrong or revoked one, or none, is NOT_FOUND', async () => {
    await alice.services.mailbox.addCapabilities(relay.peerId, [capabilityHash(capability)])
    expect((await alice.services.mailbox.status(relay.peerId)).capabilities).toBe(1)
    const env = makeEnvelope(alice.peerId)
    expect(await dave.services.mailbox.deposit(relay.peerId, env.bytes, { capability })).toEqual({ status: 'stored', duplicate: false })
    const before = await storedKeys()
    const wrong = new Uint8Array(randomBytes(32))
    await expect(dave.services.mailbox.deposit(relay.peerId, makeEnvelope(alice.peerId).bytes, { capability: wrong })).rejects.toBeInstanceOf(MailboxNotFoundError)
    // No capability and not a PREKEY envelope: the first-contact door does not take it.
    await expect(dave.services.mailbox.deposit(relay.peerId, makeEnvelope(alice.peerId).bytes)).rejects.toBeInstanceOf(MailboxNotFoundError)
    // No mailbox for mallory here, and dave is not trusted: NOT_FOUND, the same answer.
    await expect(dave.services.mailbox.deposit(relay.peerId, makeEnvelope(mallory.peerId).bytes, { capability })).rejects.toBeInstanceOf(MailboxNotFoundError)
    await alice.services.mailbox.removeCapabilities(relay.peerId, [capabilityHash(capability)])
    await expect(dave.services.mailbox.deposit(relay.peerId, makeEnvelope(alice.peerId).bytes, { capability })).rejects.toBeInstanceOf(MailboxNotFoundError)
    expect(await storedKeys()).toEqual(before)
    await alice.services.mailbox.addCapabilities(relay.peerId, [capabilityHash(capability)])

    // Only the owner reads or acknowledges.
    await expect(mallory.services.mailbox.fetch(relay.peerId)).rejects.toBeInstanceOf(MailboxNotFoundError)
    await expect(mallory.services.mailbox.ack(relay.peerId, [env.id])).rejects.toBeInstanceOf(MailboxNotFoundError)
    const page = await alice.services.mailbox.fetch(relay.peerId)
    expect(page.envelopes.map((e) => hex(e.bytes))).toEqual([hex(env.bytes)])
    expect(hex(page.envelopes[0].id)).toBe(hex(env.id))
  })

  it('first-contact door: PREKEY envelopes without capability, its own small quota, closable', async () => {
    for (let i = 0; i < FIRST_CONTACT_QUOTA; i++) {
      await erin.services.mailbox.deposit(relay.peerId, makeEnvelope(carol.peerId, { kind: Envelope.Kind.PREKEY }).bytes)
    }
    const before = await storedKeys()
    await expect(erin.services.mailbox.deposit(relay.peerId, makeEnvelope(carol.peerId, { kind: Envelope.Kind.PREKEY }).bytes))
      .rejects.toBeInstanceOf(MailboxQuotaError)
    let status = await carol.services.mailbox.status(relay.peerId)
    expect(status).toMatchObject({ count: FIRST_CONTACT_QUOTA, firstContactCount: FIRST_CONTACT_QUOTA })
    await carol.services.mailbox.setFirstContact(relay.peerId, false)
    await expect(erin.services.mailbox.deposit(relay.peerId, makeEnvelope(ivy.peerId, { kind: Envelope.Kind.PREKEY }).bytes)).resolves.toMatchObject({ status: 'stored' })
    const closed = await storedKeys()
    await carol.services.mailbox.ack(relay.peerId, (await carol.services.mailbox.fetch(relay.peerId)).envelopes.map((e) => e.id))
    await expect(erin.services.mailbox.deposit(relay.peerId, makeEnvelope(carol.peerId, { kind: Envelope.Kind.PREKEY }).bytes))
      .rejects.toBeInstanceOf(MailboxNotFoundError)
    status = await carol.services.mailbox.status(relay.peerId)
    expect(status).toMatchObject({ count: 0, firstContactCount: 0, firstContactOpen: false })
    expect(before.length + 1).toBe(closed.length)
  })

  it('is idempotent by envelope id, also for concurrent duplicates', async () => {
    const env = makeEnvelope(alice.peerId)
    const count = (await alice.services.mailbox.status(relay.peerId)).count
    const results = await Promise.all([1, 2, 3].map(async () => dave.services.mailbox.deposit(relay.peerId, env.bytes, { capability })))
    expect(results.filter((r) => !r.duplicate)).toHaveLength(1)
    expect(await dave.services.mailbox.deposit(relay.peerId, env.bytes, { capability })).toEqual({ status: 'stored', duplicate: true })
    expect((await alice.services.mailbox.status(relay.peerId)).count).toBe(count + 1)
  })

  it('a full mailbox answers QUOTA and evicts nothing; oversized is TOO_LARGE; other mailboxes unaffected', async () => {
    await gina.services.mailbox.addCapabilities(relay.peerId, [capabilityHash(capability)])
    const ids: string[] = []
    for (let i = 0; i < QUOTA; i++) {
      const env = makeEnvelope(gina.peerId)
      ids.push(hex(env.id))
      await dave.services.mailbox.deposit(relay.peerId, env.bytes, { capability })
    }
    const full = await storedKeys()
    await expect(dave.services.mailbox.deposit(relay.peerId, makeEnvelope(gina.peerId).bytes, { capability })).rejects.toBeInstanceOf(MailboxQuotaError)
    // Just over the cap: refused by the relay as TOO_LARGE.
    const big = makeEnvelope(alice.peerId, { payloadBytes: MAX_ENVELOPE_BYTES })
    expect(big.bytes.byteLength).toBeGreaterThan(MAX_ENVELOPE_BYTES)
    await expect(dave.services.mailbox.deposit(relay.peerId, big.bytes, { capability })).rejects.toBeInstanceOf(EnvelopeTooLargeError)
    // Already expired: refused, not stored.
    await expect(dave.services.mailbox.deposit(relay.peerId, makeEnvelope(alice.peerId, { expiresAt: Date.now() - 1000 }).bytes, { capability }))
      .rejects.toMatchObject({ refusal: 'EXPIRED' })
    // Not an envelope at all.
    await expect(dave.services.mailbox.deposit(relay.peerId, Uint8Array.of(0xff, 0xff, 0xff), { capability })).rejects.toMatchObject({ refusal: 'MALFORMED' })
    expect(await storedKeys()).toEqual(full)
    const page = await gina.services.mailbox.fetch(relay.peerId, { limit: 1000 })
    expect(page.envelopes.map((e) => hex(e.id))).toEqual(ids)
    expect(await dave.services.mailbox.deposit(relay.peerId, makeEnvelope(alice.peerId).bytes, { capability })).toMatchObject({ duplicate: false })
  })

  it('fetches in pages in deposit order; nothing is deleted before its ack; ack deletes', async () => {
    await hank.services.mailbox.addCapabilities(relay.peerId, [capabilityHash(capability)])
    const ids: string[] = []
    for (let i = 0; i < 25; i++) {
      const env = makeEnvelope(hank.peerId)
      ids.push(hex(env.id))
      await erin.services.mailbox.deposit(relay.peerId, env.bytes, { capability })
    }
    const seen: FetchedEnvelope[] = []
    let cursor = 0
    let pages = 0
    while (true) {
      const page = await hank.services.mailbox.fetch(relay.peerId, { cursor, limit: 10 })
      seen.push(...page.envelopes)
      cursor = page.cursor
      pages++
      if (!page.more) break
    }
    expect(pages).toBe(3)
    expect(seen.map((e) => hex(e.id))).toEqual(ids)
    expect((await hank.services.mailbox.fetch(relay.peerId, { limit: 100 })).envelopes).toHaveLength(25)
    await hank.services.mailbox.ack(relay.peerId, seen.slice(0, 10).map((e) => e.id))
    const rest = await hank.services.mailbox.fetch(relay.peerId, { limit: 100 })
    expect(rest.envelopes.map((e) => hex(e.id))).toEqual(ids.slice(10))
    expect((await hank.services.mailbox.status(relay.peerId)).count).toBe(15)
  })

  it('subscribe pushes stored envelopes, then new deposits; each push is acked and deleted', async () => {
    await ivy.services.mailbox.addCapabilities(relay.peerId, [capabilityHash(capability)])
    const pre = await ivy.services.mailbox.fetch(relay.peerId)
    const expected = pre.envelopes.map((e) => hex(e.id))
    for (let i = 0; i < 3; i++) {
      const env = makeEnvelope(ivy.peerId)
      expected.push(hex(env.id))
      await dave.services.mailbox.deposit(relay.peerId, env.bytes, { capability })
    }
    const got: string[] = []
    const controller = new AbortController()
    const done = ivy.services.mailbox.subscribe(relay.peerId, async (envelopes) => { got.push(...envelopes.map((e) => hex(e.id))) }, { signal: controller.signal })
    await expect.poll(() => got.length === expected.length, { timeout: 10_000, interval: 20, message: 'stored envelopes pushed' }).toBe(true)
    for (let i = 0; i < 2; i++) {
      const env = makeEnvelope(ivy.peerId)
      expected.push(hex(env.id))
      await dave.services.mailbox.deposit(relay.peerId, env.bytes, { capability })
    }
    await expect.poll(() => got.length === expected.length, { timeout: 10_000, interval: 20, message: 'new deposits pushed' }).toBe(true)
    expect(got).toEqual(expected)
    await expect.poll(async () => (await ivy.services.mailbox.status(relay.peerId)).count === 0, { timeout: 10_000, interval: 20, message: 'acks applied' }).toBe(true)
    controller.abort()
    await done
    await expect(mallory.services.mailbox.subscribe(relay.peerId, async () => {})).rejects.toBeInstanceOf(MailboxNotFoundError)
  })

  it('sweeps expired envelopes and counts them; clamps TTLs to the maximum', async () => {
    const before = relay.services.mailbox.stats().expired
    const short = makeEnvelope(alice.peerId, { expiresAt: Date.now() + 60_000 })
    const far = makeEnvelope(alice.peerId, { expiresAt: Date.now() + 365 * 24 * 3600_000 })
    await dave.services.mailbox.deposit(relay.peerId, short.bytes, { capability })
    await dave.services.mailbox.deposit(relay.peerId, far.bytes, { capability })
    const records = await createRelaySublevels(store.level).relayHeld.range({})
    const farRecord = records.map(([, r]) => r).find((r) => r.id === hex(far.id))
    expect(farRecord?.expiresAt).toBeLessThanOrEqual(Date.now() + 30 * 24 * 3600_000)
    expect(await relay.services.mailbox.sweep()).toBe(0)
    clockSkewMs = 61_000
    expect(await relay.services.mailbox.sweep()).toBe(1)
    expect(relay.services.mailbox.stats().expired).toBe(before + 1)
    const ids = (await alice.services.mailbox.fetch(relay.peerId, { limit: 1000 })).envelopes.map((e) => hex(e.id))
    expect(ids).not.toContain(hex(short.id))
    expect(ids).toContain(hex(far.id))
  })

  it('prekeys: upload in chunks, anyone takes one per request (each different), NOT_FOUND for no mailbox, QUOTA above the cap', async () => {
    const bundles = Array.from({ length: 60 }, (_, i) => Uint8Array.from([i, ...randomBytes(300)]))
    expect(await alice.services.mailbox.uploadPrekeys(relay.peerId, bundles)).toEqual({ remaining: 60 })
    const taken = await Promise.all([1, 2, 3].map(async () => dave.services.mailbox.takePrekey(relay.peerId, alice.peerId)))
    expect(new Set(taken.map(hex)).size).toBe(3)
    for (const t of taken) expect(bundles.map(hex)).toContain(hex(t))
    expect((await alice.services.mailbox.status(relay.peerId)).prekeysRemaining).toBe(57)
    await expect(dave.services.mailbox.takePrekey(relay.peerId, mallory.peerId)).rejects.toBeInstanceOf(MailboxNotFoundError)
    await expect(alice.services.mailbox.uploadPrekeys(relay.peerId, bundles)).rejects.toBeInstanceOf(MailboxQuotaError)
    expect((await alice.services.mailbox.status(relay.peerId)).prekeysRemaining).toBe(57)
  })

  it('prekeys: a replacement takes the place of every bundle held, in one request, even at the cap; it is refused whole when too large', async () => {
    // Continues from the test above: 57 of alice's bundles are held.
    const replacement = Array.from({ length: 20 }, (_, i) => Uint8Array.from([200, i, ...randomBytes(300)]))
    expect(await alice.services.mailbox.uploadPrekeys(relay.peerId, replacement, { replace: true })).toEqual({ remaining: 20 })
    const taken = await Promise.all(Array.from({ length: 5 }, async () => await dave.services.mailbox.takePrekey(relay.peerId, alice.peerId)))
    for (const t of taken) expect(replacement.map(hex)).toContain(hex(t))
    // Filled to the cap (maxPrekeysHeld, 100 here), a replacement is still taken: it holds no
    // more than it brings.
    const fill = Array.from({ length: 85 }, (_, i) => Uint8Array.from([201, i, ...randomBytes(40)]))
    expect(await alice.services.mailbox.uploadPrekeys(relay.peerId, fill)).toEqual({ remaining: 100 })
    const last = [Uint8Array.from([202, ...randomBytes(300)])]
    expect(await alice.services.mailbox.uploadPrekeys(relay.peerId, last, { replace: true })).toEqual({ remaining: 1 })
    expect(hex(await dave.services.mailbox.takePrekey(relay.peerId, alice.peerId))).toBe(hex(last[0]))
    await expect(dave.services.mailbox.takePrekey(relay.peerId, alice.peerId)).rejects.toBeInstanceOf(NoPrekeysLeftError)
    // More than one request's worth is refused before anything is sent: a replacement in parts
    // would leave the relay half replaced.
    await expect(alice.services.mailbox.uploadPrekeys(relay.peerId, fill, { replace: true })).rejects.toBeInstanceOf(InvalidRelayRequestError)
    expect((await alice.services.mailbox.status(relay.peerId)).prekeysRemaining).toBe(0)
  })

  it('deliver: hands envelopes to the recipient node handler; NOT_FOUND without a handler', async () => {
    const env = makeEnvelope(erin.peerId)
    await expect(relay.services.mailbox.deliver(erin.peerId, [env.bytes])).rejects.toBeInstanceOf(MailboxNotFoundError)
    const received: Array<{ from: string, bytes: string[] }> = []
    erin.services.mailbox.setDeliveryHandler(async (from, envelopes) => { received.push({ from: from.toString(), bytes: envelopes.map(hex) }) })
    await relay.services.mailbox.deliver(erin.peerId, [env.bytes])
    expect(received).toEqual([{ from: relay.peerId.toString(), bytes: [hex(env.bytes)] }])
    erin.services.mailbox.setDeliveryHandler(async () => { throw new Error('disk full') })
    await expect(relay.services.mailbox.deliver(erin.peerId, [env.bytes])).rejects.toMatchObject({ refusal: 'INTERNAL' })
    expect(new RelayRefusedError('QUOTA').refusal).toBe('QUOTA')
  })
})
