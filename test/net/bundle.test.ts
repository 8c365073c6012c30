// The bundle service between real libp2p nodes on 127.0.0.1: fetch, per-requester rate limit,
// size limits on both sides, provider failures, timeouts; plus the rate limiter on its own.
import { noise } from '@chainsafe/libp2p-noise'
import { yamux } from '@chainsafe/libp2p-yamux'
import { identify } from '@libp2p/identify'
import { tcp } from '@libp2p/tcp'
import { lpStream } from '@libp2p/utils'
import { createLibp2p } from 'libp2p'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  BUNDLE_PROTOCOL, BundleRateLimitedError, BundleRefusedError, BundleTimeoutError, BundleTooLargeError,
  BundleUnavailableError, bundle
} from '../../src/net/bundle/index.js'
import { BUNDLE_RATE_LIMIT, MAX_BUNDLE_BYTES, MAX_BUNDLE_RESPONSE_BYTES } from '../../src/net/bundle/constants.js'
import { BundleResponse } from '../../src/wire/bundle.js'
import type { BundleService } from '../../src/net/bundle/index.js'
import type { PeerId } from '@libp2p/interface'
import type { Libp2p } from 'libp2p'

type BundleNode = Libp2p<{ bundle: BundleService }>

async function makeNode (): Promise<BundleNode> {
  return createLibp2p({
    addresses: { listen: ['/ip4/127.0.0.1/tcp/0'] },
    transports: [tcp()],
    connectionEncrypters: [noise()],
    streamMuxers: [yamux()],
    connectionMonitor: { enabled: false },
    services: { identify: identify(), bundle: bundle() }
  })
}

describe('bundle service', () => {
  let server: BundleNode
  let alice: BundleNode
  let bob: BundleNode
  let rogue: BundleNode
  const requesters: PeerId[] = []
  let served = 0

  beforeAll(async () => {
    [server, alice, bob, rogue] = await Promise.all([makeNode(), makeNode(), makeNode(), makeNode()])
    server.services.bundle.setProvider({
      async getBundle (requester) {
        requesters.push(requester)
        served++
        // A distinct bundle per request, as a one-time prekey would make it.
        return Uint8Array.from([0xb0, served & 0xff, ...new Uint8Array(200).fill(7)])
      }
    })
    await Promise.all([alice.dial(server.getMultiaddrs()), bob.dial(server.getMultiaddrs()), alice.dial(rogue.getMultiaddrs())])
  })

  afterAll(async () => {
    await Promise.all([server?.stop(), alice?.stop(), bob?.stop(), rogue?.stop()])
  })

  it('fetches a bundle from the provider, which learns who asked', async () => {
    const first = await alice.services.bundle.fetchBundle(server.peerId)
    const second = await alice.services.bundle.fetchBundle(server.peerId)
    expect(first.byteLength).toBe(202)
    expect(first[0]).toBe(0xb0)
    expect(first[1]).not.toBe(second[1])
    expect(requesters.slice(-2).every(p => p.equals(alice.peerId))).toBe(true)
  })

  it('rate-limits each requester on its own: the request after the limit is RATE_LIMITED', async () => {
    // bob has not asked yet: BUNDLE_RATE_LIMIT requests pass, the next one does not.
    for (let i = 0; i < BUNDLE_RATE_LIMIT; i++) {
      await bob.services.bundle.fetchBundle(server.peerId)
    }
    const before = served
    await expect(bob.services.bundle.fetchBundle(server.peerId)).rejects.toBeInstanceOf(BundleRateLimitedError)
    expect(served).toBe(before)
    // alice's own budget is untouched by bob's.
    expect((await alice.services.bundle.fetchBundle(server.peerId)).byteLength).toBe(202)
  })

  it('answers UNAVAILABLE without a provider or when the provider has none, INTERNAL when it fails', async () => {
    const lonely = await makeNode()
    try {
      await alice.dial(lonely.getMultiaddrs())
      const none = await alice.services.bundle.fetchBundle(lonely.peerId).catch((e: unknown) => e)
      expect(none).toBeInstanceOf(BundleRefusedError)
      expect((none as BundleRefusedError).refusal).toBe('UNAVAILABLE')

      lonely.services.bundle.setProvider({ async getBundle () { throw new BundleUnavailableError() } })
      const empty = await alice.services.bundle.fetchBundle(lonely.peerId).catch((e: unknown) => e)
      expect((empty as BundleRefusedError).refusal).toBe('UNAVAILABLE')

      lonely.services.bundle.setProvider({ async getBundle () { throw new Error('store closed') } })
      const failed = await alice.services.bundle.fetchBundle(lonely.peerId).catch((e: unknown) => e)
      expect((failed as BundleRefusedError).refusal).toBe('INTERNAL')
      expect((failed as Error).message).not.toContain('store closed')

      // A server never sends a bundle above its limit.
      lonely.services.bundle.setProvider({ async getBundle () { return new Uint8Array(MAX_BUNDLE_BYTES + 1) } })
      const big = await alice.services.bundle.fetchBundle(lonely.peerId).catch((e: unknown) => e)
      expect((big as BundleRefusedError).refusal).toBe('INTERNAL')
      lonely.services.bundle.setProvider({ async getBundle () { return new Uint8Array(MAX_BUNDLE_BYTES).fill(1) } })
      expect((await alice.services.bundle.fetchBundle(lonely.peerId)).byteLength).toBe(MAX_BUNDLE_BYTES)
    } finally {
      await lonely.stop()
    }
  })

  it('refuses an oversized response with BundleTooLargeError', async () => {
    await rogue.unhandle(BUNDLE_PROTOCOL)
    await rogue.handle(BUNDLE_PROTOCOL, async (stream) => {
      const lp = lpStream(stream)
      await lp.read()
      await lp.write(BundleResponse.encode({ bundle: new Uint8Array(MAX_BUNDLE_RESPONSE_BYTES + 1) }))
      await stream.close()
    })
    await expect(alice.services.bundle.fetchBundle(rogue.peerId)).rejects.toBeInstanceOf(BundleTooLargeError)
    await rogue.unhandle(BUNDLE_PROTOCOL)
  })

  it('times out with BundleTimeoutError when the server never answers', async () => {
    await rogue.handle(BUNDLE_PROTOCOL, async () => { /* read nothing, answer nothing */ })
    const started = Date.now()
    await expect(alice.services.bundle.fetchBundle(rogue.peerId, { timeout: 300 })).rejects.toBeInstanceOf(BundleTimeoutError)
    expect(Date.now() - started).toBeLessThan(2_000)
    await rogue.unhandle(BUNDLE_PROTOCOL)
  })
})
