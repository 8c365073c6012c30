/**
 * A path that dies without a word (docs/network.md, "Connection liveness"): alice reaches bob
 * through a TCP proxy (test/net/black-hole-proxy.ts) that then forwards nothing and closes
 * nothing. Her connection through it stays "open"; the periodic pings would abort it only after
 * three failures (~30-40 s), and every retry meanwhile went into it. Her dm stream's silence
 * has it probed at once: it is aborted within seconds and the retry dials bob's own address,
 * which identify told her. Real nodes on 127.0.0.1.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Connection, Libp2p, PeerId } from '@libp2p/interface'
import { DM_PROTOCOL, DM_SILENCE_PROBE_MS } from '../../src/net/dm/constants.js'
import { DEFAULT_MONITOR_LIMITS } from '../../src/net/limits.js'
import { startBlackHoleProxy, type BlackHoleProxy } from '../net/black-hole-proxy.js'
import { makeHome, removeDir, startNode, type TestNode } from './helpers.js'

/** alice and bob, contacts of each other, alice's first connection to bob through the proxy. */
interface ProxiedPair { alice: TestNode, bob: TestNode, proxy: BlackHoleProxy }

/** Starts the pair in beforeAll and stops it in afterAll of the describe that calls it. */
function proxiedPair (): ProxiedPair {
  const pair = {} as ProxiedPair
  const dirs: string[] = []
  beforeAll(async () => {
    const h = await Promise.all([makeHome(), makeHome()])
    dirs.push(...h.map(x => x.dir))
    pair.bob = await startNode(h[1].home)
    const bobPort = Number(pair.bob.addresses.find(a => a.startsWith('/ip4/127.0.0.1/tcp/'))?.split('/')[4])
    pair.proxy = await startBlackHoleProxy(bobPort)
    pair.alice = await startNode(h[0].home, { bootstrap: [`/ip4/127.0.0.1/tcp/${pair.proxy.port}/p2p/${pair.bob.murmur.peerId}`] })
    await pair.alice.murmur.contacts.add('bob', pair.bob.murmur.peerId)
    await pair.bob.murmur.contacts.add('alice', pair.alice.murmur.peerId)
  })
  afterAll(async () => {
    await Promise.allSettled([pair.alice?.murmur.stop(), pair.bob?.murmur.stop()])
    await pair.proxy?.close()
    await Promise.all(dirs.map(removeDir))
  })
  return pair
}

/**
 * The proxy goes silent and alice sends again: the dead connection is closed within one silence
 * and one probe, not three periodic pings (each 10 s apart, each with 10 s to answer), and the
 * message arrives by a live path, once.
 */
async function cutAndExpectFailover ({ alice, bob, proxy }: ProxiedPair): Promise<void> {
    // The connection through the proxy itself, not the peer's last one: bob may hold a second
    // connection to alice by then (an AutoNAT dial-back, say), and the peer stays connected.
    const node = (alice.murmur as unknown as { node: Libp2p }).node
    const throughProxy = node.getConnections(peerOf(node, bob)).find(c => new RegExp(`/tcp/${proxy.port}(/|$)`).test(c.remoteAddr.toString()))
    expect(throughProxy).toBeDefined()
    const closed = new Promise<number>(resolve => {
      const onClose = (event: CustomEvent<Connection>): void => {
        if (event.detail !== throughProxy) return
        node.removeEventListener('connection:close', onClose)
        resolve(Date.now())
      }
      node.addEventListener('connection:close', onClose)
    })
    proxy.cut()
    const sentAt = Date.now()
    const second = await alice.murmur.send('bob', 'after the path died')
    const bound = DM_SILENCE_PROBE_MS + DEFAULT_MONITOR_LIMITS.probeTimeoutMs + 4_000
    const closedAt = await Promise.race([closed, new Promise<undefined>(resolve => { globalThis.setTimeout(resolve, bound) })])
    expect(closedAt, `the connection through the dead proxy still open after ${bound} ms`).toBeDefined()
    expect((closedAt as number) - sentAt).toBeLessThan(bound)
    expect((await alice.murmur.waitForState('bob', second.id, ['delivered'], { timeoutMs: 30_000 })).state).toBe('delivered')
    expect(Date.now() - sentAt).toBeLessThan(25_000)
    const texts = (await bob.murmur.history(alice.murmur.peerId)).filter(m => m.direction === 'in').map(m => m.text)
    expect(texts).toEqual(['through the proxy', 'after the path died'])
}

describe('a dead path to a contact', () => {
  const pair = proxiedPair()

  it('is found by its silence and left within seconds: the message goes by a live path, once', async () => {
    const { alice, proxy } = pair
    const first = await alice.murmur.send('bob', 'through the proxy')
    expect((await alice.murmur.waitForState('bob', first.id, ['delivered'], { timeoutMs: 20_000 })).state).toBe('delivered')
    expect(proxy.connections()).toBe(1)

    await cutAndExpectFailover(pair)
  }, 60_000)
})

/**
 * The same dead path, met by a new dm stream: after a router lost its state, the first message
 * opens a stream on a connection that says "open" while nothing gets through. The stream's
 * protocol negotiation waited on it for the whole opening timeout (10 s), and every retry picked
 * the same connection again until three periodic pings gave up on it: in the NAT testbed, two
 * homes' messages after a router reboot took 70 s both ways. Its unanswered opening has it
 * probed like a silent stream.
 */
describe('a dead path to a contact, with no dm stream open on it', () => {
  const pair = proxiedPair()

  it('is probed when the new stream\'s opening goes unanswered, and left within seconds: the message goes by a live path, once', async () => {
    const { alice, bob, proxy } = pair
    const first = await alice.murmur.send('bob', 'through the proxy')
    expect((await alice.murmur.waitForState('bob', first.id, ['delivered'], { timeoutMs: 20_000 })).state).toBe('delivered')
    expect(proxy.connections()).toBe(1)
    // alice's dm stream to bob ends (as an idle one does, or one reset); the connection stays.
    const node = (alice.murmur as unknown as { node: Libp2p }).node
    const [connection] = node.getConnections(peerOf(node, bob))
    const dm = connection.streams.find(s => s.protocol === DM_PROTOCOL && s.direction === 'outbound')
    expect(dm).toBeDefined()
    dm?.abort(new Error('ended by the test'))
    await expect.poll(() => connection.streams.some(s => s.protocol === DM_PROTOCOL && s.direction === 'outbound'), { timeout: 5_000, interval: 50 }).toBe(false)

    await cutAndExpectFailover(pair)
  }, 60_000)
})

function peerOf (node: Libp2p, of: TestNode): PeerId {
  const connection = node.getConnections().find(c => c.remotePeer.toString() === of.murmur.peerId)
  if (connection === undefined) throw new Error(`no connection to ${of.murmur.peerId}`)
  return connection.remotePeer
}
