// noise with each message in one socket write and a reader that throws no new Error per read
// (src/net/noise-framing.ts). Real libp2p nodes (createNode) on 127.0.0.1; the socket writes are
// counted at node:net's Socket.prototype.write, which @libp2p/tcp calls once per buffer.
import { Socket } from 'node:net'
import { generateKeyPair } from '@libp2p/crypto/keys'
import { LengthPrefixedDecoder, lpStream } from '@libp2p/utils'
import { Uint8ArrayList } from 'uint8arraylist'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { createNode, type MurmurNode } from '../../src/net/node.js'
import { noiseLength } from '../../src/net/noise-framing.js'

const PROTOCOL = '/murmur-test/noise-echo/1.0.0'
const TEST_LIMITS = { connections: { inboundConnectionThreshold: 1000 } }
/** LengthPrefixedDecoder's own default maxDataLength (4 MiB), which noise's reader keeps. */
const DEFAULT_NOISE_MAX = 4 * 1024 * 1024

/** A frame read, as a plain Uint8Array (lpStream may give a Buffer or a list). */
const bytes = (frame: Uint8Array | Uint8ArrayList): Uint8Array => Uint8Array.from(frame.subarray())

/** Records the byte length of every socket write from now on, until restore(). */
function recordSocketWrites (): { sizes: number[], restore: () => void } {
  const sizes: number[] = []
  const write = Socket.prototype.write
  Socket.prototype.write = function (this: Socket, chunk: unknown, ...rest: unknown[]) {
    sizes.push((chunk as Uint8Array).byteLength ?? String(chunk).length)
    return (write as (...args: unknown[]) => boolean).call(this, chunk, ...rest)
  } as typeof Socket.prototype.write
  return { sizes, restore: () => { Socket.prototype.write = write } }
}

describe('noise framing', () => {
  let a: MurmurNode
  let b: MurmurNode
  let restore: (() => void) | undefined

  beforeAll(async () => {
    [a, b] = await Promise.all([0, 1].map(async () => createNode({
      privateKey: await generateKeyPair('Ed25519'), listen: ['/ip4/127.0.0.1/tcp/0'], limits: TEST_LIMITS
    })))
    // Echoes each length-prefixed frame back.
    await b.handle(PROTOCOL, async (stream) => {
      const lp = lpStream(stream, { maxDataLength: 1 << 20 })
      try {
        for (;;) await lp.write(await lp.read())
      } catch {
        // The test closed the stream.
      }
    })
    await a.dial(b.getMultiaddrs())
  })

  afterEach(() => {
    restore?.()
    restore = undefined
  })

  afterAll(async () => {
    await Promise.all([a, b].map(async (n) => n?.stop()))
  })

  it('sends each noise message in one socket write: no lone 2-byte length prefix', async () => {
    const stream = await a.dialProtocol(b.peerId, PROTOCOL)
    const lp = lpStream(stream, { maxDataLength: 1 << 20 })
    await lp.write(new Uint8Array(10))
    await lp.read({ signal: AbortSignal.timeout(10_000) })
    const writes = recordSocketWrites()
    restore = writes.restore
    const rounds = 50
    for (let i = 0; i < rounds; i++) {
      await lp.write(new Uint8Array(100).fill(i))
      expect(bytes(await lp.read({ signal: AbortSignal.timeout(10_000) }))).toEqual(new Uint8Array(100).fill(i))
    }
    writes.restore()
    // Each round trip is one request and one answer, each one noise message; @chainsafe/libp2p-noise
    // alone writes its 2-byte length and the ciphertext apart (two writes per message).
    expect(writes.sizes.filter((n) => n === 2)).toEqual([])
    expect(writes.sizes.length).toBeGreaterThanOrEqual(2 * rounds)
    expect(writes.sizes.length).toBeLessThan(3 * rounds)
    await stream.close()
  })

  it('carries frames larger than one noise message (65,535 bytes) and many small ones intact', async () => {
    const stream = await a.dialProtocol(b.peerId, PROTOCOL)
    const lp = lpStream(stream, { maxDataLength: 1 << 20 })
    const frames = [new Uint8Array(200_000).map((_, i) => i % 251), new Uint8Array(1).fill(7), ...Array.from({ length: 100 }, (_, i) => new Uint8Array(300).fill(i))]
    await lp.writeV(frames)
    for (const frame of frames) expect(bytes(await lp.read({ signal: AbortSignal.timeout(10_000) }))).toEqual(frame)
    await stream.close()
  })

  it('reads a length from 2 bytes of either buffer kind, and answers fewer bytes with a length the buffer cannot hold yet, throwing nothing', () => {
    const decode = noiseLength(65_535)
    expect(decode(Uint8Array.of(0x01, 0x02, 0xff))).toBe(0x0102)
    expect(decode(new Uint8ArrayList(Uint8Array.of(0xff), Uint8Array.of(0xee)))).toBe(0xffee)
    // With 0 or 1 byte, the reader must wait: a length of the largest message, with its 2-byte
    // prefix, is more than the buffer holds.
    for (const data of [new Uint8Array(0), new Uint8ArrayList(Uint8Array.of(1))]) {
      const length = decode(data)
      expect(length).toBe(65_535)
      expect(2 + length).toBeGreaterThan(data.byteLength)
    }
  })

  it('with the reader noise uses, messages split anywhere, a byte at a time included, come out whole and once', () => {
    const decoder = new LengthPrefixedDecoder({ lengthDecoder: noiseLength(DEFAULT_NOISE_MAX), encodingLength: () => 2, maxBufferSize: 16 * 1024 * 1024 })
    const messages = Array.from({ length: 40 }, (_, i) => new Uint8Array(i * 37 % 300).fill(i))
    const wire = Uint8Array.from(messages.flatMap(m => [m.byteLength >> 8, m.byteLength & 0xff, ...m]))
    const out: Uint8Array[] = []
    // Chunks of 1, 2 and 3 bytes in turn: every offset in a length prefix ends a chunk somewhere.
    for (let at = 0, size = 1; at < wire.byteLength; at += size, size = size % 3 + 1) {
      for (const message of decoder.decode(wire.subarray(at, at + size))) out.push(bytes(message))
    }
    // The reader drops empty messages (as with its own decoder); every other one comes once.
    expect(out).toEqual(messages.filter(m => m.byteLength > 0))
  })
})
