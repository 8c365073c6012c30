// Mailbox numbers (docs/relay.md, "Storage"): a relay store written before numbers held its
// envelopes under their owner's peer ID (sealed in an encrypted store). The relay store's open
// moves each such mailbox to a number, one synced batch per mailbox, so that a stop anywhere
// leaves every mailbox wholly in one layout and the next open moves the rest. Real LevelDB
// stores on disk, plain and encrypted.
import { randomBytes } from 'node:crypto'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { generateKeyPair } from '@libp2p/crypto/keys'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { defaultProvider } from '../../src/crypto/providers/index.js'
import { RelayStore } from '../../src/relay/index.js'
import { deriveHomeKeys, generateDataKey } from '../../src/store/at-rest/keys.js'
import { openStore, plainCipher, sealedCipher, type Store, type StoreCipher } from '../../src/store/index.js'
import type { RelayDoor } from '../../src/store/records.js'

interface Legacy { id: string, envelope: Uint8Array, door: RelayDoor, expiresAt: number }

const newPeer = async (): Promise<string> => peerIdFromPrivateKey(await generateKeyPair('Ed25519')).toString()
const legacyEnvelope = (expiresAt: number, door: RelayDoor = 'contact'): Legacy =>
  ({ id: randomBytes(16).toString('hex'), envelope: new Uint8Array(randomBytes(150)), door, expiresAt })

/** Writes `owner`'s mailbox as the relay store wrote it before numbers: keyed by owner, one batch. */
async function writeLegacyMailbox (store: Store, owner: string, envelopes: Legacy[]): Promise<void> {
  const s = store.relaySublevels
  const batch = store.batch()
  let bytes = 0
  let first = 0
  let firstBytes = 0
  envelopes.forEach((e, i) => {
    const seq = i + 1
    batch
      .put(s.relayEnvelopes, { peerId: owner, seq }, { id: e.id, seq, envelope: e.envelope, door: e.door, storedAt: 1, expiresAt: e.expiresAt })
      .put(s.relayEnvelopeIds, { peerId: owner, hex: e.id }, { seq })
      .put(s.relayExpiry, { expiresAt: e.expiresAt, queue: 'm', peerId: owner, seq }, null)
    bytes += e.envelope.byteLength
    if (e.door === 'first') {
      first++
      firstBytes += e.envelope.byteLength
    }
  })
  batch.put(s.relayMailboxes, owner, {
    owner, number: 0, createdAt: 1, firstContactOpen: true, nextSeq: envelopes.length + 1, count: envelopes.length, bytes, firstContactCount: first, firstContactBytes: firstBytes
  })
  batch.put(s.trust, owner, { addedAt: 1 })
  await store.write(batch)
}

describe.each([
  ['plain', false],
  ['encrypted', true]
])('mailbox numbers, %s store', (_name, encrypted) => {
  const provider = defaultProvider()
  let folder: string
  let dataKey: Uint8Array
  let cipher: StoreCipher
  let store: Store
  const now = Date.now()

  /** The store's cipher, anew for each open (a closed store wipes its cipher's keys). */
  const makeCipher = (): StoreCipher => encrypted ? sealedCipher(provider, deriveHomeKeys(provider, dataKey)) : plainCipher

  beforeEach(async () => {
    folder = await mkdtemp(join(tmpdir(), 'murmur-mailbox-numbers-'))
    dataKey = generateDataKey(provider)
    cipher = makeCipher()
    store = await openStore({ path: join(folder, 'store') }, { cipher })
  })

  afterEach(async () => {
    await store.close().catch(() => {})
    await rm(folder, { recursive: true, force: true })
  })

  /** Closes the store and opens it again with the same key (a restart). */
  async function reopen (): Promise<void> {
    await store.close()
    cipher = makeCipher()
    store = await openStore({ path: join(folder, 'store') }, { cipher })
  }

  it('moves every mailbox from owner keys to its number at open: envelopes, ids, expiries and counters; no key names an owner', async () => {
    const [alice, bob, depositor] = await Promise.all([newPeer(), newPeer(), newPeer()])
    const aliceHeld = [legacyEnvelope(now + 60_000), legacyEnvelope(now + 3_600_000, 'first'), legacyEnvelope(now + 3_600_000)]
    const bobHeld = [legacyEnvelope(now + 3_600_000), legacyEnvelope(now + 60_000)]
    await writeLegacyMailbox(store, alice, aliceHeld)
    await writeLegacyMailbox(store, bob, bobHeld)

    const relay = await RelayStore.open(store, { now: () => now })
    const numbers = [relay.mailboxes.record(alice)?.number, relay.mailboxes.record(bob)?.number]
    expect(new Set(numbers).size).toBe(2)
    expect(numbers.every((n) => n !== undefined && n >= 1)).toBe(true)
    expect(relay.status(alice)).toMatchObject({ count: 3 })
    const s = store.relaySublevels
    expect(await s.relayEnvelopes.rangeKeys({})).toEqual([])
    expect(await s.relayEnvelopeIds.rangeKeys({})).toEqual([])
    const expiries = (await s.relayExpiry.rangeKeys({})).map((key) => s.relayExpiry.keyCodec.decode(key, 'relayExpiry'))
    expect(expiries).toHaveLength(5)
    expect(expiries.every((k) => k.queue === 'n')).toBe(true)
    // What the owners' keys were: the peer ID, or its sealed form in an encrypted store.
    const keys = [...await s.relayHeld.rangeKeys({}), ...await s.relayHeldIds.rangeKeys({}), ...await s.relayExpiry.rangeKeys({})]
    expect(keys).toHaveLength(15)
    for (const owner of [alice, bob]) {
      expect(keys.some((key) => key.includes(owner) || key.includes(cipher.sealName(owner)))).toBe(false)
    }

    // Served as before, in deposit order, with their doors.
    const page = await relay.mailboxes.fetch(alice, 0, 10, 1 << 20)
    expect(page?.envelopes.map((e) => [e.id, e.seq, e.door])).toEqual(aliceHeld.map((e, i) => [e.id, i + 1, e.door]))
    expect(page?.envelopes[1].envelope).toEqual(aliceHeld[1].envelope)
    // A moved id is still a duplicate; a new deposit continues the mailbox's seqs.
    const again = { depositor, recipient: alice, id: aliceHeld[2].id, envelope: aliceHeld[2].envelope, expiresAt: 0 }
    expect(await relay.deposit(again, 'trusted')).toMatchObject({ stored: true, duplicate: true })
    const fresh = { ...again, id: randomBytes(16).toString('hex') }
    expect(await relay.deposit(fresh, 'trusted')).toMatchObject({ stored: true, duplicate: false })
    expect((await relay.mailboxes.fetch(alice, 3, 10, 1 << 20))?.envelopes.map((e) => [e.id, e.seq])).toEqual([[fresh.id, 4]])
    // Acks and the sweeper find the moved envelopes by number.
    expect(await relay.mailboxes.ack(alice, [aliceHeld[2].id])).toBe(1)
    expect(await relay.sweep(now + 120_000)).toBe(2)
    expect((await relay.mailboxes.fetch(alice, 0, 10, 1 << 20))?.envelopes.map((e) => e.id)).toEqual([aliceHeld[1].id, fresh.id])
    expect((await relay.mailboxes.fetch(bob, 0, 10, 1 << 20))?.envelopes.map((e) => e.id)).toEqual([bobHeld[0].id])
    expect(relay.status(alice)).toMatchObject({ count: 2, firstContactCount: 1 })
    expect(relay.status(bob)).toMatchObject({ count: 1 })
  })

  it('a store left half moved: the next open moves the rest, numbers are never given twice, and a moved store stays as it is', async () => {
    const [alice, bob, carol] = await Promise.all([newPeer(), newPeer(), newPeer()])
    // alice's mailbox is numbered (made by this version), bob's is not: as after a stop between
    // the two mailboxes' batches.
    let relay = await RelayStore.open(store, { now: () => now })
    await relay.trust.add(alice)
    expect(await relay.register(alice)).toBe(true)
    const aliceNumber = relay.mailboxes.record(alice)?.number
    const id = randomBytes(16).toString('hex')
    expect(await relay.deposit({ depositor: bob, recipient: alice, id, envelope: new Uint8Array(10), expiresAt: now + 60_000 }, 'contact')).toMatchObject({ stored: true })
    const bobHeld = [legacyEnvelope(now + 60_000), legacyEnvelope(now + 60_000)]
    await writeLegacyMailbox(store, bob, bobHeld)
    await reopen()

    relay = await RelayStore.open(store, { now: () => now })
    expect(relay.mailboxes.record(alice)?.number).toBe(aliceNumber)
    const bobNumber = relay.mailboxes.record(bob)?.number
    expect(bobNumber).toBeGreaterThan(aliceNumber ?? Infinity)
    expect((await relay.mailboxes.fetch(alice, 0, 10, 1 << 20))?.envelopes.map((e) => e.id)).toEqual([id])
    expect((await relay.mailboxes.fetch(bob, 0, 10, 1 << 20))?.envelopes.map((e) => e.id)).toEqual(bobHeld.map((e) => e.id))
    await relay.trust.add(carol)
    expect(await relay.register(carol)).toBe(true)
    const carolNumber = relay.mailboxes.record(carol)?.number
    expect(carolNumber).toBeGreaterThan(bobNumber ?? Infinity)

    // Everything moved: an open writes nothing and every number stays.
    await reopen()
    relay = await RelayStore.open(store, { now: () => now })
    expect(store.stats().writes).toBe(0)
    expect([alice, bob, carol].map((p) => relay.mailboxes.record(p)?.number)).toEqual([aliceNumber, bobNumber, carolNumber])
    expect(relay.status(bob)).toMatchObject({ count: 2 })
  })
})
