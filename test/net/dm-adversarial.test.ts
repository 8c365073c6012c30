// A peer that breaks the dm protocol on purpose: garbage frames, an oversized frame, forged
// sender, wrong recipient, floods. Each gets a typed error frame, the handler never sees them,
// per-stream work stays bounded, and the node keeps serving a well-behaved third peer.
import { randomBytes } from 'node:crypto'
import { noise } from '@chainsafe/libp2p-noise'
import { yamux } from '@chainsafe/libp2p-yamux'
import { identify } from '@libp2p/identify'
import { ping, type Ping } from '@libp2p/ping'
import { tcp } from '@libp2p/tcp'
import { lpStream } from '@libp2p/utils'
import { createLibp2p } from 'libp2p'
import { encodingLength } from 'uint8-varint'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { DM_PROTOCOL, dm } from '../../src/net/dm/index.js'
import { MAX_DM_CONTROL_FRAME_BYTES, MAX_DM_FRAME_BYTES, MAX_UNACKED_PER_STREAM } from '../../src/net/dm/constants.js'
import { encodeVarint } from '../../fuzz/protobuf.js'
import { parseEnvelope } from '../../src/wire/strict/envelope.js'
import { DmFrame } from '../../src/wire/dm.js'
import { Envelope } from '../../src/wire/envelope.js'
import type { DmReceiveResult, DmService } from '../../src/net/dm/index.js'
import type { PeerId, Stream } from '@libp2p/interface'
import type { LengthPrefixedStream } from '@libp2p/utils'
import type { Libp2p } from 'libp2p'

type DmNode = Libp2p<{ dm: DmService, ping: Ping }>

async function makeNode (): Promise<DmNode> {
  return createLibp2p({
    addresses: { listen: ['/ip4/127.0.0.1/tcp/0'] },
    transports: [tcp()],
    connectionEncrypters: [noise()],
    streamMuxers: [yamux()],
    connectionMonitor: { enabled: false },
    services: { identify: identify(), ping: ping(), dm: dm() }
  })
}

function envelopeBytes (from: PeerId, to: PeerId, id: Uint8Array = randomBytes(16)): Uint8Array {
  return Envelope.encode({
    id: new Uint8Array(id),
    sender: from.toMultihash().bytes as Uint8Array<ArrayBuffer>,
    recipient: to.toMultihash().bytes as Uint8Array<ArrayBuffer>,
    createdAt: BigInt(Date.now()),
    kind: Envelope.Kind.RATCHET,
    payload: new Uint8Array(randomBytes(64)),
    expiresAt: 0n
  })
}

const envelopeFrame = (bytes: Uint8Array): Uint8Array => DmFrame.encode({ envelope: bytes as Uint8Array<ArrayBuffer> })

async function readFrame (lp: LengthPrefixedStream<Stream>): Promise<DmFrame> {
  return DmFrame.decode(await lp.read({ signal: AbortSignal.timeout(5_000) }))
}

describe('dm service against a misbehaving peer', () => {
  let mallory: DmNode
  let bob: DmNode
  let carol: DmNode
  let handlerCalls: Envelope[][] = []

  beforeAll(async () => {
    [mallory, bob, carol] = await Promise.all([makeNode(), makeNode(), makeNode()])
    bob.services.dm.setHandler({
      async receive (_from, envelopes) {
        handlerCalls.push(envelopes)
        return envelopes.map((): DmReceiveResult => ({ status: 'ok' }))
      }
    })
  })

  afterAll(async () => {
    await Promise.all([mallory?.stop(), bob?.stop(), carol?.stop()])
  })

  it('answers bad frames with typed errors, keeps the stream, and never calls the handler for them', async () => {
    handlerCalls = []
    const stream = await mallory.dialProtocol(bob.getMultiaddrs(), DM_PROTOCOL)
    const lp = lpStream(stream, { maxDataLength: MAX_DM_CONTROL_FRAME_BYTES })

    // Garbage: fixed pseudo-random bodies behind a valid length prefix.
    const garbage = [
      Uint8Array.from([0xff, 0xff, 0xff, 0xff, 0x0f, 0x01, 0x02]),
      Uint8Array.from([0x0f, 0x99, 0x13, 0x37]),
      Uint8Array.from([0x0a, 0x7f, 0x01])
    ]
    for (const body of garbage) {
      await lp.write(body)
      const answer = await readFrame(lp)
      expect(answer.error?.code).toBe(DmFrame.Error.Code.MALFORMED)
      expect(answer.error?.id.byteLength).toBe(0)
    }

    // An envelope field whose bytes are not an Envelope.
    await lp.write(DmFrame.encode({ envelope: Uint8Array.from([0x0a, 0xff]) }))
    expect((await readFrame(lp)).error?.code).toBe(DmFrame.Error.Code.MALFORMED)

    // An empty frame, and an ack sent the wrong way.
    await lp.write(new Uint8Array(0))
    expect((await readFrame(lp)).error?.code).toBe(DmFrame.Error.Code.MALFORMED)
    await lp.write(DmFrame.encode({ ack: { id: new Uint8Array(16), status: DmFrame.Ack.Status.OK } }))
    expect((await readFrame(lp)).error?.code).toBe(DmFrame.Error.Code.UNSUPPORTED)

    // A frame claiming another sender (carol), and one addressed to another recipient.
    const forgedId = randomBytes(16)
    await lp.write(envelopeFrame(envelopeBytes(carol.peerId, bob.peerId, forgedId)))
    const forged = await readFrame(lp)
    expect(forged.error?.code).toBe(DmFrame.Error.Code.SENDER_MISMATCH)
    expect(Buffer.from(forged.error?.id ?? []).equals(forgedId)).toBe(true)

    const misroutedId = randomBytes(16)
    await lp.write(envelopeFrame(envelopeBytes(mallory.peerId, carol.peerId, misroutedId)))
    const misrouted = await readFrame(lp)
    expect(misrouted.error?.code).toBe(DmFrame.Error.Code.RECIPIENT_MISMATCH)
    expect(Buffer.from(misrouted.error?.id ?? []).equals(misroutedId)).toBe(true)

    // A bad id length.
    await lp.write(envelopeFrame(envelopeBytes(mallory.peerId, bob.peerId, randomBytes(15))))
    expect((await readFrame(lp)).error?.code).toBe(DmFrame.Error.Code.MALFORMED)

    expect(handlerCalls).toHaveLength(0)

    // Framing is intact, so the same stream still carries a valid envelope to the handler.
    const goodId = randomBytes(16)
    await lp.write(envelopeFrame(envelopeBytes(mallory.peerId, bob.peerId, goodId)))
    const ack = await readFrame(lp)
    expect(ack.ack?.status).toBe(DmFrame.Ack.Status.OK)
    expect(Buffer.from(ack.ack?.id ?? []).equals(goodId)).toBe(true)
    expect(handlerCalls.flat()).toHaveLength(1)
    await stream.close()
  })

  it('answers TOO_LARGE to an oversized frame and closes the stream; other peers are still served', async () => {
    handlerCalls = []
    const stream = await mallory.dialProtocol(bob.getMultiaddrs(), DM_PROTOCOL)
    const lp = lpStream(stream, { maxDataLength: MAX_DM_CONTROL_FRAME_BYTES })
    // Only the prefix and a little of the body: the receiver must not wait for the rest.
    stream.send(Uint8Array.from([...encodeVarint(BigInt(MAX_DM_FRAME_BYTES + 1)), 1, 2, 3]))
    const answer = await readFrame(lp)
    expect(answer.error?.code).toBe(DmFrame.Error.Code.TOO_LARGE)
    await expect.poll(() => stream.status, { timeout: 5_000 }).not.toBe('open')
    expect(handlerCalls).toHaveLength(0)

    // Carol, well behaved, gets through at once.
    await carol.dial(bob.getMultiaddrs())
    const env = parseEnvelope(envelopeBytes(carol.peerId, bob.peerId))
    expect(await carol.services.dm.send(bob.peerId, env)).toEqual({ status: 'ok' })
    expect(handlerCalls.flat().map(e => Buffer.from(e.id).toString('hex'))).toEqual([Buffer.from(env.id).toString('hex')])
  })

  it('answers TOO_LARGE to a length prefix still unfinished after the bytes the largest frame needs, without waiting for more, and closes the stream', async () => {
    handlerCalls = []
    const needed = encodingLength(MAX_DM_FRAME_BYTES)
    const stream = await mallory.dialProtocol(bob.getMultiaddrs(), DM_PROTOCOL)
    const lp = lpStream(stream, { maxDataLength: MAX_DM_CONTROL_FRAME_BYTES })
    // Exactly that many continuation bytes, and nothing after them: the answer cannot wait for a
    // next byte.
    stream.send(new Uint8Array(needed).fill(0x80))
    const answer = await readFrame(lp)
    expect(answer.error?.code).toBe(DmFrame.Error.Code.TOO_LARGE)
    await expect.poll(() => stream.status, { timeout: 5_000 }).not.toBe('open')
    expect(handlerCalls).toHaveLength(0)
  })

  it('takes a frame whose prefix spends every byte the largest frame needs on a small length', async () => {
    handlerCalls = []
    const stream = await mallory.dialProtocol(bob.getMultiaddrs(), DM_PROTOCOL)
    const lp = lpStream(stream, { maxDataLength: MAX_DM_CONTROL_FRAME_BYTES })
    const frame = envelopeFrame(envelopeBytes(mallory.peerId, bob.peerId))
    expect(frame.byteLength).toBeLessThan(0x80 * 0x80)
    // The length in two 7-bit groups and a zero third: longer than needed, within the limit.
    stream.send(Uint8Array.from([(frame.byteLength & 0x7f) | 0x80, (frame.byteLength >> 7) | 0x80, 0, ...frame]))
    const answer = await readFrame(lp)
    expect(answer.ack?.status).toBe(DmFrame.Ack.Status.OK)
    expect(handlerCalls.flat()).toHaveLength(1)
    await stream.close()
  })

  it('a receiver that answers what is not a DmFrame, or an answer above the control-frame cap, fails the send and loses the stream', async () => {
    const answers = [
      Uint8Array.from([3, 0xff, 0xff, 0xff]),
      // A prefix announcing one byte more than an answer may have, then a little of it.
      Uint8Array.from([...encodeVarint(BigInt(MAX_DM_CONTROL_FRAME_BYTES + 1)), 1, 2, 3])
    ]
    for (const answer of answers) {
      const eve = await makeNode()
      try {
        // eve takes the envelope's frame, then answers with `answer`.
        await eve.unhandle(DM_PROTOCOL)
        await eve.handle(DM_PROTOCOL, (stream) => {
          stream.addEventListener('message', () => { stream.send(answer) }, { once: true })
        })
        await carol.dial(eve.getMultiaddrs())
        const sent = carol.services.dm.send(eve.peerId, parseEnvelope(envelopeBytes(carol.peerId, eve.peerId)), { timeout: 10_000 })
        await expect(sent).rejects.toMatchObject({ name: 'DmStreamClosedError' })
        // The broken stream is given up at once: a next send would open another.
        expect(carol.services.dm.hasOpenStream(eve.peerId)).toBe(false)
      } finally {
        await eve.stop()
      }
    }
  })

  it('holds at most MAX_UNACKED_PER_STREAM envelopes from a flooding stream until it acks them', async () => {
    let release!: () => void
    const durable = new Promise<void>(resolve => { release = resolve })
    let handed = 0
    bob.services.dm.setHandler({
      async receive (_from, envelopes) {
        handed += envelopes.length
        await durable
        return envelopes.map((): DmReceiveResult => ({ status: 'ok' }))
      }
    })
    const total = 600
    const stream = await mallory.dialProtocol(bob.getMultiaddrs(), DM_PROTOCOL)
    const lp = lpStream(stream, { maxDataLength: MAX_DM_CONTROL_FRAME_BYTES })
    // Write everything without waiting (the muxer buffers what the window does not allow).
    const frames = Array.from({ length: total }, () => envelopeFrame(envelopeBytes(mallory.peerId, bob.peerId)))
    const writing = lp.writeV(frames)
    await expect.poll(() => handed, { timeout: 5_000 }).toBeGreaterThan(0)
    // Barrier: a ping round trip on the same connection, written after every frame, so bob
    // has received what the window let through before he answers it.
    await mallory.services.ping.ping(bob.peerId, { signal: AbortSignal.timeout(5_000) })
    expect(handed).toBeLessThanOrEqual(MAX_UNACKED_PER_STREAM)
    release()
    await writing
    let acks = 0
    while (acks < total) {
      const frame = await readFrame(lp)
      expect(frame.ack?.status).toBe(DmFrame.Ack.Status.OK)
      acks++
    }
    expect(handed).toBe(total)
    await stream.close()
  })
})
