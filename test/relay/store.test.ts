// The relay's durable state (src/relay/store/) on a real store, without the network: deposits
// into one mailbox that arrive together are decided together (in call order, one batch per
// group), repeats of an id are duplicates, a write that fails takes back what it reserved, and
// a held push acknowledged late deletes only what is still stored (plain and encrypted stores).
import { randomBytes } from 'node:crypto'
import { generateKeyPair } from '@libp2p/crypto/keys'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { defaultProvider } from '../../src/crypto/providers/index.js'
import { RelayStore } from '../../src/relay/index.js'
import type { HeldEnvelope } from '../../src/relay/store/index.js'
import { deriveHomeKeys, generateDataKey } from '../../src/store/at-rest/keys.js'
import { openStore, plainCipher, sealedCipher, type Store, type StoreCipher } from '../../src/store/index.js'

const hexId = (): string => randomBytes(16).toString('hex')

describe('RelayStore', () => {
  let store: Store
  let relay: RelayStore
  let owner: string
  let depositor: string

  beforeEach(async () => {
    store = await openStore({ memory: true })
    relay = await RelayStore.open(store)
    owner = peerIdFromPrivateKey(await generateKeyPair('Ed25519')).toString()
    depositor = peerIdFromPrivateKey(await generateKeyPair('Ed25519')).toString()
    await relay.trust.add(owner)
    expect(await relay.register(owner)).toBe(true)
  })

  afterEach(async () => {
    await store.close().catch(() => {})
  })

  function deposit (id: string): ReturnType<RelayStore['deposit']> {
    return relay.deposit({ depositor, recipient: owner, id, envelope: new Uint8Array(randomBytes(120)), expiresAt: 0 }, 'trusted')
  }

  it('decides concurrent deposits into one mailbox together: call order kept, repeats duplicate, far fewer writes than deposits', async () => {
    const ids = Array.from({ length: 50 }, hexId)
    const writesBefore = store.stats().writes
    const outcomes = await Promise.all([...ids, ids[3], ids[7]].map(deposit))
    expect(outcomes.slice(0, 50).every(o => o.stored && !o.duplicate)).toBe(true)
    expect(outcomes.slice(50)).toEqual([{ stored: true, duplicate: true, route: 'trusted' }, { stored: true, duplicate: true, route: 'trusted' }])
    expect(store.stats().writes - writesBefore).toBeLessThan(10)
    const page = await relay.mailboxes.fetch(owner, 0, 100, 1 << 20)
    expect(page?.envelopes.map(e => e.id)).toEqual(ids)
    expect(relay.status(owner)?.count).toBe(50)
    // Once durable, a repeat is found in the id index.
    expect(await deposit(ids[0])).toEqual({ stored: true, duplicate: true, route: 'trusted' })
  })

  it('decides deposits made in one turn of the event loop together, even when each was made after the one before was decided', async () => {
    // As requests read from separate sockets in one poll phase arrive: each call after the
    // promise chains of the one before have run (the lock free again), none in a later turn.
    const ids = Array.from({ length: 5 }, hexId)
    const commitsBefore = store.stats().commits
    const outcomes: Array<ReturnType<typeof deposit>> = []
    for (const id of ids) {
      outcomes.push(deposit(id))
      for (let i = 0; i < 20; i++) await Promise.resolve()
    }
    expect((await Promise.all(outcomes)).every(o => o.stored && !o.duplicate)).toBe(true)
    // One group: one batch committed for the five.
    expect(store.stats().commits - commitsBefore).toBe(1)
    const page = await relay.mailboxes.fetch(owner, 0, 100, 1 << 20)
    expect(page?.envelopes.map(e => [e.id, e.seq])).toEqual(ids.map((id, i) => [id, i + 1]))
  })

  it('a write that fails stores nothing and takes back the counters it reserved', async () => {
    expect((await deposit(hexId())).stored).toBe(true)
    await store.close()
    const failed = await Promise.allSettled([deposit(hexId()), deposit(hexId())])
    expect(failed.map(f => f.status)).toEqual(['rejected', 'rejected'])
    expect(relay.status(owner)).toMatchObject({ count: 1 })
  })
})

/** A cipher under a fresh data key, as in a home with a passphrase. */
function encryptedCipher (): StoreCipher {
  const provider = defaultProvider()
  return sealedCipher(provider, deriveHomeKeys(provider, generateDataKey(provider)))
}

describe.each([
  ['unencrypted', (): StoreCipher => plainCipher],
  ['encrypted', encryptedCipher]
] as const)('RelayStore.mailboxes.ackHeld on an %s store', (_, cipher) => {
  let store: Store
  let relay: RelayStore
  let owner: string

  beforeEach(async () => {
    store = await openStore({ memory: true }, { cipher: cipher() })
    relay = await RelayStore.open(store)
    owner = peerIdFromPrivateKey(await generateKeyPair('Ed25519')).toString()
    await relay.trust.add(owner)
    expect(await relay.register(owner)).toBe(true)
  })

  afterEach(async () => {
    await store.close().catch(() => {})
  })

  async function deposit (id: string): Promise<void> {
    const outcome = await relay.deposit({ depositor: owner, recipient: owner, id, envelope: new Uint8Array(randomBytes(120)), expiresAt: 0 }, 'trusted')
    expect(outcome).toMatchObject({ stored: true, duplicate: false })
  }

  async function held (): Promise<HeldEnvelope[]> {
    const page = await relay.mailboxes.fetch(owner, 0, 100, 1 << 20)
    return (page?.envelopes ?? []).map(e => ({ id: e.id, seq: e.seq, door: e.door, expiresAt: e.expiresAt, size: e.envelope.byteLength }))
  }

  it('deletes what a push held, and nothing that an earlier ack deleted or a re-deposit of the same id stored at a new seq', async () => {
    const ids = [hexId(), hexId(), hexId()]
    for (const id of ids) await deposit(id)
    const push = await held()
    expect(push.map(e => e.seq)).toEqual([1, 2, 3])
    // Envelope 0 acked by id first, then deposited again: same id, seq 4.
    expect(await relay.mailboxes.ack(owner, [ids[0]])).toBe(1)
    await deposit(ids[0])
    expect(await relay.mailboxes.ackHeld(owner, push)).toBe(2)
    const left = await held()
    expect(left.map(e => [e.id, e.seq])).toEqual([[ids[0], 4]])
    expect(relay.status(owner)).toMatchObject({ count: 1, bytes: 120 })
    // The same push acknowledged again deletes nothing more.
    expect(await relay.mailboxes.ackHeld(owner, push)).toBe(0)
    expect(await relay.mailboxes.ackHeld(owner, left)).toBe(1)
    expect(relay.status(owner)).toMatchObject({ count: 0, bytes: 0 })
    expect(await held()).toEqual([])
    // The id index was emptied with the records: the id can be deposited again.
    await deposit(ids[1])
  })
})
