// A hole punch's direct dial (src/net/holepunch/dial.ts) between real libp2p nodes on
// 127.0.0.1: the attempt's deadline bounds the dial, and the connection outlives it. With the
// deadline handed to the TCP transport as it is, net.connect destroyed the socket when the
// deadline passed, long after it had connected: every punched connection died after 8 s.
import { noise } from '@chainsafe/libp2p-noise'
import { yamux } from '@chainsafe/libp2p-yamux'
import { ping } from '@libp2p/ping'
import { tcp } from '@libp2p/tcp'
import { createLibp2p } from 'libp2p'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { dialWithin } from '../../src/net/holepunch/dial.js'
import type { Connection, Transport, Upgrader } from '@libp2p/interface'
import type { Multiaddr } from '@multiformats/multiaddr'
import type { Libp2p } from 'libp2p'

/** What the punch dials with: a node's own transports and upgrader (libp2p hands services these). */
interface DialParts { transportManager: { dialTransportForMultiaddr: (ma: Multiaddr) => Transport | undefined }, upgrader: Upgrader }

async function makeNode (): Promise<Libp2p<{ ping: ReturnType<ReturnType<typeof ping>>, parts: DialParts }>> {
  return await createLibp2p({
    addresses: { listen: ['/ip4/127.0.0.1/tcp/0'] },
    transports: [tcp()],
    connectionEncrypters: [noise()],
    streamMuxers: [yamux()],
    connectionMonitor: { enabled: false },
    services: { ping: ping(), parts: (components: DialParts): DialParts => ({ transportManager: components.transportManager, upgrader: components.upgrader }) }
  })
}

/** Settles once `signal` has aborted. */
async function aborted (signal: AbortSignal): Promise<void> {
  if (signal.aborted) return
  await new Promise<void>((resolve) => { signal.addEventListener('abort', () => { resolve() }, { once: true }) })
}

describe('hole punch direct dial', () => {
  let a: Awaited<ReturnType<typeof makeNode>>
  let b: Awaited<ReturnType<typeof makeNode>>

  beforeAll(async () => {
    [a, b] = await Promise.all([makeNode(), makeNode()])
  })

  afterAll(async () => {
    await Promise.all([a?.stop(), b?.stop()])
  })

  it('the connection stays open and usable after the attempt deadline that bounded its dial passes', async () => {
    const target = b.getMultiaddrs()[0]
    const transport = a.services.parts.transportManager.dialTransportForMultiaddr(target)
    if (transport === undefined) throw new Error('no transport for the target')
    const deadline = AbortSignal.timeout(1_000)
    const connection: Connection = await dialWithin(transport, target, { upgrader: a.services.parts.upgrader }, deadline)
    expect(connection.status).toBe('open')
    await aborted(deadline)
    // A ping on this very connection: a destroyed socket cannot answer it.
    const stream = await connection.newStream('/ipfs/ping/1.0.0', { signal: AbortSignal.timeout(5_000) })
    const payload = new Uint8Array(32).fill(7)
    stream.send(payload)
    const echo = await new Promise<Uint8Array>((resolve, reject) => {
      stream.addEventListener('message', (evt) => { resolve(new Uint8Array(evt.data.subarray())) }, { once: true })
      stream.addEventListener('close', () => { reject(new Error('the stream closed before its echo')) }, { once: true })
    })
    expect(echo).toEqual(payload)
    expect(connection.status).toBe('open')
    stream.abort(new Error('done'))
  })

  it('a deadline that passes during the dial still stops it', async () => {
    const target = b.getMultiaddrs()[0]
    const transport = a.services.parts.transportManager.dialTransportForMultiaddr(target)
    if (transport === undefined) throw new Error('no transport for the target')
    const deadline = AbortSignal.abort(new Error('deadline'))
    await expect(dialWithin(transport, target, { upgrader: a.services.parts.upgrader }, deadline)).rejects.toThrow()
  })
})
