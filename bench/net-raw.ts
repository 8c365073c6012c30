/**
 * Worker process of `npm run bench -- net`: the raw libp2p baseline. The same node assembly
 * as murmur (createNode from src/net/node.ts: TCP, Noise, Yamux, identify, ping, DHT, the same
 * limits) but a bare protocol in place of murmur's messenger: no encryption of our own, no
 * store, only length-prefixed 100-byte frames on one open stream.
 *
 * - echo: every frame is written back; the client times write -> echoed frame (round trip).
 * - sink: frames are counted; a frame whose first byte is 1 ends a run and is answered with
 *   one byte. The client awaits each framed write, so this is "awaited frames per second",
 *   the figure NOTES.md gives as 22-31k/s for TCP here.
 */
import '../src/runtime/node20-shims.js'
import { setMaxListeners } from 'node:events'
import { generateKeyPair } from '@libp2p/crypto/keys'
import { lpStream, type LengthPrefixedStream } from '@libp2p/utils'
import { multiaddr } from '@multiformats/multiaddr'
import type { Stream } from '@libp2p/interface'
import { createNode, type MurmurNode } from '../src/net/node.js'
import { BenchmarkCheckError } from './harness.js'
import { fsyncFloor, ratchetFloor } from './net-floors.js'
import { nowMs, serve, settledMemory, type Handler } from './net-ipc.js'

export const ECHO_PROTOCOL = '/murmur-bench/echo/1.0.0'
export const SINK_PROTOCOL = '/murmur-bench/sink/1.0.0'
const FRAME_BYTES = 100
const MAX_FRAME = 4096
const IO_TIMEOUT_MS = 10_000

let node: MurmurNode | undefined
const streams = new Map<string, { stream: Stream, lp: LengthPrefixedStream<Stream> }>()

function requireNode (): MurmurNode {
  if (node === undefined) throw new BenchmarkCheckError('raw node not started')
  return node
}

async function serveEcho (stream: Stream): Promise<void> {
  const lp = lpStream(stream, { maxDataLength: MAX_FRAME })
  try {
    while (true) {
      const frame = await lp.read()
      await lp.write(frame)
    }
  } catch {
    // The client closed the stream at the end of the benchmark.
  }
}

async function serveSink (stream: Stream): Promise<void> {
  const lp = lpStream(stream, { maxDataLength: MAX_FRAME })
  try {
    while (true) {
      const frame = await lp.read()
      if (frame.get(0) === 1) await lp.write(Uint8Array.of(1))
    }
  } catch {
    // The client closed the stream at the end of the benchmark.
  }
}

async function start (): Promise<{ peerId: string, addresses: string[] }> {
  const privateKey = await generateKeyPair('Ed25519')
  node = await createNode({ privateKey, listen: ['/ip4/127.0.0.1/tcp/0'], mdns: false })
  const options = { maxInboundStreams: 4, maxOutboundStreams: 4 }
  await node.handle(ECHO_PROTOCOL, (stream) => { void serveEcho(stream) }, options)
  await node.handle(SINK_PROTOCOL, (stream) => { void serveSink(stream) }, options)
  return { peerId: node.peerId.toString(), addresses: node.getMultiaddrs().map(a => a.toString()) }
}

/** The one long-lived stream per (address, protocol), opened on first use, as murmur keeps one dm stream per peer. */
async function open (address: string, protocol: string): Promise<LengthPrefixedStream<Stream>> {
  const key = `${address} ${protocol}`
  const found = streams.get(key)
  if (found !== undefined) return found.lp
  const stream = await requireNode().dialProtocol(multiaddr(address), protocol, { signal: AbortSignal.timeout(IO_TIMEOUT_MS) })
  const lp = lpStream(stream, { maxDataLength: MAX_FRAME })
  streams.set(key, { stream, lp })
  return lp
}

/** Sequential round trips of a 100-byte frame on the echo stream. Milliseconds each. */
async function rtt (params: { address: string, count: number }): Promise<number[]> {
  const lp = await open(params.address, ECHO_PROTOCOL)
  const frame = new Uint8Array(FRAME_BYTES).fill(7)
  const out: number[] = []
  for (let i = 0; i < params.count; i++) {
    const signal = AbortSignal.timeout(IO_TIMEOUT_MS)
    const t0 = performance.now()
    await lp.write(frame, { signal })
    const echoed = await lp.read({ signal })
    out.push(performance.now() - t0)
    if (echoed.byteLength !== FRAME_BYTES) throw new BenchmarkCheckError(`echo returned ${echoed.byteLength} bytes`)
  }
  return out
}

/** `count` awaited framed writes one way, then the sink's one-byte answer. */
async function flood (params: { address: string, count: number }): Promise<{ startedAt: number, endedAt: number }> {
  const lp = await open(params.address, SINK_PROTOCOL)
  const frame = new Uint8Array(FRAME_BYTES).fill(7)
  const last = new Uint8Array(FRAME_BYTES).fill(7)
  last[0] = 1
  const signal = AbortSignal.timeout(IO_TIMEOUT_MS * 6)
  // lpStream's write waits for 'drain' with p-event, which adds an abort listener to `signal`
  // for each wait and never removes it: up to one per frame, for this one flood's signal.
  setMaxListeners(params.count + 1, signal)
  const startedAt = nowMs()
  for (let i = 0; i < params.count - 1; i++) await lp.write(frame, { signal })
  await lp.write(last, { signal })
  const answer = await lp.read({ signal })
  const endedAt = nowMs()
  if (answer.get(0) !== 1) throw new BenchmarkCheckError('sink gave a wrong answer')
  return { startedAt, endedAt }
}

async function stop (): Promise<void> {
  for (const { stream } of streams.values()) stream.abort(new Error('benchmark over'))
  streams.clear()
  await node?.stop()
  node = undefined
}

// The floors run here, beside the baseline, not in a murmur worker (net-floors.ts says why).
const handlers: Record<string, Handler> = { start, rtt, flood, memory: settledMemory, fsyncFloor, ratchetFloor }

serve(handlers, stop)
