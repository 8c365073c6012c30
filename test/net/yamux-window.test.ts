// yamux window updates sent in bulk (src/net/yamux-window.ts): a receiver grants window back
// once half of yamux's initial window is owed, not after every data frame, and a sender never
// stalls on it. Real libp2p nodes (createNode) on 127.0.0.1.
import { generateKeyPair } from '@libp2p/crypto/keys'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createNode, type MurmurNode } from '../../src/net/node.js'
import { WINDOW_UPDATE_THRESHOLD } from '../../src/net/yamux-window.js'
import type { Stream } from '@libp2p/interface'

const PROTOCOL = '/murmur-test/window/1.0.0'
const TEST_LIMITS = { connections: { inboundConnectionThreshold: 1000 } }
/** yamux's initial stream window (@chainsafe/libp2p-yamux INITIAL_STREAM_WINDOW). */
const INITIAL_WINDOW = 256 * 1024

/** What the sending side may still send before it needs a window update (a field yamux keeps private). */
function sendWindow (stream: Stream): number {
  return (stream as unknown as { sendWindowCapacity: number }).sendWindowCapacity
}

/** Sends `total` bytes in `chunk`-byte writes, waiting for 'drain' whenever send() says so. */
async function sendBytes (stream: Stream, total: number, chunk: number): Promise<void> {
  for (let sent = 0; sent < total; sent += chunk) {
    if (!stream.send(new Uint8Array(Math.min(chunk, total - sent)))) await stream.onDrain({ signal: AbortSignal.timeout(20_000) })
  }
}

describe('yamux window updates in bulk', () => {
  let a: MurmurNode
  let b: MurmurNode
  /** Bytes b has read on the test protocol; a one-byte answer goes back at each `answerAt`. */
  let received = 0
  let answerAt: number[] = []

  beforeAll(async () => {
    [a, b] = await Promise.all([0, 1].map(async () => createNode({
      privateKey: await generateKeyPair('Ed25519'), listen: ['/ip4/127.0.0.1/tcp/0'], limits: TEST_LIMITS
    })))
    await b.handle(PROTOCOL, (stream) => {
      stream.addEventListener('message', (evt) => {
        received += evt.data.byteLength
        while (answerAt.length > 0 && received >= answerAt[0]) {
          answerAt.shift()
          stream.send(new Uint8Array(1))
        }
      })
    })
    await a.dial(b.getMultiaddrs())
  })

  afterAll(async () => {
    await Promise.all([a, b].map(async (n) => n?.stop()))
  })

  it('grants no window back while less than half a window is owed, then all of it at once; never stalls the sender', async () => {
    received = 0
    const stream = await a.dialProtocol(b.peerId, PROTOCOL)
    const answered = (): Promise<void> => new Promise((resolve) => {
      stream.addEventListener('message', () => { resolve() }, { once: true })
    })
    // 100 small frames, under the threshold: b reads them all (its answer says so) and owes
    // them; yamux as shipped would have sent 100 window updates back, restoring the window.
    const small = 100 * 1000
    expect(small).toBeLessThan(WINDOW_UPDATE_THRESHOLD)
    answerAt = [small]
    let answer = answered()
    await sendBytes(stream, small, 1000)
    await answer
    expect(received).toBe(small)
    expect(sendWindow(stream)).toBe(INITIAL_WINDOW - small)
    // Past the threshold the owed credit comes back in one update.
    const more = WINDOW_UPDATE_THRESHOLD - small + 1000
    answerAt = [small + more]
    answer = answered()
    await sendBytes(stream, more, 1000)
    await answer
    expect(sendWindow(stream)).toBeGreaterThanOrEqual(INITIAL_WINDOW - 1000)
    // 8 MiB in 1 kB frames, many windows' worth: it all arrives, so no update was held too long.
    const bulk = 8 << 20
    const total = small + more + bulk
    answerAt = [total]
    answer = answered()
    await sendBytes(stream, bulk, 1000)
    await answer
    expect(received).toBe(total)
    await stream.close()
  })
})
