// The relay's durable state (src/relay/store/) on a real store, without the network: deposits
// into one mailbox that arrive together are decided together (in call order, one batch per
// group), repeats of an id are duplicates, and a write that fails takes back what it reserved.
import { randomBytes } from 'node:crypto'
import { generateKeyPair } from '@libp2p/crypto/keys'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { RelayStore } from '../../src/relay/index.js'
import { openStore, type Store } from '../../src/store/index.js'

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

  it('a write that fails stores nothing and takes back the counters it reserved', async () => {
    expect((await deposit(hexId())).stored).toBe(true)
    await store.close()
    const failed = await Promise.allSettled([deposit(hexId()), deposit(hexId())])
    expect(failed.map(f => f.status)).toEqual(['rejected', 'rejected'])
    expect(relay.status(owner)).toMatchObject({ count: 1 })
  })
})
