/**
 * `npm run bench -- crypto`: murmur's crypto core against its own primitive floor and against
 * Signal's libsignal-client, with 100-byte messages (docs/benchmarks.md).
 *
 * For each provider (node, noble): burst, ping-pong and establish rates, and the floor of burst
 * and ping-pong (bench/crypto/floor.ts). Each workload runs in alternation with its floor and,
 * for the first provider (node by default), with libsignal's same workload in a child process,
 * so that every ratio compares runs made side by side. Prints a table and writes
 * bench/results/crypto.json.
 *
 * Options: --runs N (default 5), --target-ms MS per run (default 500), --providers node,noble,
 * --skip-libsignal, --quick (3 runs of 150 ms: a smoke run, not for figures), --only
 * burst|pingpong|establish (that workload and its floor, for profiling with node --cpu-prof;
 * prints the rates and writes no result file).
 */
import { createProvider, PROVIDER_NAMES } from '../src/crypto/providers/index.js'
import type { ProviderName } from '../src/crypto/provider.js'
import { burstFloor, pingPongFloor } from './crypto/floor.js'
import { LibsignalPeerError, startLibsignal, type LibsignalPeer } from './crypto/libsignal.js'
import { burst, establish, pingPong, MESSAGE_SIZE } from './crypto/workloads.js'
import { conversationFigures, pqBurst, pqPingPong, type ConversationFigures } from './crypto/pq.js'
import {
  BenchmarkCheckError, BenchmarkOptionError, formatNumber, formatTable, measureInterleaved, pairedRatio, positiveInteger, resultMeta,
  writeResult, type Measurement, type MeasureOptions, type Prepare, type ResultMeta
} from './harness.js'

const WORKLOADS = ['burst', 'pingpong', 'establish'] as const
type WorkloadName = typeof WORKLOADS[number]

/** Establishing a session takes milliseconds: a few hundred per run are plenty. */
const ESTABLISH_MAX_BATCH = 2000

export interface Rates { burst: number, pingpong: number, establish: number }
/**
 * The post-quantum part alone (bench/crypto/pq.ts), timed beside the full workloads: its cost
 * per message in microseconds, and its share of a message's time (median of paired ratios).
 */
export interface PqCost { costPerMessageUs: { burst: number, pingpong: number }, shareOfMessage: { burst: number, pingpong: number } }
export interface ProviderRates extends Rates { floor: { burst: number, pingpong: number }, pq: PqCost }

/** A figure and its bound: at least `min`, or at most `max`. */
export interface Target { name: string, value: number, min?: number, max?: number, met: boolean }

/** Per provider and workload, the measurements of everything that ran in alternation. */
type Details = Record<string, Partial<Record<WorkloadName, Record<string, Measurement>>>>

export interface CryptoResults {
  node?: ProviderRates
  noble?: ProviderRates
  libsignal: (Rates & { version: string, measuredWith: ProviderName }) | { error: string } | { skipped: true }
  /** Medians of per-round ratios (harness pairedRatio), not ratios of the medians above. */
  ratios: {
    nodeVsLibsignal?: Rates
    nobleVsLibsignal?: Rates
    nodeVsFloor?: { burst: number, pingpong: number }
    nobleVsFloor?: { burst: number, pingpong: number }
  }
  /** bench/crypto/pq.ts conversationFigures, measured with the node provider. */
  conversation?: ConversationFigures
  targets: Target[]
  meta: ResultMeta & { messageSize: number, targetMs: number, details: Details }
}

interface Options {
  measure: Required<Pick<MeasureOptions, 'runs' | 'targetMs'>>
  providers: ProviderName[]
  libsignal: boolean
  only?: WorkloadName
}

function parseOptions (args: string[]): Options {
  const options: Options = { measure: { runs: 5, targetMs: 500 }, providers: [...PROVIDER_NAMES], libsignal: true }
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]
    const value = (): string => {
      const v = args[++i]
      if (v === undefined) throw new BenchmarkOptionError(`${arg} needs a value`)
      return v
    }
    if (arg === '--runs') options.measure.runs = positiveInteger(arg, value())
    else if (arg === '--target-ms') options.measure.targetMs = Math.max(10, positiveInteger(arg, value()))
    else if (arg === '--quick') options.measure = { runs: 3, targetMs: 150 }
    else if (arg === '--skip-libsignal') options.libsignal = false
    else if (arg === '--only') {
      const name = value()
      if (!(WORKLOADS as readonly string[]).includes(name)) throw new BenchmarkOptionError(`--only takes one of ${WORKLOADS.join(', ')}`)
      options.only = name as WorkloadName
    } else if (arg === '--providers') {
      const names = value().split(',')
      for (const name of names) {
        if (!(PROVIDER_NAMES as readonly string[]).includes(name)) throw new BenchmarkOptionError(`unknown provider ${name}`)
      }
      options.providers = names as ProviderName[]
    } else throw new BenchmarkOptionError(`unknown option ${arg}`)
  }
  return options
}

function log (line: string): void {
  process.stderr.write(line + '\n')
}

/** What runs in alternation for one workload: murmur, its floor (if any), libsignal (if any). */
function contenders (name: WorkloadName, provider: ReturnType<typeof createProvider>, peer: LibsignalPeer | undefined): Record<string, Prepare> {
  const own: Record<WorkloadName, Record<string, Prepare>> = {
    burst: { murmur: burst(provider), floor: burstFloor(provider), pq: pqBurst(provider) },
    pingpong: { murmur: pingPong(provider), floor: pingPongFloor(provider), pq: pqPingPong(provider) },
    establish: { murmur: establish(provider, MESSAGE_SIZE) }
  }
  return peer === undefined ? own[name] : { ...own[name], libsignal: peer.workload(name) }
}

function measureOptions (name: WorkloadName, options: Options): MeasureOptions {
  return name === 'establish' ? { ...options.measure, maxBatch: ESTABLISH_MAX_BATCH } : options.measure
}

async function measureProvider (name: ProviderName, options: Options, peer: LibsignalPeer | undefined): Promise<Partial<Record<WorkloadName, Record<string, Measurement>>>> {
  const provider = createProvider(name)
  const measured: Partial<Record<WorkloadName, Record<string, Measurement>>> = {}
  for (const workload of WORKLOADS) {
    log(`${name}: ${workload}${peer === undefined ? '' : ' (alternating with libsignal)'}`)
    measured[workload] = await measureInterleaved(contenders(workload, provider, peer), measureOptions(workload, options))
  }
  return measured
}

/**
 * The targets of the brief: node >= 3x / 2x / 1x libsignal; noble >= 70% of its own floor;
 * at most 64 post-quantum bytes per message on average.
 */
function computeTargets (ratios: CryptoResults['ratios'], conversation: ConversationFigures | undefined): Target[] {
  const targets: Target[] = []
  const add = (name: string, value: number | undefined, min: number): void => {
    if (value !== undefined) targets.push({ name, value, min, met: value >= min })
  }
  if (conversation !== undefined) {
    targets.push({ name: 'post-quantum bytes per message, mean', value: conversation.bytesMean, max: 64, met: conversation.bytesMean <= 64 })
  }
  add('node / libsignal, burst', ratios.nodeVsLibsignal?.burst, 3)
  add('node / libsignal, ping-pong', ratios.nodeVsLibsignal?.pingpong, 2)
  add('node / libsignal, establish', ratios.nodeVsLibsignal?.establish, 1)
  add('noble / noble floor, burst', ratios.nobleVsFloor?.burst, 0.7)
  add('noble / noble floor, ping-pong', ratios.nobleVsFloor?.pingpong, 0.7)
  return targets
}

function rateRows (results: CryptoResults): string[][] {
  const rows: string[][] = []
  for (const name of ['node', 'noble'] as const) {
    const r = results[name]
    if (r === undefined) continue
    rows.push([name, formatNumber(r.burst), formatNumber(r.pingpong), formatNumber(r.establish)])
    rows.push([`  ${name} floor`, formatNumber(r.floor.burst), formatNumber(r.floor.pingpong), '-'])
  }
  const ls = results.libsignal
  if ('burst' in ls) rows.push([`libsignal ${ls.version}`, formatNumber(ls.burst), formatNumber(ls.pingpong), formatNumber(ls.establish)])
  return rows
}

function report (results: CryptoResults): string {
  const { runs, targetMs } = results.meta
  const lines = [
    `murmur crypto benchmark: ${MESSAGE_SIZE}-byte messages, ops/s, median of >= ${runs} runs of ~${targetMs} ms`,
    '',
    formatTable(['', 'burst', 'ping-pong', 'establish'], rateRows(results))
  ]
  if ('error' in results.libsignal) lines.push('', `libsignal: ${results.libsignal.error}`)
  const pqRows: string[][] = []
  for (const name of ['node', 'noble'] as const) {
    const pq = results[name]?.pq
    if (pq === undefined) continue
    pqRows.push([name, `${pq.costPerMessageUs.burst.toFixed(1)} us (${(pq.shareOfMessage.burst * 100).toFixed(1)} %)`, `${pq.costPerMessageUs.pingpong.toFixed(1)} us (${(pq.shareOfMessage.pingpong * 100).toFixed(1)} %)`])
  }
  if (pqRows.length > 0) lines.push('', 'post-quantum part per message (share of the message)', '', formatTable(['', 'burst', 'ping-pong'], pqRows))
  const c = results.conversation
  if (c !== undefined) {
    lines.push('', `post-quantum bytes per message over ${c.messages} messages: mean ${c.bytesMean.toFixed(1)}, max ${c.bytesMax}; on the wire after padding: mean ${c.wireBytesMean.toFixed(1)}, max ${c.wireBytesMax}`)
    lines.push(`messages per epoch: ping-pong ${c.messagesPerEpochPingPong}, bursts of 10 ${c.messagesPerEpochBursts}; epochs completed by 1,000 one-sided messages: ${c.epochsInOneSidedBurst}`)
  }
  if (results.targets.length > 0) {
    lines.push('', 'ratios are medians of per-round ratios of runs made side by side', '')
    lines.push(formatTable(['target', 'value', 'bound', 'met'], results.targets.map((t) => t.max !== undefined
      ? [t.name, t.value.toFixed(1), `<= ${t.max}`, t.met ? 'yes' : 'NO']
      : [t.name, `${t.value.toFixed(2)}x`, `>= ${String(t.min)}x`, t.met ? 'yes' : 'NO'])))
  }
  return lines.join('\n')
}

/** One workload (and its floor) per provider, nothing written: the target of a CPU profile. */
async function runOnly (only: WorkloadName, options: Options): Promise<void> {
  for (const name of options.providers) {
    const measured = await measureInterleaved(contenders(only, createProvider(name), undefined), measureOptions(only, options))
    for (const [key, m] of Object.entries(measured)) {
      process.stdout.write(`${name} ${only} ${key}: ${formatNumber(m.opsPerSec)} ops/s (spread ${(m.spread * 100).toFixed(0)}%)\n`)
    }
  }
}

/** Measures every provider; the first one alternates with libsignal when the peer is up. */
async function measureAll (options: Options, results: CryptoResults): Promise<void> {
  let peer: LibsignalPeer | undefined
  if (options.libsignal) {
    log('libsignal: starting the peer (bench/peers/libsignal)')
    const started = await startLibsignal({ size: MESSAGE_SIZE, log: (line) => { log(`libsignal: ${line}`) } })
    if ('error' in started) results.libsignal = started
    else peer = started
  }
  try {
    for (const name of options.providers) {
      let measured
      try {
        measured = await measureProvider(name, options, peer)
      } catch (err) {
        if (!(err instanceof LibsignalPeerError)) throw err
        // The peer failed mid-way: say why, and measure murmur on its own.
        results.libsignal = { error: err.message }
        peer?.close()
        peer = undefined
        measured = await measureProvider(name, options, undefined)
      }
      results.meta.details[name] = measured
      record(name, measured, peer, results)
      peer?.close()
      peer = undefined
    }
  } finally {
    peer?.close()
  }
}

function record (name: ProviderName, measured: Partial<Record<WorkloadName, Record<string, Measurement>>>, peer: LibsignalPeer | undefined, results: CryptoResults): void {
  const m = (workload: WorkloadName, who: string): Measurement => {
    const found = measured[workload]?.[who]
    if (found === undefined) throw new BenchmarkCheckError(`missing measurement ${workload}/${who}`)
    return found
  }
  results[name] = {
    burst: m('burst', 'murmur').opsPerSec,
    pingpong: m('pingpong', 'murmur').opsPerSec,
    establish: m('establish', 'murmur').opsPerSec,
    floor: { burst: m('burst', 'floor').opsPerSec, pingpong: m('pingpong', 'floor').opsPerSec },
    pq: {
      costPerMessageUs: { burst: 1e6 / m('burst', 'pq').opsPerSec, pingpong: 1e6 / m('pingpong', 'pq').opsPerSec },
      // murmur rate / pq-only rate = the pq part's time / a whole message's time.
      shareOfMessage: { burst: pairedRatio(m('burst', 'murmur'), m('burst', 'pq')), pingpong: pairedRatio(m('pingpong', 'murmur'), m('pingpong', 'pq')) }
    }
  }
  const vsFloor = { burst: pairedRatio(m('burst', 'murmur'), m('burst', 'floor')), pingpong: pairedRatio(m('pingpong', 'murmur'), m('pingpong', 'floor')) }
  if (name === 'node') results.ratios.nodeVsFloor = vsFloor
  else results.ratios.nobleVsFloor = vsFloor
  if (peer === undefined) return
  results.libsignal = {
    version: peer.version,
    measuredWith: name,
    burst: m('burst', 'libsignal').opsPerSec,
    pingpong: m('pingpong', 'libsignal').opsPerSec,
    establish: m('establish', 'libsignal').opsPerSec
  }
  const vsLibsignal: Rates = {
    burst: pairedRatio(m('burst', 'murmur'), m('burst', 'libsignal')),
    pingpong: pairedRatio(m('pingpong', 'murmur'), m('pingpong', 'libsignal')),
    establish: pairedRatio(m('establish', 'murmur'), m('establish', 'libsignal'))
  }
  if (name === 'node') results.ratios.nodeVsLibsignal = vsLibsignal
  else results.ratios.nobleVsLibsignal = vsLibsignal
}

export async function run (args: string[]): Promise<void> {
  const options = parseOptions(args)
  if (options.only !== undefined) {
    await runOnly(options.only, options)
    return
  }
  const results: CryptoResults = {
    libsignal: { skipped: true },
    ratios: {},
    targets: [],
    meta: { ...resultMeta(options.measure.runs), messageSize: MESSAGE_SIZE, targetMs: options.measure.targetMs, details: {} }
  }
  await measureAll(options, results)
  log('conversation figures (node provider)')
  results.conversation = conversationFigures(createProvider('node'))
  results.targets = computeTargets(results.ratios, results.conversation)

  process.stdout.write(report(results) + '\n')
  // Keys in reading order.
  const { node, noble, libsignal, ratios, conversation, targets, meta } = results
  const path = writeResult('crypto', {
    node,
    noble,
    libsignal,
    ratios,
    pq_overhead_bytes_mean: conversation?.bytesMean,
    pq_overhead_bytes_max: conversation?.bytesMax,
    pq_wire_bytes_mean: conversation?.wireBytesMean,
    pq_wire_bytes_max: conversation?.wireBytesMax,
    messages_per_epoch_pingpong: conversation?.messagesPerEpochPingPong,
    messages_per_epoch_bursts_of_10: conversation?.messagesPerEpochBursts,
    epochs_in_1000_one_sided_messages: conversation?.epochsInOneSidedBurst,
    targets,
    meta
  })
  process.stdout.write(`\nwrote ${path}\n`)
}
