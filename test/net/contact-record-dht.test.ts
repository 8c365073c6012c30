// Contact records and peer lookup through a real DHT: a bootstrap node and four others on
// 127.0.0.1 (TCP), plus a late joiner that knows only the bootstrap node.
import { describe, it, expect, beforeAll, afterAll, vi } from 'vitest'
import { generateKeyPair } from '@libp2p/crypto/keys'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import { kadDHT, passthroughMapper, type SingleKadDHT } from '@libp2p/kad-dht'
import type { PeerId, PrivateKey } from '@libp2p/interface'
import type { Multiaddr } from '@multiformats/multiaddr'
import { createProvider } from '../../src/crypto/providers/index.js'
import { createNode, findPeer, MURMUR_LAN_DHT_PROTOCOL, type CreateNodeOptions, type MurmurNode } from '../../src/net/node.js'
import { contactRecordKey, ContactRecord, signContactRecord, type UnsignedContactRecord } from '../../src/net/contact-record.js'
import {
  ContactRecordRepublisher, publishContactRecord, resolveContactRecord, type PublishResult
} from '../../src/net/contact-records.js'
import { ContactRecordNotFoundError, PeerNotFoundError } from '../../src/net/errors.js'
import { startSilentPeer } from './silent-peer.js'

const provider = createProvider('node')
const TEST_LIMITS = { connections: { inboundConnectionThreshold: 1000 } }

async function startNode (privateKey: PrivateKey, bootstrap: string[] = []): Promise<MurmurNode> {
  return await createNode({
    privateKey, listen: ['/ip4/127.0.0.1/tcp/0'], bootstrap, limits: TEST_LIMITS
  })
}

/** the LAN DHT's routing table (loopback peers live there) has `find`, though its public type only shows `size`. */
async function inRoutingTable (node: MurmurNode, peer: PeerId): Promise<boolean> {
  const dht = node.services.lanDht as unknown as { routingTable: { find(peer: PeerId): Promise<PeerId | undefined> } }
  return (await dht.routingTable.find(peer)) != null
}


function tcpPort (ma: Multiaddr): string | undefined {
  return ma.getComponents().find(c => c.name === 'tcp')?.value
}

function unsigned (sequence: bigint, bundleByte = 1): UnsignedContactRecord {
  return { sequence, addresses: [], bundle: new Uint8Array(64).fill(bundleByte), mailboxes: [], createdAt: sequence }
}

describe('contact records and peer lookup in the DHT', () => {
  const nodes: MurmurNode[] = []
  const keys: PrivateKey[] = []
  let bootstrapNode: MurmurNode

  beforeAll(async () => {
    bootstrapNode = await startNode(await generateKeyPair('Ed25519'))
    nodes.push(bootstrapNode)
    const bootstrapList = bootstrapNode.getMultiaddrs().map(ma => ma.toString())
    for (let i = 0; i < 4; i++) {
      const key = await generateKeyPair('Ed25519')
      keys.push(key)
      nodes.push(await startNode(key, bootstrapList))
    }
    for (const node of nodes) {
      await vi.waitFor(() => { // in a hook: expect.poll runs only inside a test
        if ((node.services.lanDht as SingleKadDHT).routingTable.size === 0) throw new Error('timed out waiting for the routing tables')
      }, { timeout: 10_000, interval: 20 })
    }
  })

  afterAll(async () => {
    await Promise.all(nodes.map(async node => { await node.stop() }))
  })

  it('a late joiner finds every node by peer ID alone, through the DHT', async () => {
    const late = await startNode(await generateKeyPair('Ed25519'), bootstrapNode.getMultiaddrs().map(ma => ma.toString()))
    nodes.push(late)
    await expect.poll(() => late.getConnections().length > 0, { timeout: 10_000, interval: 20, message: 'the bootstrap connection' }).toBe(true)
    for (const target of nodes.slice(1, 5)) {
      const started = Date.now()
      const info = await findPeer(late, target.peerId, { timeoutMs: 10_000 })
      expect(info.id.equals(target.peerId)).toBe(true)
      const listenPort = tcpPort(target.getMultiaddrs()[0])
      expect(info.multiaddrs.some(ma => tcpPort(ma) === listenPort)).toBe(true)
      expect(Date.now() - started).toBeLessThan(10_000)
      // The addresses are real: dial and ping.
      const rtt = await late.services.ping.ping(info.multiaddrs, { signal: AbortSignal.timeout(5_000) })
      expect(rtt).toBeGreaterThanOrEqual(0)
    }
  })

  it('findPeer gives up with PeerNotFoundError for an unknown peer', async () => {
    const stranger = peerIdFromPrivateKey(await generateKeyPair('Ed25519'))
    // It gives up at its timeout, whatever the timeout: the LAN DHT's query ends without the
    // peer, and the WAN DHT, with no peer on loopback, waits for one until the timeout.
    await expect(findPeer(nodes[1], stranger, { timeoutMs: 1_000 })).rejects.toBeInstanceOf(PeerNotFoundError)
  })

  it('a record put by one node is resolved by the others, and a newer sequence replaces it', async () => {
    const [, publisher, , resolverA, resolverB] = nodes
    const owner = keys[0]
    const first = await publishContactRecord(publisher, signContactRecord(unsigned(10n, 1), owner, provider), { provider })
    expect(first.accepted).toBeGreaterThan(0)
    expect(first.rejected).toBe(0)
    for (const resolver of [resolverA, resolverB]) {
      const resolved = await resolveContactRecord(resolver, publisher.peerId, { provider, timeoutMs: 10_000 })
      expect(resolved.record.sequence).toBe(10n)
      expect(resolved.record.bundle[0]).toBe(1)
    }
    const second = await publishContactRecord(publisher, signContactRecord(unsigned(11n, 2), owner, provider), { provider })
    expect(second.accepted).toBeGreaterThan(0)
    for (const resolver of [resolverA, resolverB]) {
      const resolved = await resolveContactRecord(resolver, publisher.peerId, { provider, timeoutMs: 10_000 })
      expect(resolved.record.sequence).toBe(11n)
      expect(resolved.record.bundle[0]).toBe(2)
    }
  })

  it('forged and garbage records put through the DHT are refused and never resolved', async () => {
    const [, victim, , mallory, resolver] = nodes
    const malloryKey = keys[2]
    const victimKey = contactRecordKey(victim.peerId)
    const countErrors = async (value: Uint8Array, key = victimKey): Promise<{ errors: number, responses: number }> => {
      let errors = 0
      let responses = 0
      for await (const event of mallory.services.lanDht.put(key, value, { signal: AbortSignal.timeout(10_000) })) {
        if (event.name === 'QUERY_ERROR') errors++
        if (event.name === 'PEER_RESPONSE' && event.messageName === 'PUT_VALUE') responses++
      }
      return { errors, responses }
    }

    // A valid record of the victim, with a high sequence, and its signature broken.
    const badSignature = ContactRecord.decode(signContactRecord(unsigned(1_000_000n, 7), keys[0], provider))
    badSignature.signature[0] ^= 0x80
    // Mallory signs a record that claims to be the victim's.
    const forged = ContactRecord.decode(signContactRecord(unsigned(2_000_000n, 8), malloryKey, provider))
    forged.peerId = victim.peerId.toMultihash().bytes as Uint8Array<ArrayBuffer>
    const garbage = new TextEncoder().encode('definitely not a contact record')

    for (const value of [ContactRecord.encode(badSignature), ContactRecord.encode(forged), garbage]) {
      const { errors, responses } = await countErrors(value)
      expect(errors).toBeGreaterThan(0)
      expect(responses).toBe(0)
    }
    // The victim's genuine record (sequence 11 from the previous test) still wins.
    const resolved = await resolveContactRecord(resolver, victim.peerId, { provider, timeoutMs: 10_000 })
    expect(resolved.record.sequence).toBe(11n)

    // Under a key that has no genuine record, nothing at all comes back, not even from kad-dht.
    const nobody = peerIdFromPrivateKey(await generateKeyPair('Ed25519'))
    const nobodyForged = ContactRecord.decode(signContactRecord(unsigned(5n), malloryKey, provider))
    nobodyForged.peerId = nobody.toMultihash().bytes as Uint8Array<ArrayBuffer>
    expect((await countErrors(ContactRecord.encode(nobodyForged), contactRecordKey(nobody))).errors).toBeGreaterThan(0)
    let values = 0
    try {
      for await (const event of resolver.services.lanDht.get(contactRecordKey(nobody), { signal: AbortSignal.timeout(5_000) })) {
        if (event.name === 'VALUE' || (event.name === 'PEER_RESPONSE' && event.record != null)) values++
      }
    } catch (err) {
      expect((err as Error).name).not.toBe('AbortError')
    }
    expect(values).toBe(0)
    await expect(resolveContactRecord(resolver, nobody, { provider, timeoutMs: 5_000 }))
      .rejects.toBeInstanceOf(ContactRecordNotFoundError)
  })

  it('the republisher publishes at start and on every interval, with a sequence that never goes back', async () => {
    const [, , owner, resolver] = nodes
    const published: PublishResult[] = []
    // A clock stuck in the past: the sequence must still rise by one each time.
    const republisher = new ContactRecordRepublisher(owner, {
      privateKey: keys[1],
      provider,
      intervalMs: 150,
      now: () => 1_000,
      content: () => ({ bundle: Uint8Array.of(9) }),
      onPublished: (result) => { published.push(result) }
    })
    republisher.start()
    try {
      await expect.poll(() => published.length >= 3, { timeout: 15_000, interval: 20, message: 'three publications' }).toBe(true)
    } finally {
      await republisher.stop()
    }
    const sequences = published.map(p => p.sequence)
    expect(sequences.slice(0, 3)).toEqual([1000n, 1001n, 1002n])
    expect(published.every(p => p.accepted > 0)).toBe(true)
    const resolved = await resolveContactRecord(resolver, owner.peerId, { provider, timeoutMs: 10_000 })
    expect(resolved.record.sequence).toBe(sequences[sequences.length - 1])
    // The default addresses are the node's own.
    expect(resolved.record.addresses.length).toBe(owner.getMultiaddrs().length)

    // A new republisher (a restart, no saved state) with the same stuck clock continues above.
    const after = new ContactRecordRepublisher(owner, { privateKey: keys[1], provider, now: () => 1_000, content: () => ({ bundle: Uint8Array.of(9) }) })
    const next = await after.publishNow({ signal: AbortSignal.timeout(15_000) })
    expect(next.sequence).toBe(sequences[sequences.length - 1] + 1n)
  })

  it('publishing counts the peers that refuse the record (a peer without the murmur validator)', async () => {
    // A real kad-dht on the murmur protocol id but with no validator for "/murmur/" keys, as an
    // outdated or foreign peer would run.
    const legacy = await createNode({
      privateKey: await generateKeyPair('Ed25519'),
      listen: ['/ip4/127.0.0.1/tcp/0'],
      bootstrap: bootstrapNode.getMultiaddrs().map(ma => ma.toString()),
      limits: TEST_LIMITS,
      // kad-dht's factory wants the ping service among its components, which the map type does not show.
      services: { lanDht: kadDHT({ protocol: MURMUR_LAN_DHT_PROTOCOL, clientMode: false, peerInfoMapper: passthroughMapper }) } as unknown as CreateNodeOptions['services']
    })
    nodes.push(legacy)
    const publisher = nodes[1]
    await expect.poll(async () =>
      await inRoutingTable(publisher, legacy.peerId), { timeout: 10_000, interval: 20, message: 'the legacy node in the routing table' }).toBe(true)
    const result = await publishContactRecord(publisher, signContactRecord(unsigned(50n), keys[0], provider), { provider })
    expect(result.rejected).toBeGreaterThanOrEqual(1)
    expect(result.accepted).toBeGreaterThanOrEqual(3)
    expect(result.sequence).toBe(50n)
  })

  it('a lookup ends once three peers have answered, not after its settling time, while a silent peer holds its query', async () => {
    // A peer that takes LAN DHT streams and never answers: a query that asks it runs until its
    // own bound, so only the early end answers before that.
    const silent = await startSilentPeer(MURMUR_LAN_DHT_PROTOCOL)
    const held = silent.held
    try {
      const [, publisher, , resolverA, resolverB] = nodes
      for (const resolver of [resolverA, resolverB]) {
        await resolver.dial(silent.node.getMultiaddrs()[0], { signal: AbortSignal.timeout(10_000) })
        await expect.poll(async () => await inRoutingTable(resolver, silent.node.peerId), { timeout: 10_000, interval: 20, message: 'the silent peer in the routing table' }).toBe(true)
      }
      await publishContactRecord(publisher, signContactRecord(unsigned(60n, 3), keys[0], provider), { provider })
      for (const resolver of [resolverA, resolverB]) {
        const asked = held.length
        const started = performance.now()
        // The settling time and the bound are both far longer than the early end needs.
        const resolved = await resolveContactRecord(resolver, publisher.peerId, { provider, timeoutMs: 30_000, settleMs: 60_000 })
        expect(resolved.record.sequence).toBe(60n)
        expect(held.length).toBeGreaterThan(asked)
        // Here: tens of ms; without the early end, 8-12 s (until kad-dht gives the silent peer up).
        expect(performance.now() - started).toBeLessThan(5_000)
      }
    } finally {
      await silent.stop()
    }
  })
})
