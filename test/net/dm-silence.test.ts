// A dm stream whose envelopes go unanswered has its connection probed (src/net/dm/silence.ts,
// src/net/liveness: probe()). A peer that is slow but there answers the probe's ping: its
// connection is kept and the envelope is answered on it. A path that died is aborted
// (test/messenger/dead-path.test.ts). Real libp2p nodes on 127.0.0.1, wired as the messenger
// wires them (src/messenger/murmur.ts).
import { generateKeyPair } from '@libp2p/crypto/keys'
import { afterEach, describe, expect, it } from 'vitest'
import { dm, type DmService } from '../../src/net/dm/index.js'
import { createNode, type MurmurNode } from '../../src/net/node.js'
import { makeEnvelope } from './dm-envelopes.js'

type Node = MurmurNode<{ dm: DmService }>
const SILENCE_MS = 300
const running: Node[] = []

async function start (): Promise<Node> {
  const node = await createNode<{ dm: DmService }>({
    privateKey: await generateKeyPair('Ed25519'),
    listen: ['/ip4/127.0.0.1/tcp/0'],
    services: { dm: dm({ silenceProbeMs: SILENCE_MS, sendTimeout: 20_000 }) }
  })
  node.services.dm.addEventListener('stream:silent', (event) => { node.services.liveness.probe(event.detail.connection) })
  running.push(node)
  return node
}

afterEach(async () => {
  await Promise.all(running.splice(0).map(async node => { await node.stop() }))
})

describe('a silent dm stream', () => {
  it('of a peer that is slow, not gone: the probe is answered, the connection kept, the envelope answered on it', async () => {
    const [a, b] = await Promise.all([start(), start()])
    const connection = await a.dial(b.getMultiaddrs()[0], { signal: AbortSignal.timeout(10_000) })
    let release!: () => void
    const held = new Promise<void>(resolve => { release = resolve })
    b.services.dm.setHandler({
      receive: async (_from, envelopes) => {
        await held
        return envelopes.map(() => ({ status: 'ok' as const }))
      }
    })
    const silent = new Promise<void>(resolve => {
      a.services.dm.addEventListener('stream:silent', () => { resolve() }, { once: true })
    })
    const sent = a.services.dm.send(b.peerId, makeEnvelope(a.peerId, b.peerId))
    await silent
    expect(a.services.liveness.stats().probes).toBe(1)
    // b's muxer answers the probe's ping while its handler still holds the envelope; the ack
    // comes after that answer, on the same connection.
    release()
    expect(await sent).toEqual({ status: 'ok' })
    expect(connection.status).toBe('open')
    expect(a.getConnections(b.peerId)).toEqual([connection])
    expect(a.services.liveness.stats().aborted).toBe(0)
  })

  it('is not reported while answers keep coming', async () => {
    const [a, b] = await Promise.all([start(), start()])
    await a.dial(b.getMultiaddrs()[0], { signal: AbortSignal.timeout(10_000) })
    b.services.dm.setHandler({ receive: async (_from, envelopes) => envelopes.map(() => ({ status: 'ok' as const })) })
    let reports = 0
    a.services.dm.addEventListener('stream:silent', () => { reports++ })
    // Answered sends, one after the other, for longer than the silence bound.
    const until = Date.now() + SILENCE_MS * 4
    let answered = 0
    while (Date.now() < until) {
      await a.services.dm.send(b.peerId, makeEnvelope(a.peerId, b.peerId))
      answered++
    }
    expect(answered).toBeGreaterThan(1)
    expect(reports).toBe(0)
    expect(a.services.liveness.stats().probes).toBe(0)
  })
})
