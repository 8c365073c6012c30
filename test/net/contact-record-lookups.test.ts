// Contact-record look-ups on real nodes over 127.0.0.1 (docs/network.md "Contact-record
// look-ups"): a look-up joins a DHT that gets its first peer while it runs, a miss among settled
// routing tables still ends early, and callers asking for the same peer share one look-up.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { generateKeyPair } from '@libp2p/crypto/keys'
import type { PrivateKey } from '@libp2p/interface'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import { createProvider } from '../../src/crypto/providers/index.js'
import { signContactRecord } from '../../src/net/contact-record.js'
import { ContactRecordLookups } from '../../src/net/contact-record-lookups.js'
import { publishContactRecord, resolveContactRecord } from '../../src/net/contact-records.js'
import { ContactRecordNotFoundError } from '../../src/net/errors.js'
import { createNode, type MurmurNode } from '../../src/net/node.js'

const provider = createProvider('node')
const TEST_LIMITS = { connections: { inboundConnectionThreshold: 1000 } }

async function startNode (privateKey: PrivateKey, bootstrap: string[] = []): Promise<MurmurNode> {
  return await createNode({ privateKey, listen: ['/ip4/127.0.0.1/tcp/0'], bootstrap, limits: TEST_LIMITS })
}

/** Signs and stores `key`'s record at `node` (and at whatever DHT peers it has). */
async function publish (node: MurmurNode, key: PrivateKey, sequence: bigint): Promise<void> {
  const record = signContactRecord({ sequence, addresses: [], bundle: new Uint8Array(64).fill(7), mailboxes: [], createdAt: sequence }, key, provider)
  await publishContactRecord(node, record, { provider, timeoutMs: 10_000 })
}

function tableSize (node: MurmurNode): number {
  return (node.services.lanDht as unknown as { routingTable: { size: number } }).routingTable.size
}

describe('a look-up that starts before the node has any DHT peer', () => {
  const nodes: MurmurNode[] = []
  afterAll(async () => { await Promise.all(nodes.map(async n => { await n.stop() })) })

  it('asks a DHT as soon as it gets its first peer, and finds the record there', async () => {
    // Before: a look-up asked only the DHTs that had peers when it started (none: then the WAN
    // DHT, which never gets a loopback peer), so it missed until its whole budget ran out.
    const holder = await startNode(await generateKeyPair('Ed25519'))
    const ownerKey = await generateKeyPair('Ed25519')
    const owner = await startNode(ownerKey, holder.getMultiaddrs().map(a => a.toString()))
    const resolver = await startNode(await generateKeyPair('Ed25519'))
    nodes.push(holder, owner, resolver)
    await expect.poll(() => tableSize(owner), { timeout: 15_000, interval: 20 }).toBeGreaterThan(0)
    await publish(owner, ownerKey, 5n)
    expect(tableSize(resolver)).toBe(0)

    const lookup = resolveContactRecord(resolver, owner.peerId, { provider, timeoutMs: 20_000 })
    await resolver.dial(holder.getMultiaddrs())
    const resolved = await lookup
    expect(resolved.record.sequence).toBe(5n)
  })
})

describe('look-ups among settled routing tables', () => {
  const nodes: MurmurNode[] = []
  let ownerKey: PrivateKey
  let owner: MurmurNode
  let resolver: MurmurNode

  beforeAll(async () => {
    const first = await startNode(await generateKeyPair('Ed25519'))
    nodes.push(first)
    const bootstrap = first.getMultiaddrs().map(a => a.toString())
    ownerKey = await generateKeyPair('Ed25519')
    owner = await startNode(ownerKey, bootstrap)
    resolver = await startNode(await generateKeyPair('Ed25519'), bootstrap)
    nodes.push(owner, resolver)
    for (const node of nodes) {
      await vi.waitFor(() => { // in a hook: expect.poll runs only inside a test
        if (tableSize(node) < 2) throw new Error('timed out waiting for the routing tables')
      }, { timeout: 15_000, interval: 20 })
    }
    await publish(owner, ownerKey, 9n)
  })

  afterAll(async () => { await Promise.all(nodes.map(async n => { await n.stop() })) })

  it('a miss ends once every DHT is done, long before the budget', async () => {
    const nobody = peerIdFromPrivateKey(await generateKeyPair('Ed25519'))
    const budgetMs = 30_000
    const started = performance.now()
    await expect(resolveContactRecord(resolver, nobody, { provider, timeoutMs: budgetMs })).rejects.toBeInstanceOf(ContactRecordNotFoundError)
    expect(performance.now() - started).toBeLessThan(budgetMs / 3)
  })

  it('callers asking for the same peer at once share one look-up, and a record found a moment ago is reused', async () => {
    const lookups = new ContactRecordLookups(() => resolver, provider)
    const calls = Array.from({ length: 3 }, async () => await lookups.resolve(owner.peerId, { signal: AbortSignal.timeout(20_000), timeoutMs: 20_000 }))
    const found = await Promise.all(calls)
    expect(found.map(f => f.record.sequence)).toEqual([9n, 9n, 9n])
    expect(lookups.lookups).toBe(1)

    expect((await lookups.resolve(owner.peerId, { signal: AbortSignal.timeout(20_000), timeoutMs: 20_000 })).record.sequence).toBe(9n)
    expect(lookups.lookups).toBe(1)

    // A fresh look-up (`murmur lookup`) asks the DHTs again, and sees a newer record.
    await publish(owner, ownerKey, 10n)
    expect((await lookups.resolve(owner.peerId, { signal: AbortSignal.timeout(20_000), timeoutMs: 20_000, fresh: true })).record.sequence).toBe(10n)
    expect(lookups.lookups).toBe(2)
  })

  it('a record found before is said to be reused, and once forgotten (its addresses failed) it is looked up again', async () => {
    const lookups = new ContactRecordLookups(() => resolver, provider)
    const options = { signal: AbortSignal.timeout(20_000), timeoutMs: 20_000 }
    expect((await lookups.lookup(owner.peerId, options)).reused).toBe(false)
    expect((await lookups.lookup(owner.peerId, options)).reused).toBe(true)
    expect(lookups.lookups).toBe(1)
    lookups.forget(owner.peerId)
    expect((await lookups.lookup(owner.peerId, options)).reused).toBe(false)
    expect(lookups.lookups).toBe(2)
    // One found longer ago than a caller accepts is looked up again.
    await expect.poll(async () => (await lookups.lookup(owner.peerId, { ...options, maxAgeMs: 50 })).reused, { timeout: 5_000, interval: 100 }).toBe(false)
    expect(lookups.lookups).toBe(3)
  })

  it('a caller that gives up leaves the shared look-up to the others', async () => {
    const lookups = new ContactRecordLookups(() => resolver, provider)
    const leaving = new AbortController()
    const left = lookups.resolve(owner.peerId, { signal: leaving.signal, timeoutMs: 20_000 })
    const staying = lookups.resolve(owner.peerId, { signal: AbortSignal.timeout(20_000), timeoutMs: 20_000 })
    leaving.abort(new Error('gave up'))
    await expect(left).rejects.toThrow('gave up')
    expect((await staying).record.sequence).toBeGreaterThanOrEqual(9n)
    expect(lookups.lookups).toBe(1)
  })

  it('a miss is not remembered: the next caller asks the DHTs again', async () => {
    const lookups = new ContactRecordLookups(() => resolver, provider)
    const nobody = peerIdFromPrivateKey(await generateKeyPair('Ed25519'))
    const ask = async (): Promise<unknown> => await lookups.resolve(nobody, { signal: AbortSignal.timeout(20_000), timeoutMs: 20_000 })
    await expect(ask()).rejects.toBeInstanceOf(ContactRecordNotFoundError)
    await expect(ask()).rejects.toBeInstanceOf(ContactRecordNotFoundError)
    expect(lookups.lookups).toBe(2)
  })
})
