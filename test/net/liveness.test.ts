// Connection liveness (src/net/liveness): a connection is pinged, kept while pings are answered,
// kept after one or two failed pings, and aborted after maxPingFailures in a row; a connection
// whose muxer has closed under it is aborted at its first ping. Real libp2p nodes on 127.0.0.1;
// the silent peer's muxer really stops answering pings (its yamux drops its ping answers).
import { describe, it, expect, afterEach } from 'vitest'
import { generateKeyPair } from '@libp2p/crypto/keys'
import type { Connection } from '@libp2p/interface'
import { multiaddr } from '@multiformats/multiaddr'
import { createNode, type MurmurNode } from '../../src/net/node.js'
import { startBlackHoleProxy, type BlackHoleProxy } from './black-hole-proxy.js'

const running: MurmurNode[] = []
/** Yamux's flag on a ping's answer (@chainsafe/libp2p-yamux's Flag.ACK). */
const YAMUX_FLAG_ACK = 2

/** `pingTimeoutMs`: generous where pings must succeed on a loaded machine, short where they must fail. */
async function start (pingTimeoutMs: number): Promise<MurmurNode> {
  const node = await createNode({
    privateKey: await generateKeyPair('Ed25519'),
    listen: ['/ip4/127.0.0.1/tcp/0'],
    limits: {
      connections: { inboundConnectionThreshold: 1000 },
      monitor: { pingIntervalMs: 100, pingMinTimeoutMs: pingTimeoutMs, pingMaxTimeoutMs: pingTimeoutMs, maxPingFailures: 3 }
    }
  })
  running.push(node)
  return node
}

/** Waits (vitest's expect.poll) until `check` holds, at most `timeoutMs`. */
async function waitFor (what: string, check: () => boolean, timeoutMs = 15_000): Promise<void> {
  await expect.poll(check, { timeout: timeoutMs, interval: 10, message: what }).toBe(true)
}

const proxies: BlackHoleProxy[] = []

afterEach(async () => {
  await Promise.all(running.splice(0).map(async node => { await node.stop() }))
  await Promise.all(proxies.splice(0).map(async proxy => { await proxy.close() }))
})

/** Periodic pings out of the way (a minute apart): only probes can find a dead connection here. */
async function startProbing (): Promise<MurmurNode> {
  const node = await createNode({
    privateKey: await generateKeyPair('Ed25519'),
    listen: ['/ip4/127.0.0.1/tcp/0'],
    limits: {
      connections: { inboundConnectionThreshold: 1000 },
      monitor: { pingIntervalMs: 60_000, pingMinTimeoutMs: 5_000, pingMaxTimeoutMs: 5_000, maxPingFailures: 3, probeTimeoutMs: 1_000 }
    }
  })
  running.push(node)
  return node
}

/** a's connection to b through a proxy that can be cut (test/net/black-hole-proxy.ts), and both ends of it. */
async function throughProxy (a: MurmurNode, b: MurmurNode): Promise<{ proxy: BlackHoleProxy, atA: Connection, atB: Connection }> {
  const port = Number(b.getMultiaddrs()[0].toString().split('/')[4])
  const proxy = await startBlackHoleProxy(port)
  proxies.push(proxy)
  const atA = await a.dial(multiaddr(`/ip4/127.0.0.1/tcp/${proxy.port}/p2p/${b.peerId.toString()}`), { force: true, signal: AbortSignal.timeout(10_000) })
  // b's end: the connection from the proxy's address.
  const fromProxy = (): Connection | undefined => b.getConnections(a.peerId).find(c => c.remoteAddr.toString().startsWith('/ip4/127.0.0.1/tcp/') && c.timeline.open >= atA.timeline.open - 1_000 && c.direction === 'inbound' && b.getConnections(a.peerId).length > 0)
  await waitFor('b to list the connection', () => fromProxy() !== undefined)
  return { proxy, atA, atB: fromProxy() as Connection }
}

describe('connection liveness', () => {
  it('keeps a connection whose pings are answered', async () => {
    const [a, b] = await Promise.all([start(5_000), start(5_000)])
    const connection = await a.dial(b.getMultiaddrs()[0], { signal: AbortSignal.timeout(10_000) })
    // Every stream a opens on this connection, by protocol (a closed stream leaves
    // connection.streams, so the list of open ones would miss a ping stream that has ended).
    const opened: string[] = []
    const newStream = connection.newStream.bind(connection)
    connection.newStream = async (protocols, options) => {
      opened.push(...(Array.isArray(protocols) ? protocols : [protocols]))
      return await newStream(protocols, options)
    }
    await waitFor('five answered pings', () => a.services.liveness.stats().pings >= 5 && a.services.liveness.stats().failures === 0)
    expect(connection.status).toBe('open')
    // Frame pings, not ping streams. The only /ipfs/ping streams are the two DHTs' (WAN and
    // LAN): kad-dht's routing table pings a new contact once, with a stream, when its timing
    // lets it; five liveness pings as streams would be five more.
    expect(opened.filter(p => p === '/ipfs/ping/1.0.0').length).toBeLessThanOrEqual(2)
    expect(a.services.liveness.stats().aborted).toBe(0)
  })

  it('aborts a connection only after three pings in a row went unanswered', async () => {
    const [a, b] = await Promise.all([start(300), start(300)])
    const connection = await a.dial(b.getMultiaddrs()[0], { signal: AbortSignal.timeout(10_000) })
    // b stops answering pings on this connection: its yamux drops every ping answer (flag ACK,
    // yamux spec "Ping") and still sends its own pings, which a answers.
    await waitFor('b to list the connection', () => b.getConnections(a.peerId).length > 0)
    const [atB] = b.getConnections(a.peerId)
    const muxerAtB = (atB as unknown as { muxer: { sendPing: (id: number, flag?: number) => void } }).muxer
    const sendPing = muxerAtB.sendPing.bind(muxerAtB)
    muxerAtB.sendPing = (id, flag) => { if (flag !== YAMUX_FLAG_ACK) sendPing(id, flag) }
    const closed = new Promise<void>(resolve => { connection.addEventListener('close', () => { resolve() }) })

    await waitFor('a first failed ping', () => a.services.liveness.stats().failures >= 1)
    expect(connection.status).toBe('open')
    await closed
    const stats = a.services.liveness.stats()
    expect(stats.aborted).toBe(1)
    expect(stats.failures).toBeGreaterThanOrEqual(3)
  })

  it('aborts at its first ping a connection that says "open" while its muxer is closed', async () => {
    // The state a node was left in after an AutoNAT v2 dial-back over WebSockets (NAT testbed,
    // test/nat/upnp.test.ts): the connection listed as open, every new stream refused with
    // ConnectionClosedError, and every dial to the peer answered with that connection.
    const [a, b] = await Promise.all([start(5_000), start(5_000)])
    const connection = await a.dial(b.getMultiaddrs()[0], { signal: AbortSignal.timeout(10_000) })
    const closed = new Promise<void>(resolve => { connection.addEventListener('close', () => { resolve() }) })
    ;(connection as unknown as { muxer: { status: string } }).muxer.status = 'closed'
    expect(connection.status).toBe('open')
    await closed
    const stats = a.services.liveness.stats()
    expect(stats.aborted).toBe(1)
    expect(stats.failures).toBe(1)
    // The next dial makes a new connection instead of handing back the dead one.
    const again = await a.dial(b.peerId, { signal: AbortSignal.timeout(10_000) })
    expect(again).not.toBe(connection)
    expect(again.status).toBe('open')
  })

  it('probes a peer\'s older connections when it connects again: a dead one goes at once, on both ends', async () => {
    // A home router that rebooted: the connection through it died without a word, and the home
    // dials its relay again. The relay kept the dead connection (its pings are a minute apart
    // here, 30 s and more in production) and sent the home's relayed connections over it.
    const [a, b] = await Promise.all([startProbing(), startProbing()])
    const { proxy, atA, atB } = await throughProxy(a, b)
    proxy.cut()
    const fresh = await a.dial(b.getMultiaddrs()[0], { force: true, signal: AbortSignal.timeout(10_000) })
    expect(fresh).not.toBe(atA)
    await waitFor('the dead connection closed at a', () => atA.status !== 'open', 5_000)
    await waitFor('the dead connection closed at b', () => atB.status !== 'open', 5_000)
    expect(fresh.status).toBe('open')
    expect(a.getConnections(b.peerId)).toEqual([fresh])
  })

  it('probes a peer\'s other connections with the one probed: the dead one goes, the live one stays', async () => {
    const [a, b] = await Promise.all([startProbing(), startProbing()])
    // The direct connection first: the one through the proxy is the newer, never probed.
    const direct = await a.dial(b.getMultiaddrs()[0], { signal: AbortSignal.timeout(10_000) })
    const { proxy, atA } = await throughProxy(a, b)
    expect(atA).not.toBe(direct)
    proxy.cut()
    a.services.liveness.probe(direct)
    await waitFor('the dead connection closed', () => atA.status !== 'open', 5_000)
    expect(direct.status).toBe('open')
    expect(a.services.liveness.stats().aborted).toBe(1)
  })
})
