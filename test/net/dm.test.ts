// The dm service between real libp2p nodes on 127.0.0.1 (TCP + noise + yamux):
// pipelining on one stream, group-commit batches, acks after durability, errors and timeouts.
import { randomBytes } from 'node:crypto'
import { getEventListeners } from 'node:events'
import { noise } from '@chainsafe/libp2p-noise'
import { yamux } from '@chainsafe/libp2p-yamux'
import { identify } from '@libp2p/identify'
import { ping, type Ping } from '@libp2p/ping'
import { tcp } from '@libp2p/tcp'
import { createLibp2p } from 'libp2p'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { DM_PROTOCOL, DmRefusedError, DmStreamClosedError, DmTimeoutError, InvalidEnvelopeError, dm } from '../../src/net/dm/index.js'
import { MAX_ENVELOPE_BYTES, type ParsedEnvelope } from '../../src/wire/strict/envelope.js'
import { makeEnvelope } from './dm-envelopes.js'
import { Envelope } from '../../src/wire/envelope.js'
import type { DmHandler, DmReceiveResult, DmService } from '../../src/net/dm/index.js'
import type { PeerId } from '@libp2p/interface'
import type { Libp2p } from 'libp2p'

type DmNode = Libp2p<{ dm: DmService, ping: Ping }>

async function makeNode (): Promise<DmNode> {
  return createLibp2p({
    addresses: { listen: ['/ip4/127.0.0.1/tcp/0'] },
    transports: [tcp()],
    connectionEncrypters: [noise()],
    streamMuxers: [yamux()],
    connectionMonitor: { enabled: false },
    services: { identify: identify(), ping: ping(), dm: dm({ sendTimeout: 5_000 }) }
  })
}

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex')

function dmStreams (node: DmNode, peer: PeerId, direction: 'inbound' | 'outbound'): number {
  return node.getConnections(peer)
    .flatMap(c => c.streams)
    .filter(s => s.protocol === DM_PROTOCOL && s.direction === direction && s.status === 'open')
    .length
}

/** A handler that records batches and answers ok, or duplicate for ids it has seen. */
function recordingHandler (): DmHandler & { batches: Envelope[][] } {
  const seen = new Set<string>()
  const batches: Envelope[][] = []
  return {
    batches,
    async receive (_from, envelopes) {
      batches.push(envelopes)
      return envelopes.map((e): DmReceiveResult => {
        const key = hex(e.id)
        if (seen.has(key)) {
          return { status: 'duplicate' }
        }
        seen.add(key)
        return { status: 'ok' }
      })
    }
  }
}

describe('dm service', () => {
  let alice: DmNode
  let bob: DmNode

  beforeAll(async () => {
    alice = await makeNode()
    bob = await makeNode()
    await alice.dial(bob.getMultiaddrs())
  })

  afterAll(async () => {
    await Promise.all([alice?.stop(), bob?.stop()])
  })

  beforeEach(() => {
    bob.services.dm.setHandler(undefined)
  })

  it('pipelines many envelopes on one stream; acks match; delivery order is send order', async () => {
    const handler = recordingHandler()
    bob.services.dm.setHandler(handler)
    let opened = 0
    alice.services.dm.addEventListener('stream:open', () => { opened++ })
    const envelopes = Array.from({ length: 100 }, () => makeEnvelope(alice.peerId, bob.peerId))
    const results = await Promise.all(envelopes.map(async e => alice.services.dm.send(bob.peerId, e)))
    expect(results.every(r => r.status === 'ok')).toBe(true)
    expect(handler.batches.flat().map(e => hex(e.id))).toEqual(envelopes.map(e => hex(e.id)))
    expect(dmStreams(alice, bob.peerId, 'outbound')).toBe(1)
    expect(dmStreams(bob, alice.peerId, 'inbound')).toBe(1)
    // A second wave reuses the same stream.
    await Promise.all(Array.from({ length: 20 }, async () => alice.services.dm.send(bob.peerId, makeEnvelope(alice.peerId, bob.peerId))))
    expect(opened).toBe(1)
    expect(dmStreams(alice, bob.peerId, 'outbound')).toBe(1)
    expect(alice.services.dm.hasOpenStream(bob.peerId)).toBe(true)
    expect(alice.services.dm.inFlight(bob.peerId)).toBe(0)
  })

  it('writes envelopes queued together in one stream write: far fewer data messages than envelopes, in send order', async () => {
    const handler = recordingHandler()
    bob.services.dm.setHandler(handler)
    // Open the stream first; then count what its inbound end receives.
    await alice.services.dm.send(bob.peerId, makeEnvelope(alice.peerId, bob.peerId))
    const inbound = bob.getConnections(alice.peerId).flatMap(c => c.streams).find(s => s.protocol === DM_PROTOCOL && s.direction === 'inbound' && s.status === 'open')
    expect(inbound).toBeDefined()
    let messages = 0
    const count = (): void => { messages++ }
    inbound?.addEventListener('message', count)
    const before = handler.batches.flat().length
    const envelopes = Array.from({ length: 200 }, () => makeEnvelope(alice.peerId, bob.peerId))
    const results = await Promise.all(envelopes.map(async e => alice.services.dm.send(bob.peerId, e)))
    inbound?.removeEventListener('message', count)
    expect(results.every(r => r.status === 'ok')).toBe(true)
    expect(handler.batches.flat().slice(before).map(e => hex(e.id))).toEqual(envelopes.map(e => hex(e.id)))
    // One yamux data frame per envelope before; now they share a few (64 KiB of frames each at most).
    expect(messages).toBeGreaterThan(0)
    expect(messages).toBeLessThan(20)
  })

  it('respects backpressure: 40 envelopes of 200 KiB in flight at once all arrive intact', async () => {
    const handler = recordingHandler()
    bob.services.dm.setHandler(handler)
    const envelopes = Array.from({ length: 40 }, () => makeEnvelope(alice.peerId, bob.peerId, randomBytes(200 * 1024)))
    const results = await Promise.all(envelopes.map(async e => alice.services.dm.send(bob.peerId, e)))
    expect(results.every(r => r.status === 'ok')).toBe(true)
    const received = handler.batches.flat()
    expect(received.map(e => hex(e.id))).toEqual(envelopes.map(e => hex(e.id)))
    expect(received.every((e, i) => Buffer.from(e.payload).equals(envelopes[i].payload))).toBe(true)
    expect(dmStreams(alice, bob.peerId, 'outbound')).toBe(1)
  })

  it('hands a burst of 200 to the handler in far fewer than 200 batches', async () => {
    const handler = recordingHandler()
    bob.services.dm.setHandler({
      batches: handler.batches,
      async receive (from, envelopes) {
        // Stand in for a synced LevelDB batch write: the next batch piles up meanwhile.
        await new Promise(resolve => setTimeout(resolve, 5))
        return handler.receive(from, envelopes)
      }
    } as DmHandler)
    const envelopes = Array.from({ length: 200 }, () => makeEnvelope(alice.peerId, bob.peerId))
    const results = await Promise.all(envelopes.map(async e => alice.services.dm.send(bob.peerId, e)))
    expect(results.filter(r => r.status === 'ok')).toHaveLength(200)
    expect(handler.batches.flat()).toHaveLength(200)
    expect(handler.batches.length).toBeLessThan(50)
    expect(handler.batches.flat().map(e => hex(e.id))).toEqual(envelopes.map(e => hex(e.id)))
  })

  it('answers duplicate when the handler says so; the receiver gets the exact bytes sent, decoded once', async () => {
    const handler = recordingHandler()
    bob.services.dm.setHandler(handler)
    const envelope = makeEnvelope(alice.peerId, bob.peerId)
    expect(await alice.services.dm.send(bob.peerId, envelope)).toEqual({ status: 'ok' })
    const received = handler.batches.flat()[0] as ParsedEnvelope
    expect(Buffer.compare(received.bytes, envelope.bytes)).toBe(0)
    expect(Buffer.compare(received.payload, envelope.payload)).toBe(0)
    expect(await alice.services.dm.send(bob.peerId, { id: envelope.id, bytes: envelope.bytes })).toEqual({ status: 'duplicate' })
    // The same id twice in flight at once: both senders get an answer.
    const again = await Promise.all([
      alice.services.dm.send(bob.peerId, envelope),
      alice.services.dm.send(bob.peerId, envelope)
    ])
    expect(again).toEqual([{ status: 'duplicate' }, { status: 'duplicate' }])
  })

  it('acks only after the handler resolves', async () => {
    let release!: () => void
    const durable = new Promise<void>(resolve => { release = resolve })
    let called = false
    bob.services.dm.setHandler({
      async receive (_from, envelopes) {
        called = true
        await durable
        return envelopes.map(() => ({ status: 'ok' }))
      }
    })
    let settled = false
    const sending = alice.services.dm.send(bob.peerId, makeEnvelope(alice.peerId, bob.peerId)).finally(() => { settled = true })
    await expect.poll(() => called, { timeout: 2_000 }).toBe(true)
    // Barrier: a ping round trip on the same connection; anything bob wrote before its answer
    // (an early ack) has reached alice by then.
    await alice.services.ping.ping(bob.peerId, { signal: AbortSignal.timeout(5_000) })
    expect(settled).toBe(false)
    release()
    expect(await sending).toEqual({ status: 'ok' })
  })

  it('turns handler errors into DmRefusedError: UNDECRYPTABLE with its reason, INTERNAL when it throws', async () => {
    bob.services.dm.setHandler({
      async receive (_from, envelopes) {
        return envelopes.map(() => ({ status: 'error', code: 'UNDECRYPTABLE', message: 'no session' }))
      }
    })
    const refused = await alice.services.dm.send(bob.peerId, makeEnvelope(alice.peerId, bob.peerId)).catch((err: unknown) => err)
    expect(refused).toBeInstanceOf(DmRefusedError)
    expect((refused as DmRefusedError).refusal).toBe('UNDECRYPTABLE')
    expect((refused as DmRefusedError).message).toContain('no session')

    bob.services.dm.setHandler({ async receive () { throw new Error('disk full') } })
    const internal = await alice.services.dm.send(bob.peerId, makeEnvelope(alice.peerId, bob.peerId)).catch((err: unknown) => err)
    expect(internal).toBeInstanceOf(DmRefusedError)
    expect((internal as DmRefusedError).refusal).toBe('INTERNAL')
    expect((internal as DmRefusedError).message).not.toContain('disk full')

    // No handler set at all: INTERNAL, so the sender retries later.
    bob.services.dm.setHandler(undefined)
    const none = await alice.services.dm.send(bob.peerId, makeEnvelope(alice.peerId, bob.peerId)).catch((err: unknown) => err)
    expect((none as DmRefusedError).refusal).toBe('INTERNAL')
  })

  it('times out with DmTimeoutError when the handler does not resolve, and the stream recovers', async () => {
    let release!: () => void
    const blocked = new Promise<void>(resolve => { release = resolve })
    bob.services.dm.setHandler({
      async receive (_from, envelopes) {
        await blocked
        return envelopes.map(() => ({ status: 'ok' }))
      }
    })
    const started = Date.now()
    const err = await alice.services.dm.send(bob.peerId, makeEnvelope(alice.peerId, bob.peerId), { timeout: 300 }).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(DmTimeoutError)
    expect(Date.now() - started).toBeLessThan(2_000)
    expect(alice.services.dm.inFlight(bob.peerId)).toBe(0)
    // The late ack is ignored; the same stream serves the next envelope.
    release()
    bob.services.dm.setHandler(recordingHandler())
    expect(await alice.services.dm.send(bob.peerId, makeEnvelope(alice.peerId, bob.peerId))).toEqual({ status: 'ok' })
  })

  it('a caller abort rejects with the signal reason, not a timeout', async () => {
    bob.services.dm.setHandler({ async receive () { return new Promise<DmReceiveResult[]>(() => {}) } })
    const controller = new AbortController()
    const sending = alice.services.dm.send(bob.peerId, makeEnvelope(alice.peerId, bob.peerId), { signal: controller.signal })
    setTimeout(() => { controller.abort(new Error('user gave up')) }, 50)
    await expect(sending).rejects.toThrow('user gave up')
  })

  it('sends sharing one caller signal put one listener on it; aborting it fails them all with its reason', async () => {
    bob.services.dm.setHandler({ async receive () { return new Promise<DmReceiveResult[]>(() => {}) } })
    const controller = new AbortController()
    const sends = Array.from({ length: 50 }, async () => await alice.services.dm.send(bob.peerId, makeEnvelope(alice.peerId, bob.peerId), { signal: controller.signal }).catch((e: unknown) => e))
    await expect.poll(() => alice.services.dm.inFlight(bob.peerId), { timeout: 5_000 }).toBe(50)
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(1)
    controller.abort(new Error('round over'))
    const errors = await Promise.all(sends)
    expect(errors.every(e => e instanceof Error && e.message === 'round over')).toBe(true)
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0)
    expect(alice.services.dm.inFlight(bob.peerId)).toBe(0)
  })

  it('fails in-flight sends with DmStreamClosedError when the stream dies; the next send reopens', async () => {
    // The previous test left bob's inbound session stuck in a handler that never resolves:
    // killing the stream is also how that session is cleared.
    let opened = 0
    alice.services.dm.addEventListener('stream:open', () => { opened++ })
    bob.services.dm.setHandler({ async receive () { return new Promise<DmReceiveResult[]>(() => {}) } })
    const inFlight = Promise.all([
      alice.services.dm.send(bob.peerId, makeEnvelope(alice.peerId, bob.peerId)).catch((e: unknown) => e),
      alice.services.dm.send(bob.peerId, makeEnvelope(alice.peerId, bob.peerId)).catch((e: unknown) => e)
    ])
    await expect.poll(() => alice.services.dm.inFlight(bob.peerId), { timeout: 2_000 }).toBe(2)
    const inbound = bob.getConnections(alice.peerId).flatMap(c => c.streams).filter(s => s.protocol === DM_PROTOCOL && s.direction === 'inbound')
    expect(inbound.length).toBeGreaterThanOrEqual(1)
    for (const s of inbound) {
      s.abort(new Error('killed by test'))
    }
    const errors = await inFlight
    expect(errors.every(e => e instanceof DmStreamClosedError)).toBe(true)
    expect(errors).toHaveLength(2)

    bob.services.dm.setHandler(recordingHandler())
    expect(await alice.services.dm.send(bob.peerId, makeEnvelope(alice.peerId, bob.peerId))).toEqual({ status: 'ok' })
    expect(opened).toBe(1)
    expect(dmStreams(alice, bob.peerId, 'outbound')).toBe(1)
  })

  it('refuses locally what it must not send: oversized envelopes, ids the ack cannot name', async () => {
    const big = makeEnvelope(alice.peerId, bob.peerId, randomBytes(MAX_ENVELOPE_BYTES))
    await expect(alice.services.dm.send(bob.peerId, big)).rejects.toBeInstanceOf(InvalidEnvelopeError)
    const shortId = { ...makeEnvelope(alice.peerId, bob.peerId), id: new Uint8Array(8) }
    await expect(alice.services.dm.send(bob.peerId, shortId)).rejects.toBeInstanceOf(InvalidEnvelopeError)
  })
})
