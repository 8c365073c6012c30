/**
 * `npm run bench -- dm`: the dm protocol alone (docs/protocol.md part 6), between two nodes of
 * murmur's own assembly (createNode: TCP, noise in one write, yamux with bulk windows) in ONE
 * process, with a handler that answers every envelope `ok` at once: no ratchet, no store, no
 * messenger. What it measures is what every direct message pays below the messenger (framing,
 * the dm service's streams and acks, noise, yamux, TCP), as CPU of the one process:
 *
 * - flood: `--flood` envelopes of 200 payload bytes, at most `--window` in flight; CPU per
 *   envelope (sender and receiver together).
 * - round trips: `--rtt` envelopes one at a time, each awaited; CPU per round trip (both ends)
 *   and its wall p50.
 *
 * Both sides share one process, so the figures are CPU, not throughput: compare builds by
 * running them alternately (A B B A) in the same minutes. Why it exists (issue 9): `net`
 * measures the whole path, and a change below the messenger is lost in its noise; here the
 * layer is alone. Options: --rounds N (5), --flood N (10,000), --rtt N (1,000), --window N
 * (256), --quick. Writes bench/results/dm.json.
 */
import '../src/runtime/node20-shims.js'
import { randomBytes } from 'node:crypto'
import { generateKeyPair } from '@libp2p/crypto/keys'
import { dm, type DmService } from '../src/net/dm/index.js'
import { createNode, type MurmurNode } from '../src/net/node.js'
import { encodeEnvelope, type ParsedEnvelope } from '../src/wire/strict/envelope.js'
import { Envelope } from '../src/wire/envelope.js'
import { BenchmarkOptionError, formatNumber, formatTable, median, positiveInteger, resultMeta, writeResult } from './harness.js'

interface Options { rounds: number, flood: number, rtt: number, window: number }

function parseArgs (args: string[]): Options {
  const o: Options = { rounds: 5, flood: 10_000, rtt: 1000, window: 256 }
  const numeric: Record<string, keyof Options> = { '--rounds': 'rounds', '--flood': 'flood', '--rtt': 'rtt', '--window': 'window' }
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]
    const key = numeric[arg]
    if (key !== undefined) o[key] = positiveInteger(arg, args[++i] ?? '')
    else if (arg === '--quick') Object.assign(o, { rounds: 2, flood: 2000, rtt: 200 })
    else throw new BenchmarkOptionError(`unknown option ${arg}`)
  }
  return o
}

type DmNode = MurmurNode<{ dm: DmService }>

async function startNode (): Promise<DmNode> {
  return await createNode({ privateKey: await generateKeyPair('Ed25519'), listen: ['/ip4/127.0.0.1/tcp/0'], mdns: false, services: { dm: dm() } })
}

/** `count` envelopes from `from` to `to`, with a 200-byte payload each, made before timing. */
function envelopes (from: DmNode, to: DmNode, count: number): ParsedEnvelope[] {
  const sender = from.peerId.toMultihash().bytes
  const recipient = to.peerId.toMultihash().bytes
  return Array.from({ length: count }, () => encodeEnvelope({
    id: new Uint8Array(randomBytes(16)), sender, recipient, createdAt: BigInt(Date.now()), kind: Envelope.Kind.RATCHET, payload: new Uint8Array(randomBytes(200)), expiresAt: 0n
  }))
}

/** Sends `list` with at most `window` in flight; returns CPU (us) per envelope and wall per round trip (ms, when window is 1). */
async function send (from: DmNode, to: DmNode, list: ParsedEnvelope[], window: number): Promise<{ cpuUs: number, wallMs: number[] }> {
  let next = 0
  const wallMs: number[] = []
  const lane = async (): Promise<void> => {
    while (next < list.length) {
      const envelope = list[next++]
      const t0 = performance.now()
      const result = await from.services.dm.send(to.peerId, envelope, { signal: AbortSignal.timeout(30_000) })
      wallMs.push(performance.now() - t0)
      if (result.status !== 'ok') throw new Error(`unexpected answer ${result.status}`)
    }
  }
  const cpu0 = process.cpuUsage()
  await Promise.all(Array.from({ length: Math.min(window, list.length) }, lane))
  const cpu = process.cpuUsage(cpu0)
  return { cpuUs: (cpu.user + cpu.system) / list.length, wallMs }
}

export async function run (args: string[]): Promise<void> {
  const o = parseArgs(args)
  const [a, b] = await Promise.all([startNode(), startNode()])
  try {
    let received = 0
    b.services.dm.setHandler({ receive: async (_from, batch) => { received += batch.length; return batch.map(() => ({ status: 'ok' as const })) } })
    await a.dial(b.getMultiaddrs(), { signal: AbortSignal.timeout(10_000) })
    process.stderr.write('dm: warming up\n')
    await send(a, b, envelopes(a, b, 2000), o.window)
    const flood: number[] = []
    const rtt: number[] = []
    const rttP50: number[] = []
    for (let round = 0; round < o.rounds; round++) {
      flood.push((await send(a, b, envelopes(a, b, o.flood), o.window)).cpuUs)
      const seq = await send(a, b, envelopes(a, b, o.rtt), 1)
      rtt.push(seq.cpuUs)
      rttP50.push(median(seq.wallMs))
      process.stderr.write(`dm: round ${round + 1}: flood ${flood[round].toFixed(1)} us/envelope, round trip ${rtt[round].toFixed(0)} us CPU, p50 ${rttP50[round].toFixed(3)} ms\n`)
    }
    const expected = 2000 + o.rounds * (o.flood + o.rtt)
    if (received !== expected) throw new Error(`the handler got ${received} envelopes, expected ${expected}`)
    const result = {
      flood_cpu_us_per_envelope: Math.round(median(flood) * 10) / 10,
      rtt_cpu_us: Math.round(median(rtt)),
      rtt_p50_ms: Math.round(median(rttP50) * 1000) / 1000,
      meta: { ...resultMeta(o.rounds), options: o, details: { flood, rtt, rttP50 } }
    }
    process.stdout.write(formatTable(['dm protocol alone (both ends, one process)', 'median', 'rounds'], [
      ['flood: CPU per envelope (us)', formatNumber(result.flood_cpu_us_per_envelope), flood.map(v => v.toFixed(0)).join(' ')],
      ['round trip: CPU (us)', formatNumber(result.rtt_cpu_us), rtt.map(v => v.toFixed(0)).join(' ')],
      ['round trip: wall p50 (ms)', result.rtt_p50_ms.toFixed(3), rttP50.map(v => v.toFixed(2)).join(' ')]
    ]) + '\n')
    writeResult('dm', result)
  } finally {
    await Promise.all([a.stop(), b.stop()])
  }
}
