// The node assembly: both transports, a WebSocket-only listener, restart with the same key and
// datastore folder. Real libp2p nodes on 127.0.0.1, random ports.
import { describe, it, expect, afterEach } from 'vitest'
import { raceSignal } from 'race-signal'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { generateKeyPair } from '@libp2p/crypto/keys'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import type { PeerId, PrivateKey } from '@libp2p/interface'
import { createProvider } from '../../src/crypto/providers/index.js'
import { createNode, findPeer, mappable, MURMUR_LAN_DHT_PROTOCOL, type CreateNodeOptions, type MurmurNode } from '../../src/net/node.js'
import { openDatastore, type LevelDatastore } from '../../src/net/datastore.js'
import { signContactRecord } from '../../src/net/contact-record.js'
import { publishContactRecord, resolveContactRecord } from '../../src/net/contact-records.js'
import { UnsupportedIdentityError } from '../../src/net/errors.js'
import { MAX_ENVELOPE_BYTES } from '../../src/net/limits.js'

const provider = createProvider('node')
const TEST_LIMITS = { connections: { inboundConnectionThreshold: 1000 } }

const running: MurmurNode[] = []
const datastores: LevelDatastore[] = []
const folders: string[] = []

async function start (privateKey: PrivateKey, options: Partial<CreateNodeOptions> = {}): Promise<MurmurNode> {
  const node = await createNode({
    privateKey, listen: ['/ip4/127.0.0.1/tcp/0'], limits: TEST_LIMITS, ...options
  })
  running.push(node)
  return node
}

/** the LAN DHT's routing table (loopback peers live there) has `find`, though its public type only shows `size`. */
async function inRoutingTable (node: MurmurNode, peer: PeerId): Promise<boolean> {
  const dht = node.services.lanDht as unknown as { routingTable: { find(peer: PeerId): Promise<PeerId | undefined> } }
  return (await dht.routingTable.find(peer)) != null
}


afterEach(async () => {
  await Promise.all(running.splice(0).map(async node => { await node.stop() }))
  for (const datastore of datastores.splice(0)) await datastore.close()
  for (const folder of folders.splice(0)) await rm(folder, { recursive: true, force: true })
})

describe('createNode', () => {
  it('exports the envelope cap and refuses non-Ed25519 identities', async () => {
    expect(MAX_ENVELOPE_BYTES).toBe(262_144)
    await expect(createNode({ privateKey: await generateKeyPair('secp256k1'), start: false }))
      .rejects.toBeInstanceOf(UnsupportedIdentityError)
  })

  it('UPnP only for a node with an address a gateway could map: none on loopback only, so no SSDP search leaves the machine', async () => {
    expect(mappable(['/ip4/127.0.0.1/tcp/0', '/ip4/127.0.0.1/tcp/0/ws', '/ip6/::1/tcp/4455'])).toBe(false)
    expect(mappable([])).toBe(false)
    for (const address of ['/ip4/0.0.0.0/tcp/0', '/ip4/192.168.1.20/tcp/4455/ws', '/ip6/::/tcp/0']) {
      expect(mappable(['/ip4/127.0.0.1/tcp/0', address])).toBe(true)
    }
    const loopbackOnly = await start(await generateKeyPair('Ed25519'), { upnp: true })
    expect((loopbackOnly.services as Record<string, unknown>).upnp).toBeUndefined()
    // Built, never started: a started one would search this machine's LAN.
    const wildcard = await createNode({ privateKey: await generateKeyPair('Ed25519'), listen: ['/ip4/0.0.0.0/tcp/0'], upnp: true, start: false })
    expect((wildcard.services as Record<string, unknown>).upnp).toBeDefined()
    running.push(wildcard)
    expect(wildcard.status).toBe('stopped')
  })

  it('dials over TCP and over WebSockets; a WebSocket-only listener is reachable', async () => {
    const wsOnly = await start(await generateKeyPair('Ed25519'), { listen: ['/ip4/127.0.0.1/tcp/0/ws'] })
    const tcpOnly = await start(await generateKeyPair('Ed25519'), { listen: ['/ip4/127.0.0.1/tcp/0'] })
    const dialer = await start(await generateKeyPair('Ed25519'), { listen: [] })

    const wsAddresses = wsOnly.getMultiaddrs()
    expect(wsAddresses.length).toBeGreaterThan(0)
    expect(wsAddresses.every(ma => ma.getComponents().some(c => c.name === 'ws'))).toBe(true)

    const wsConnection = await dialer.dial(wsAddresses[0], { signal: AbortSignal.timeout(5_000) })
    expect(wsConnection.remotePeer.equals(wsOnly.peerId)).toBe(true)
    expect(wsConnection.remoteAddr.getComponents().some(c => c.name === 'ws')).toBe(true)
    expect(wsConnection.encryption).toBe('/noise')
    expect(wsConnection.multiplexer).toBe('/yamux/1.0.0')
    expect(await dialer.services.ping.ping(wsOnly.peerId, { signal: AbortSignal.timeout(5_000) })).toBeGreaterThanOrEqual(0)

    const tcpConnection = await dialer.dial(tcpOnly.getMultiaddrs()[0], { signal: AbortSignal.timeout(5_000) })
    expect(tcpConnection.remotePeer.equals(tcpOnly.peerId)).toBe(true)
    expect(tcpConnection.remoteAddr.getComponents().some(c => c.name === 'ws')).toBe(false)
    expect(await dialer.services.ping.ping(tcpOnly.peerId, { signal: AbortSignal.timeout(5_000) })).toBeGreaterThanOrEqual(0)

    // identify ran: the peer store knows the remote speaks the murmur DHT protocol.
    await expect.poll(async () => (await dialer.peerStore.get(wsOnly.peerId)).protocols.includes(MURMUR_LAN_DHT_PROTOCOL), { timeout: 10_000, interval: 20, message: 'identify' }).toBe(true)
  })

  for (const side of ['dialer', 'listener'] as const) {
    it(`a WebSocket connection the ${side} aborts closes at the other end too (the reset reaches the socket)`, async () => {
      const listener = await start(await generateKeyPair('Ed25519'), { listen: ['/ip4/127.0.0.1/tcp/0/ws'] })
      const dialer = await start(await generateKeyPair('Ed25519'), { listen: [] })
      const connection = await dialer.dial(listener.getMultiaddrs()[0], { signal: AbortSignal.timeout(5_000) })
      await expect.poll(() => listener.getConnections(dialer.peerId).length, { timeout: 5_000, interval: 20 }).toBe(1)
      const [aborting, other] = side === 'dialer' ? [dialer, listener] : [listener, dialer]
      const otherPeer = side === 'dialer' ? listener.peerId : dialer.peerId
      const abortingPeer = side === 'dialer' ? dialer.peerId : listener.peerId
      // libp2p resets an aborted WebSocket connection with close code 1006, which `ws` refused
      // (src/runtime/node20-shims.ts): the other end kept it "open" with no multiplexer behind it.
      const closed = new Promise<void>((resolve) => {
        other.addEventListener('connection:close', (event) => { if (event.detail.remotePeer.equals(abortingPeer)) resolve() })
      })
      const toAbort = side === 'dialer' ? connection : aborting.getConnections(otherPeer)[0]
      toAbort.abort(new Error('given up'))
      // The other end sees it close within 3 s (else a TimeoutError).
      await raceSignal(closed, AbortSignal.timeout(3_000))
      expect(other.getConnections(abortingPeer)).toEqual([])
    })
  }

  it('restarts with the same key and datastore: same peer ID, peer store and DHT records survive', async () => {
    const folder = await mkdtemp(join(tmpdir(), 'murmur-node-'))
    folders.push(folder)
    const key = await generateKeyPair('Ed25519')
    const ownerKey = await generateKeyPair('Ed25519')

    let datastore = await openDatastore(join(folder, 'libp2p'))
    datastores.push(datastore)
    // The LevelDB lock keeps a second daemon off the same home.
    await expect(openDatastore(join(folder, 'libp2p'))).rejects.toThrow()

    const holder = await start(key, { datastore })
    const owner = await start(ownerKey)
    await owner.dial(holder.getMultiaddrs()[0], { signal: AbortSignal.timeout(5_000) })
    await expect.poll(async () =>
      await inRoutingTable(owner, holder.peerId), { timeout: 10_000, interval: 20, message: 'routing tables' }).toBe(true)
    const published = await publishContactRecord(owner, signContactRecord({
      sequence: 77n, addresses: owner.getMultiaddrs().map(ma => ma.bytes), bundle: Uint8Array.of(1, 2, 3), mailboxes: [], createdAt: 1n
    }, ownerKey, provider), { provider })
    expect(published.accepted).toBe(1)
    await expect.poll(async () => (await holder.peerStore.has(owner.peerId)), { timeout: 10_000, interval: 20, message: 'the peer store entry' }).toBe(true)

    // Stop everything; only the holder's folder remains.
    await holder.stop()
    await owner.stop()
    running.splice(0)
    await datastore.close()
    datastores.splice(0)

    datastore = await openDatastore(join(folder, 'libp2p'))
    datastores.push(datastore)
    const restarted = await start(key, { datastore })
    expect(restarted.peerId.equals(peerIdFromPrivateKey(key))).toBe(true)
    expect(restarted.peerId.equals(holder.peerId)).toBe(true)

    // The peer store survived: the owner's addresses are known without any lookup.
    const known = await restarted.peerStore.get(owner.peerId)
    expect(known.addresses.length).toBeGreaterThan(0)
    const found = await findPeer(restarted, owner.peerId, { timeoutMs: 1_000 })
    expect(found.multiaddrs.map(ma => ma.toString())).toEqual(known.addresses.map(a => a.multiaddr.toString()))

    // The DHT record survived: a newcomer that knows only the restarted node resolves it.
    const newcomer = await start(await generateKeyPair('Ed25519'))
    await newcomer.dial(restarted.getMultiaddrs()[0], { signal: AbortSignal.timeout(5_000) })
    await expect.poll(async () =>
      await inRoutingTable(newcomer, restarted.peerId), { timeout: 10_000, interval: 20, message: 'routing tables' }).toBe(true)
    const resolved = await resolveContactRecord(newcomer, owner.peerId, { provider, timeoutMs: 5_000 })
    expect(resolved.record.sequence).toBe(77n)
    expect([...resolved.record.bundle]).toEqual([1, 2, 3])
  })
})
