// The coalescing frame writer (src/net/frame-writer.ts) that the dm sender and the relay's
// request streams write through: frames queued together go out in one stream send, in order and
// framed as lpStream frames; at most maxBytes a send; held while the stream needs a drain;
// cancelled frames dropped; failures told. Real libp2p nodes (createNode) on 127.0.0.1.
import { generateKeyPair } from '@libp2p/crypto/keys'
import { lpStream } from '@libp2p/utils'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { FrameWriter } from '../../src/net/frame-writer.js'
import { createNode, type MurmurNode } from '../../src/net/node.js'
import { countSends } from './count-sends.js'
import type { Stream } from '@libp2p/interface'
import type { Uint8ArrayList } from 'uint8arraylist'

const PROTOCOL = '/murmur-test/frames/1.0.0'
const TEST_LIMITS = { connections: { inboundConnectionThreshold: 1000 } }

const bytes = (frame: Uint8Array | Uint8ArrayList): Uint8Array => Uint8Array.from(frame.subarray())

describe('FrameWriter', () => {
  let a: MurmurNode
  let b: MurmurNode
  /** The receiving side of each stream a opens, by the order they arrive. */
  const accepted: Stream[] = []
  let acceptedNext: ((stream: Stream) => void) | undefined

  beforeAll(async () => {
    [a, b] = await Promise.all([0, 1].map(async () => createNode({
      privateKey: await generateKeyPair('Ed25519'), listen: ['/ip4/127.0.0.1/tcp/0'], limits: TEST_LIMITS
    })))
    await b.handle(PROTOCOL, (stream) => {
      accepted.push(stream)
      acceptedNext?.(stream)
    })
    await a.dial(b.getMultiaddrs())
  })

  afterAll(async () => {
    await Promise.all([a, b].map(async (n) => n?.stop()))
  })

  /** A new stream from a to b, and b's side of it. */
  async function open (): Promise<{ local: Stream, remote: Stream }> {
    const arrived = new Promise<Stream>((resolve) => { acceptedNext = resolve })
    const local = await a.dialProtocol(b.peerId, PROTOCOL)
    local.send(new Uint8Array(0))
    return { local, remote: await arrived }
  }

  async function readFrames (stream: Stream, n: number): Promise<Uint8Array[]> {
    const lp = lpStream(stream, { maxDataLength: 4 << 20 })
    const frames: Uint8Array[] = []
    for (let i = 0; i < n; i++) frames.push(bytes(await lp.read({ signal: AbortSignal.timeout(10_000) })))
    return frames
  }

  it('sends frames queued in one turn in one send, in order, as lpStream frames', async () => {
    const { local, remote } = await open()
    const sends = countSends(local)
    const writer = new FrameWriter(local)
    const frames = Array.from({ length: 20 }, (_, i) => new Uint8Array(50 + i).fill(i))
    for (const frame of frames) writer.write(frame)
    expect(writer.queued).toBe(20)
    expect(await readFrames(remote, frames.length)).toEqual(frames)
    expect(sends.count()).toBe(1)
    await local.close()
  })

  it("'tick' sends at the end of the current tick, 'check' also takes frames queued in later ticks of the turn", async () => {
    for (const [flushAt, expected] of [['tick', 2], ['check', 1]] as const) {
      const { local, remote } = await open()
      const sends = countSends(local)
      const writer = new FrameWriter(local, { flushAt })
      writer.write(Uint8Array.of(1))
      process.nextTick(() => { process.nextTick(() => { writer.write(Uint8Array.of(2)) }) })
      expect(await readFrames(remote, 2)).toEqual([Uint8Array.of(1), Uint8Array.of(2)])
      expect(sends.count()).toBe(expected)
      await local.close()
    }
  })

  it('sends at most maxBytes of frames at a time, a larger frame alone', async () => {
    const { local, remote } = await open()
    const sends = countSends(local)
    const writer = new FrameWriter(local, { maxBytes: 1000 })
    const frames = [...Array.from({ length: 10 }, (_, i) => new Uint8Array(300).fill(i)), new Uint8Array(5000).fill(99)]
    for (const frame of frames) writer.write(frame)
    writer.flush()
    // 3 + 3 + 3 + 1 frames of 300 bytes, then the 5,000-byte frame alone.
    expect(sends.count()).toBe(5)
    expect(await readFrames(remote, frames.length)).toEqual(frames)
    await local.close()
  })

  it('holds frames while the stream needs a drain, then sends them in order; ready() waits for each drain', async () => {
    const { local, remote } = await open()
    const writer = new FrameWriter(local)
    const lp = lpStream(remote, { maxDataLength: 4 << 20 })
    // Twice on one stream: @libp2p/utils' onDrain() resolves at once after the first drain.
    for (const round of [0, 1]) {
      // b reads nothing: yamux grants no more window and a's sends start to be refused.
      remote.pause()
      const frames = Array.from({ length: 16 }, (_, i) => new Uint8Array(60_000).fill(i + 16 * round))
      for (const frame of frames) writer.write(frame)
      writer.flush()
      expect(local.writableNeedsDrain).toBe(true)
      const held = writer.queued
      expect(held).toBeGreaterThan(0)
      expect(held).toBeLessThan(frames.length)
      let ready = false
      const readied = writer.ready().then(() => { ready = true })
      // A turn of the event loop: long enough for a promise that resolves at once.
      await new Promise((resolve) => setImmediate(resolve))
      expect(ready).toBe(false)
      expect(writer.queued).toBe(held)
      remote.resume()
      const read: Uint8Array[] = []
      for (let i = 0; i < frames.length; i++) read.push(bytes(await lp.read({ signal: AbortSignal.timeout(10_000) })))
      expect(read).toEqual(frames)
      await readied
      expect(writer.queued).toBe(0)
    }
    await local.close()
  })

  it('drops cancelled frames, fails refused ones, and after a failed send fails and throws', async () => {
    const { local, remote } = await open()
    let open_ = true
    const writer = new FrameWriter(local, { canWrite: () => open_ ? undefined : new Error('refused') })
    const failures: unknown[] = []
    writer.write(Uint8Array.of(1), { cancelled: () => true, failed: (err) => failures.push(err) })
    writer.write(Uint8Array.of(2), { cancelled: () => false, failed: (err) => failures.push(err) })
    expect(await readFrames(remote, 1)).toEqual([Uint8Array.of(2)])
    expect(failures).toEqual([])

    open_ = false
    writer.write(Uint8Array.of(3), { failed: (err) => failures.push(err) })
    writer.flush()
    expect(failures.map((e) => (e as Error).message)).toEqual(['refused'])

    open_ = true
    local.abort(new Error('gone'))
    writer.write(Uint8Array.of(4), { failed: (err) => failures.push(err) })
    writer.flush()
    expect(failures).toHaveLength(2)
    expect(() => { writer.write(Uint8Array.of(5)) }).toThrow()
  })
})
