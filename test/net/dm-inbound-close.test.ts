// Regression tests for the dm receiver's end of a stream (issue 11): after refusing a frame
// (MALFORMED, UNSUPPORTED, a mismatch, UNDECRYPTABLE) the receiver must close its side once
// the sender half-closes, as a plain libp2p handler does; an inbound stream on which nothing
// arrives is closed after the idle timeout; and an envelope whose kind is out of range
// (2^32 + 1, which protons would read as PREKEY) is refused like kind 99.
import { randomBytes } from 'node:crypto'
import { noise } from '@chainsafe/libp2p-noise'
import { yamux } from '@chainsafe/libp2p-yamux'
import { identify } from '@libp2p/identify'
import { tcp } from '@libp2p/tcp'
import { lpStream } from '@libp2p/utils'
import { createLibp2p } from 'libp2p'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { DM_PROTOCOL, dm } from '../../src/net/dm/index.js'
import { MAX_DM_CONTROL_FRAME_BYTES, MAX_REFUSED_FRAMES_PER_STREAM } from '../../src/net/dm/constants.js'
import { DmFrame } from '../../src/wire/dm.js'
import { Envelope } from '../../src/wire/envelope.js'
import { encodeVarint } from '../../fuzz/protobuf.js'
import type { DmInit, DmReceiveResult, DmService } from '../../src/net/dm/index.js'
import type { PeerId, Stream } from '@libp2p/interface'
import type { Libp2p } from 'libp2p'

type DmNode = Libp2p<{ dm: DmService }>

async function makeNode (init: DmInit = {}): Promise<DmNode> {
  return createLibp2p({
    addresses: { listen: ['/ip4/127.0.0.1/tcp/0'] },
    transports: [tcp()],
    connectionEncrypters: [noise()],
    streamMuxers: [yamux()],
    connectionMonitor: { enabled: false },
    services: { identify: identify(), dm: dm(init) }
  })
}

/** An Envelope's bytes with `kind` written as the raw varint `kind` (any value up to 2^64-1). */
function envelopeWithRawKind (from: PeerId, to: PeerId, kind: bigint): Uint8Array {
  const head = Envelope.encode({
    id: new Uint8Array(randomBytes(16)),
    sender: from.toMultihash().bytes as Uint8Array<ArrayBuffer>,
    recipient: to.toMultihash().bytes as Uint8Array<ArrayBuffer>,
    payload: new Uint8Array(randomBytes(32))
  })
  return Uint8Array.from([...head, 5 << 3, ...encodeVarint(kind)])
}

function envelope (from: PeerId, to: PeerId, kind = Envelope.Kind.RATCHET): Uint8Array {
  return Envelope.encode({
    id: new Uint8Array(randomBytes(16)),
    sender: from.toMultihash().bytes as Uint8Array<ArrayBuffer>,
    recipient: to.toMultihash().bytes as Uint8Array<ArrayBuffer>,
    kind,
    payload: new Uint8Array(randomBytes(32))
  })
}

const frame = (bytes: Uint8Array): Uint8Array => DmFrame.encode({ envelope: bytes as Uint8Array<ArrayBuffer> })

/** Resolves when the stream is closed at both ends; rejects after `ms`. */
async function closedWithin (stream: Stream, ms: number): Promise<void> {
  if (stream.status === 'closed' || stream.status === 'aborted' || stream.status === 'reset') return
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => { reject(new Error(`stream still ${stream.status} after ${ms} ms (remote write ${stream.remoteWriteStatus})`)) }, ms)
    stream.addEventListener('close', () => { clearTimeout(timer); resolve() }, { once: true })
  })
}

describe('the dm receiver closes its side', () => {
  let mallory: DmNode
  let bob: DmNode
  let carol: DmNode
  let handlerCalls = 0

  beforeAll(async () => {
    [mallory, bob, carol] = await Promise.all([makeNode(), makeNode(), makeNode()])
    bob.services.dm.setHandler({
      async receive (_from, envelopes) {
        handlerCalls += envelopes.length
        // Every envelope that reaches the application is one it cannot decrypt.
        return envelopes.map((): DmReceiveResult => ({ status: 'error', code: 'UNDECRYPTABLE', message: 'no session' }))
      }
    })
  })

  afterAll(async () => {
    await Promise.all([mallory?.stop(), bob?.stop(), carol?.stop()])
  })

  it('after every kind of refusal, once the sender half-closes: 40 of 40 streams closed, optimistic protocol selection or not', async () => {
    const refusals: Array<[string, () => Uint8Array, DmFrame.Error.Code]> = [
      ['MALFORMED', () => Uint8Array.from([0x0f, 0x99, 0x13, 0x37]), DmFrame.Error.Code.MALFORMED],
      ['UNSUPPORTED', () => DmFrame.encode({ ack: { id: new Uint8Array(16), status: DmFrame.Ack.Status.OK } }), DmFrame.Error.Code.UNSUPPORTED],
      ['SENDER_MISMATCH', () => frame(envelope(carol.peerId, bob.peerId)), DmFrame.Error.Code.SENDER_MISMATCH],
      ['UNDECRYPTABLE', () => frame(envelope(mallory.peerId, bob.peerId)), DmFrame.Error.Code.UNDECRYPTABLE]
    ]
    for (let round = 0; round < 10; round++) {
      for (const [name, body, code] of refusals) {
        // Optimistic protocol selection (every other round) lets the frame and the half-close
        // arrive together with the protocol header, before the receiver's handler runs.
        const stream = await mallory.dialProtocol(bob.getMultiaddrs(), DM_PROTOCOL, { negotiateFully: round % 2 === 0 })
        const lp = lpStream(stream, { maxDataLength: MAX_DM_CONTROL_FRAME_BYTES })
        const written = lp.write(body())
        // Half-close at once, as a sender with nothing more to say does.
        const closing = stream.close({ signal: AbortSignal.timeout(5_000) })
        await written
        await closing
        const answer = DmFrame.decode(await lp.read({ signal: AbortSignal.timeout(5_000) }))
        expect(answer.error?.code, name).toBe(code)
        await closedWithin(stream, 5_000)
      }
    }
    expect(handlerCalls).toBe(10)
  })

  it('answers at most MAX_REFUSED_FRAMES_PER_STREAM refusals, then closes: 2 KB of zeros is not 2,000 error frames (found by fuzzing)', async () => {
    const stream = await mallory.dialProtocol(bob.getMultiaddrs(), DM_PROTOCOL)
    const lp = lpStream(stream, { maxDataLength: MAX_DM_CONTROL_FRAME_BYTES })
    stream.send(new Uint8Array(2_000))
    let errors = 0
    try {
      for (;;) {
        const answer = DmFrame.decode(await lp.read({ signal: AbortSignal.timeout(5_000) }))
        expect(answer.error?.code).toBe(DmFrame.Error.Code.MALFORMED)
        errors++
      }
    } catch (err) {
      // The receiver closed (then reset) the stream after its last answer.
      expect((err as Error).name).not.toBe('AbortError')
    }
    // The budget's worth of refusals, and one more that says why the stream closes.
    expect(errors).toBe(MAX_REFUSED_FRAMES_PER_STREAM + 1)
    await closedWithin(stream, 15_000)
  })

  it('refuses an envelope whose kind is 2^32 + 1 (or 99, or 2^64 - 1) as MALFORMED; the handler never sees it', async () => {
    handlerCalls = 0
    const stream = await mallory.dialProtocol(bob.getMultiaddrs(), DM_PROTOCOL)
    const lp = lpStream(stream, { maxDataLength: MAX_DM_CONTROL_FRAME_BYTES })
    for (const kind of [2n ** 32n + 1n, 99n, 2n ** 64n - 1n, 2n ** 31n]) {
      await lp.write(frame(envelopeWithRawKind(mallory.peerId, bob.peerId, kind)))
      const answer = DmFrame.decode(await lp.read({ signal: AbortSignal.timeout(5_000) }))
      expect(answer.error?.code, String(kind)).toBe(DmFrame.Error.Code.MALFORMED)
    }
    // A well-formed kind written the same way still reaches the handler.
    await lp.write(frame(envelopeWithRawKind(mallory.peerId, bob.peerId, 1n)))
    expect(DmFrame.decode(await lp.read({ signal: AbortSignal.timeout(5_000) })).error?.code).toBe(DmFrame.Error.Code.UNDECRYPTABLE)
    expect(handlerCalls).toBe(1)
    await stream.close({ signal: AbortSignal.timeout(5_000) })
    await closedWithin(stream, 5_000)
  })
})

describe('an idle inbound dm stream', () => {
  let mallory: DmNode
  let bob: DmNode
  const IDLE_MS = 300

  beforeAll(async () => {
    [mallory, bob] = await Promise.all([makeNode(), makeNode({ inboundIdleTimeout: IDLE_MS, writeTimeout: 500 })])
    bob.services.dm.setHandler({ receive: async (_from, envelopes) => envelopes.map((): DmReceiveResult => ({ status: 'ok' })) })
  })

  afterAll(async () => {
    await Promise.all([mallory?.stop(), bob?.stop()])
  })

  it('is closed by the receiver after the idle timeout: silent, after an answered envelope, and mid-frame (then cut off)', async () => {
    const silent = await mallory.dialProtocol(bob.getMultiaddrs(), DM_PROTOCOL)
    const started = Date.now()
    await closedWithinRemote(silent, 10_000)
    expect(Date.now() - started).toBeGreaterThanOrEqual(IDLE_MS - 50)
    // A well-behaved sender closes its side in turn (as the dm sender does): the stream is done.
    await silent.close({ signal: AbortSignal.timeout(5_000) })
    await closedWithin(silent, 5_000)

    const answered = await mallory.dialProtocol(bob.getMultiaddrs(), DM_PROTOCOL)
    const lp = lpStream(answered, { maxDataLength: MAX_DM_CONTROL_FRAME_BYTES })
    await lp.write(frame(envelope(mallory.peerId, bob.peerId)))
    expect(DmFrame.decode(await lp.read({ signal: AbortSignal.timeout(5_000) })).ack?.status).toBe(DmFrame.Ack.Status.OK)
    await closedWithinRemote(answered, 10_000)
    await answered.close({ signal: AbortSignal.timeout(5_000) })

    // A length prefix announcing 100 bytes, then nothing: a slowloris.
    const partial = await mallory.dialProtocol(bob.getMultiaddrs(), DM_PROTOCOL)
    partial.send(Uint8Array.from([100, 1, 2, 3]))
    await closedWithinRemote(partial, 10_000)
    // It never closes its side, so the receiver cuts it off (reset) after the write timeout.
    await closedWithin(partial, 10_000)
    expect(partial.status).not.toBe('open')
  })
})

/** Resolves when the remote end has stopped writing (closed, reset or aborted by the receiver). */
async function closedWithinRemote (stream: Stream, ms: number): Promise<void> {
  const done = (): boolean => stream.remoteWriteStatus === 'closed' || stream.status !== 'open'
  if (done()) return
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => { reject(new Error(`receiver kept the stream open for ${ms} ms`)) }, ms)
    const check = (): void => { if (done()) { clearTimeout(timer); resolve() } }
    stream.addEventListener('remoteCloseWrite', check)
    stream.addEventListener('close', check)
  })
}
