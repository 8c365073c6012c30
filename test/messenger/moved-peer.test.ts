/**
 * A contact that moved (docs/messaging.md "Sending", step 4): alice's peer store still holds
 * bob's old addresses, which now lead nowhere (TCP proxies that forward nothing, so each dial
 * waits out libp2p's per-address timeout, 3 s), while bob's contact record in the DHT gives his
 * address of now. Her message takes that address within seconds, instead of after every old
 * one timed out (src/messenger/reach.ts); so it does when the old addresses are dialled before
 * a live one the peer store also holds. Real nodes on 127.0.0.1, carol the DHT between them.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Libp2p } from '@libp2p/interface'
import { generateKeyPair } from '@libp2p/crypto/keys'
import { peerIdFromPrivateKey, peerIdFromString } from '@libp2p/peer-id'
import { multiaddr } from '@multiformats/multiaddr'
import { KNOWN_ADDRESSES_HEAD_START_MS, RESOLVE_TIMEOUT_MS } from '../../src/messenger/constants.js'
import type { PeerReacher } from '../../src/messenger/reach.js'
import { DEFAULT_CONNECTION_LIMITS } from '../../src/net/limits.js'
import { startBlackHoleProxy, type BlackHoleProxy } from '../net/black-hole-proxy.js'
import { eventually, makeHome, removeDir, startNode, type TestNode } from './helpers.js'

/** Old addresses of bob's in alice's peer store: each costs a whole per-address timeout. */
const STALE_ADDRESSES = 3

describe('a contact that moved', () => {
  let carol: TestNode
  let alice: TestNode
  let bob: TestNode
  const proxies: BlackHoleProxy[] = []
  /** Nodes a test starts of its own. */
  const others: TestNode[] = []
  const dirs: string[] = []

  beforeAll(async () => {
    const homes = await Promise.all([makeHome(), makeHome(), makeHome()])
    dirs.push(...homes.map(h => h.dir))
    carol = await startNode(homes[0].home)
    const bootstrap = [carol.addresses[0]]
    bob = await startNode(homes[1].home, { bootstrap })
    alice = await startNode(homes[2].home, { bootstrap })
    await alice.murmur.contacts.add('bob', bob.murmur.peerId)
    await bob.murmur.contacts.add('alice', alice.murmur.peerId)
  })

  afterAll(async () => {
    await Promise.allSettled([alice, bob, carol, ...others].map(async n => await n?.murmur.stop()))
    await Promise.all(proxies.map(async p => await p.close()))
    await Promise.all(dirs.map(removeDir))
  })

  /** Milliseconds from alice's send of `text` to bob's `message` event for it. */
  async function sendAndTime (text: string): Promise<number> {
    const arrived = new Promise<number>((resolve) => {
      const off = bob.murmur.events.on('message', (m) => {
        if (m.text === text) { off(); resolve(Date.now()) }
      })
    })
    const sentAt = Date.now()
    await alice.murmur.send('bob', text)
    return await arrived - sentAt
  }

  it('gets the message at the address its contact record gives, not after its old addresses timed out', async () => {
    // A session first, and its receipts back, so that nothing of bob's is owed to alice.
    const first = await alice.murmur.send('bob', 'before the move')
    await eventually(async () => (await alice.murmur.history('bob')).find(m => m.id === first.id && m.state === 'delivered'), 20_000, 'the first message delivered')
    // Bob's contact record is in the DHT (what alice's lookup will find).
    await eventually(async () => await alice.murmur.lookup(bob.murmur.peerId).catch(() => undefined), 20_000, 'bob\'s contact record')

    // Bob "moved": alice's peer store has only addresses that lead nowhere, and no connection.
    const bobPort = Number(bob.addresses.find(a => a.startsWith('/ip4/127.0.0.1/tcp/'))?.split('/')[4])
    for (let i = 0; i < STALE_ADDRESSES; i++) {
      const proxy = await startBlackHoleProxy(bobPort)
      proxy.cut()
      proxies.push(proxy)
    }
    const node = (alice.murmur as unknown as { node: Libp2p }).node
    const bobId = peerIdFromString(bob.murmur.peerId)
    await node.hangUp(bobId)
    await node.peerStore.patch(bobId, { multiaddrs: proxies.map(p => multiaddr(`/ip4/127.0.0.1/tcp/${p.port}`)) })

    const took = await sendAndTime('after the move')
    // An old address was dialled (none of them answers) ...
    expect(proxies.reduce((sum, p) => sum + p.connections(), 0)).toBeGreaterThan(0)
    // ... and given up for the record's address well before they could all time out.
    expect(took).toBeLessThan(STALE_ADDRESSES * DEFAULT_CONNECTION_LIMITS.addressDialTimeoutMs - KNOWN_ADDRESSES_HEAD_START_MS)
    expect((await bob.murmur.history('alice')).filter(m => m.text === 'after the move')).toHaveLength(1)
  })

  it('gets the message at the live address its record vouches for, not after the stale ones dialled before it', async () => {
    // The last message's receipt back first: nothing of either side's is on its way meanwhile.
    await eventually(async () => (await alice.murmur.history('bob')).find(m => m.text === 'after the move' && m.state === 'delivered'), 20_000, 'the last message delivered')
    // The peer store keeps addresses sorted as text, and libp2p dials equal ranks (all loopback
    // here) in that order: old addresses on ports that sort before bob's are dialled first.
    const bobPort = Number(bob.addresses.find(a => a.startsWith('/ip4/127.0.0.1/tcp/'))?.split('/')[4])
    const stale: BlackHoleProxy[] = []
    for (let port = 10_000; stale.length < STALE_ADDRESSES && port < 20_000; port += 7) {
      if (String(port) >= String(bobPort)) break
      const proxy = await startBlackHoleProxy(bobPort, { port }).catch(() => undefined)
      if (proxy === undefined) continue
      proxy.cut()
      stale.push(proxy)
      proxies.push(proxy)
    }
    expect(stale).toHaveLength(STALE_ADDRESSES)
    // Bob must not be the one to connect (a DHT query of his, a retry): his peer store, too,
    // has only an address of alice's that leads nowhere.
    const toAlice = await startBlackHoleProxy(bobPort)
    toAlice.cut()
    proxies.push(toAlice)
    const bobNode = (bob.murmur as unknown as { node: Libp2p }).node
    await bobNode.peerStore.patch(peerIdFromString(alice.murmur.peerId), { multiaddrs: [multiaddr(`/ip4/127.0.0.1/tcp/${toAlice.port}`)] })
    const node = (alice.murmur as unknown as { node: Libp2p }).node
    const bobId = peerIdFromString(bob.murmur.peerId)
    await node.hangUp(bobId)
    const live = multiaddr(`/ip4/127.0.0.1/tcp/${bobPort}`)
    await node.peerStore.patch(bobId, { multiaddrs: [...stale.map(p => multiaddr(`/ip4/127.0.0.1/tcp/${p.port}`)), live] })
    const known = (await node.peerStore.get(bobId)).addresses.map(a => a.multiaddr.toString())
    expect(known.at(-1)).toBe(live.toString())

    const took = await sendAndTime('past the stale ones')
    // The known addresses did not connect within their head start: the stale ones were in the
    // way (or a dial of bob's a DHT query had begun before, which this send's dial joined) ...
    expect(took).toBeGreaterThanOrEqual(KNOWN_ADDRESSES_HEAD_START_MS)
    // ... and the live one was dialled once the record vouched for it, not after them.
    expect(took).toBeLessThan(STALE_ADDRESSES * DEFAULT_CONNECTION_LIMITS.addressDialTimeoutMs - KNOWN_ADDRESSES_HEAD_START_MS)
    expect((await bob.murmur.history('alice')).filter(m => m.text === 'past the stale ones')).toHaveLength(1)
  })

  it('asks the DHT for a contact without a record, not its own peer store; a peer nobody knows is unreachable at once, not after the whole budget', async () => {
    // dave never published a record (his publisher stopped before he had a DHT peer), then
    // joined carol's DHT: carol knows his address of now, alice only an old one.
    const home = await makeHome()
    dirs.push(home.dir)
    const dave = await startNode(home.home)
    others.push(dave)
    await (dave.murmur as unknown as { republisher: { stop: () => Promise<void> } }).republisher.stop()
    await (dave.murmur as unknown as { node: Libp2p }).node.dial(multiaddr(carol.addresses[0]))
    const daveId = peerIdFromString(dave.murmur.peerId)
    const davePort = Number(dave.addresses.find(a => a.startsWith('/ip4/127.0.0.1/tcp/'))?.split('/')[4])
    const old = await startBlackHoleProxy(davePort)
    old.cut()
    proxies.push(old)
    const node = (alice.murmur as unknown as { node: Libp2p }).node
    await node.peerStore.patch(daveId, { multiaddrs: [multiaddr(`/ip4/127.0.0.1/tcp/${old.port}`)] })
    await expect(alice.murmur.lookup(dave.murmur.peerId)).rejects.toMatchObject({ name: 'ContactRecordNotFoundError' })

    const reacher = (alice.murmur as unknown as { reacher: PeerReacher }).reacher
    const found = await reacher.lookup(daveId, AbortSignal.timeout(20_000))
    expect(found.addresses.map(a => a.toString().split('/p2p/')[0])).toContain(`/ip4/127.0.0.1/tcp/${davePort}`)

    // A peer nobody knows, with an old address here. Its WAN DHT has no peer on loopback, and
    // a query of an empty DHT waits for one: the miss must not wait for it. The error names the
    // address that failed.
    const nobody = peerIdFromPrivateKey(await generateKeyPair('Ed25519'))
    await node.peerStore.patch(nobody, { multiaddrs: [multiaddr(`/ip4/127.0.0.1/tcp/${old.port}`)] })
    const startedAt = Date.now()
    await expect(reacher.reach(nobody.toString(), AbortSignal.timeout(30_000))).rejects.toMatchObject({ name: 'PeerUnreachableError', message: expect.stringMatching(/^no address of …\S+ answered \(1 direct\)$/) })
    expect(Date.now() - startedAt).toBeLessThan(RESOLVE_TIMEOUT_MS)
  })
})
