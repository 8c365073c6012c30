/**
 * `npm run bench -- reach`: how fast murmur finds and reaches people (issue 8, "Benchmark";
 * docs/benchmarks.md "The reach benchmark").
 *
 * 1. Scale (bench/reach-scale.ts): 100 murmur nodes on this machine, several per process.
 *    Contact-record lookup by peer ID between random pairs that never talked (target p50 <
 *    500 ms), beside kad-dht's own peer lookup of the same targets; and send -> delivered for a
 *    contact never seen before (target p50 < 1 s), beside a second message on the same session.
 * 2. Behind NAT (bench/reach-nat.ts, the testbed of test/nat; needs root): start -> reachable
 *    through a relay, relayed -> direct connection after hole punching, and a message round trip
 *    over each, beside a public node's own start -> public and a round trip between two public
 *    nodes, repeated.
 *
 * Options: --only scale|nat, --nodes N (100), --workers N (4), --seeds N (4), --batch N (5),
 * --lookups N (200), --messages N (100), --min-table N (20), --reps N (NAT repetitions, 5),
 * --rtts N (round trips per path per repetition, 10), --seed N (pairs), --idle S (the idle window
 * after the wait for tables: CPU and connection closes per node, 30), --profile DIR (the scale
 * workers' CPU profiles of the idle window), --quick (12 nodes, 2 workers, 20 lookups, 10 messages, 1 NAT
 * repetition: a smoke run that writes no result file). With --only, the part run replaces its
 * own figures in bench/results/reach.json and the other part's stay as they were (each part's
 * meta says when it ran).
 */
import { existsSync, readFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { BenchmarkOptionError, formatNumber, formatTable, median, positiveInteger, repoRoot, resultMeta, writeResult } from './harness.js'
import { percentile } from './net-ipc.js'
import { runNat, type NatFigures } from './reach-nat.js'
import { runScale, type ScaleFigures, type ScaleOptions } from './reach-scale.js'

const PARTS = ['scale', 'nat'] as const
type Part = typeof PARTS[number]

interface Options extends ScaleOptions {
  only: Set<Part>
  reps: number
  rtts: number
  quick: boolean
}

function parseArgs (args: string[]): Options {
  const o: Options = {
    nodes: 100,
    workers: 4,
    seeds: 4,
    batch: 5,
    lookups: 200,
    messages: 100,
    minTable: 20,
    readyTimeoutMs: 300_000,
    lookupTimeoutMs: 10_000,
    messageTimeoutMs: 30_000,
    seed: 8,
    idleMs: 30_000,
    only: new Set(),
    reps: 5,
    rtts: 10,
    quick: false
  }
  const numeric: Record<string, keyof Options> = {
    '--ready-timeout': 'readyTimeoutMs',
    '--idle': 'idleMs',
    '--nodes': 'nodes', '--workers': 'workers', '--seeds': 'seeds', '--batch': 'batch', '--lookups': 'lookups', '--messages': 'messages', '--min-table': 'minTable', '--reps': 'reps', '--rtts': 'rtts', '--seed': 'seed'
  }
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]
    const key = numeric[arg]
    if (key !== undefined) {
      (o as unknown as Record<string, number>)[key] = positiveInteger(arg, args[++i] ?? '') * (key === 'readyTimeoutMs' || key === 'idleMs' ? 1000 : 1)
    } else if (arg === '--only') {
      const part = args[++i] as Part
      if (!PARTS.includes(part)) throw new BenchmarkOptionError(`--only takes ${PARTS.join('|')}`)
      o.only.add(part)
    } else if (arg === '--profile') {
      const dir = args[++i]
      if (dir === undefined) throw new BenchmarkOptionError('--profile needs a folder')
      o.profile = resolve(dir)
    } else if (arg === '--quick') {
      Object.assign(o, { nodes: 12, workers: 2, seeds: 2, lookups: 20, messages: 10, minTable: 5, idleMs: 5_000, reps: 1, rtts: 3, quick: true })
    } else {
      throw new BenchmarkOptionError(`unknown option ${arg}`)
    }
  }
  if (o.seeds > o.nodes) throw new BenchmarkOptionError('--seeds must not exceed --nodes')
  return o
}

const round1 = (x: number): number => Math.round(x * 10) / 10
const round2 = (x: number): number => Math.round(x * 100) / 100

interface Distribution { p50: number, p90: number, p99: number, max: number }

function distribution (values: number[]): Distribution {
  return { p50: round1(percentile(values, 50)), p90: round1(percentile(values, 90)), p99: round1(percentile(values, 99)), max: round1(Math.max(...values)) }
}

function countBy (names: string[]): Record<string, number> {
  const counts: Record<string, number> = {}
  for (const name of names) counts[name] = (counts[name] ?? 0) + 1
  return counts
}

function percent (part: number, whole: number): number {
  return whole === 0 ? 0 : Math.round((part / whole) * 1000) / 10
}

/** The scale figures, in the result file's names, and rows for the table. */
function scaleResults (f: ScaleFigures, o: Options, rows: string[][]): Record<string, unknown> {
  // A lookup or message that failed counts at the time it took to fail (the bound), so the
  // percentiles never look better than what a user saw; the failures are counted beside.
  const lookupMs = f.lookups.map(l => l.ms)
  const findPeerMs = f.lookups.map(l => l.findPeerMs)
  const lookupFailures = f.lookups.filter(l => !l.found)
  const firstMs = f.messages.map(m => (m.ms >= 0 ? m.ms : o.messageTimeoutMs))
  const delivered = f.messages.filter(m => m.ms >= 0)
  const secondMs = delivered.filter(m => m.secondMs >= 0).map(m => m.secondMs)
  const lookup = distribution(lookupMs)
  const findPeer = distribution(findPeerMs)
  const first = distribution(firstMs)
  const second = secondMs.length > 0 ? distribution(secondMs) : undefined
  const pairedLookup = median(f.lookups.map(l => l.ms / l.findPeerMs))
  const pairedFirst = second !== undefined ? median(delivered.filter(m => m.secondMs > 0).map(m => m.ms / m.secondMs)) : Number.NaN
  const split = (pred: (m: ScaleFigures['messages'][number]) => boolean): number | undefined => {
    const chosen = f.messages.filter(pred).map(m => (m.ms >= 0 ? m.ms : o.messageTimeoutMs))
    return chosen.length > 0 ? round1(median(chosen)) : undefined
  }
  const lan = f.tables.map(t => t.lan)
  const rssMb = f.memory.map(m => m.rss / 2 ** 20)

  rows.push(['contact-record lookup p50 / p99 (ms)', `${formatNumber(lookup.p50)} / ${formatNumber(lookup.p99)}`, `${formatNumber(findPeer.p50)} / ${formatNumber(findPeer.p99)}`, formatNumber(round2(pairedLookup)), 'p50 < 500'])
  rows.push(['first message send -> delivered p50 / p99 (ms)', `${formatNumber(first.p50)} / ${formatNumber(first.p99)}`, second !== undefined ? `${formatNumber(second.p50)} / ${formatNumber(second.p99)}` : '-', formatNumber(round2(pairedFirst)), 'p50 < 1000'])
  rows.push(['  first message, already connected / not (p50 ms)', `${formatNumber(split(m => m.connected))} / ${formatNumber(split(m => !m.connected))}`, '', '', ''])
  rows.push([`lookups not found / first messages not delivered in ${o.messageTimeoutMs / 1000} s`, `${lookupFailures.length} / ${f.messages.length - delivered.length}`, '', '', ''])
  rows.push(['LAN routing table min / median / max', `${Math.min(...lan)} / ${median(lan)} / ${Math.max(...lan)}`, '', '', ''])
  rows.push(['idle: CPU ms per node per s / connection closes per node per min', `${formatNumber(round2(f.idleCpuMsPerNodeS))} / ${formatNumber(round2(f.idleClosesPerNodeMin))}`, '', '', ''])
  rows.push(['load average (1 min) at start / ready / end', f.loadAverage.map(l => formatNumber(round1(l))).join(' / '), '', '', ''])

  return {
    nodes: f.nodes,
    lookup_p50_ms: lookup.p50,
    lookup_p99_ms: lookup.p99,
    first_message_p50_ms: first.p50,
    first_message_p99_ms: first.p99,
    scale: {
      workers: f.workers,
      seeds: f.seeds,
      lookups: f.lookups.length,
      lookup_ms: lookup,
      lookup_not_found: lookupFailures.length,
      lookup_errors: countBy(lookupFailures.map(l => l.error ?? 'unknown')),
      lookup_target_connected_before_pct: percent(f.lookups.filter(l => l.connected).length, f.lookups.length),
      baseline_kad_find_peer_ms: findPeer,
      baseline_kad_find_peer_not_found: f.lookups.filter(l => !l.findPeerFound).length,
      lookup_to_find_peer_ratio_p50: round2(pairedLookup),
      first_messages: f.messages.length,
      first_message_ms: first,
      first_message_not_delivered: f.messages.length - delivered.length,
      first_message_to_sent_p50_ms: delivered.length > 0 ? round1(median(delivered.map(m => m.sentMs))) : undefined,
      first_message_connected_before_pct: percent(f.messages.filter(m => m.connected).length, f.messages.length),
      first_message_known_before_pct: percent(f.messages.filter(m => m.known).length, f.messages.length),
      first_message_p50_ms_connected_before: split(m => m.connected),
      first_message_p50_ms_not_connected_before: split(m => !m.connected),
      baseline_second_message_ms: second,
      first_to_second_message_ratio_p50: round2(pairedFirst),
      node_start_p50_ms: round1(median(f.startMs)),
      tables_ready: f.ready,
      tables_ready_ms: Math.round(f.readyMs),
      lan_routing_table: { min: Math.min(...lan), p50: median(lan), max: Math.max(...lan) },
      record_republish_accepted: { min: Math.min(...f.republishAccepted), p50: median(f.republishAccepted), max: Math.max(...f.republishAccepted) },
      record_republish_failed: f.republishAccepted.filter(a => a < 0).length,
      worker_rss_mb: rssMb.map(round1),
      rss_per_node_mb: round1(rssMb.reduce((a, b) => a + b, 0) / f.nodes),
      worker_cpu_s: f.cpuSeconds.map(round1),
      idle_cpu_ms_per_node_s: round2(f.idleCpuMsPerNodeS),
      idle_connection_closes_per_node_min: round2(f.idleClosesPerNodeMin),
      load_average_start_ready_end: f.loadAverage.map(round1)
    }
  }
}

/** The NAT figures (medians over repetitions) and rows for the table. */
function natResults (f: NatFigures, rows: string[][]): Record<string, unknown> {
  const med = (values: number[]): number | undefined => (values.length > 0 ? round1(median(values)) : undefined)
  const relay = med(f.reps.flatMap(r => r.relayReachableMs))
  const spawnToRelayed = med(f.reps.flatMap(r => r.spawnToRelayedMs))
  const publicMs = med(f.reps.map(r => r.publicReachableMs))
  const punch = med(f.reps.flatMap(r => (r.directAfterPunchMs !== undefined ? [r.directAfterPunchMs] : [])))
  const relayedRtt = med(f.reps.flatMap(r => r.relayedRttMs))
  const directRtt = med(f.reps.flatMap(r => r.directRttMs))
  const publicRtt = med(f.reps.flatMap(r => r.publicRttMs))
  const ratio = (a: number | undefined, b: number | undefined): number | undefined => (a !== undefined && b !== undefined && b > 0 ? round2(a / b) : undefined)
  rows.push(['start -> reachable through a relay (ms)', formatNumber(relay), formatNumber(publicMs), formatNumber(ratio(relay, publicMs)), ''])
  rows.push(['relayed -> direct after hole punching (ms)', formatNumber(punch), '', '', ''])
  rows.push(['round trip relayed / direct (ms)', `${formatNumber(relayedRtt)} / ${formatNumber(directRtt)}`, formatNumber(publicRtt), `${formatNumber(ratio(relayedRtt, publicRtt))} / ${formatNumber(ratio(directRtt, publicRtt))}`, ''])
  return {
    relay_reachable_ms: relay,
    direct_after_punch_ms: punch,
    relayed_round_trip_ms: relayedRtt,
    direct_round_trip_ms: directRtt,
    nat: {
      repetitions: f.reps.length,
      baseline_public_reachable_ms: publicMs,
      relay_reachable_to_public_ratio: ratio(relay, publicMs),
      baseline_public_round_trip_ms: publicRtt,
      relayed_to_public_round_trip_ratio: ratio(relayedRtt, publicRtt),
      direct_to_public_round_trip_ratio: ratio(directRtt, publicRtt),
      spawn_to_relayed_ms: spawnToRelayed,
      relay_reachable_ms_all: f.reps.flatMap(r => r.relayReachableMs).map(round1),
      direct_after_punch_ms_all: f.reps.map(r => r.directAfterPunchMs),
      punch_methods: f.reps.map(r => r.punch.method),
      first_message_behind_nats_ms: med(f.reps.map(r => r.firstMessageMs)),
      first_message_relayed_only_ms: med(f.reps.map(r => r.relayedFirstMessageMs)),
      direct_path_verified: f.reps.every(r => r.directVerified),
      relayed_path_verified: f.reps.every(r => r.relayedVerified),
      punch_failed_on_random_mapping: f.reps.map(r => r.randomMappingPunchFailed),
      per_repetition: f.reps
    }
  }
}

export async function run (args: string[]): Promise<void> {
  const o = parseArgs(args)
  const parts = new Set<Part>(o.only.size > 0 ? o.only : PARTS)
  const rows: string[][] = []
  let figures: Record<string, unknown> = {}
  const targets: Array<{ name: string, value: number, limit: number, met: boolean }> = []
  if (parts.has('scale')) {
    const scale = scaleResults(await runScale(o), o, rows)
    figures = { ...figures, ...scale }
    targets.push({ name: 'contact-record lookup p50, ms', value: scale.lookup_p50_ms as number, limit: 500, met: (scale.lookup_p50_ms as number) < 500 })
    targets.push({ name: 'first message delivered p50, ms', value: scale.first_message_p50_ms as number, limit: 1000, met: (scale.first_message_p50_ms as number) < 1000 })
  }
  if (parts.has('nat')) {
    figures = { ...figures, ...natResults(await runNat({ reps: o.reps, rtts: o.rtts }), rows) }
  }
  process.stdout.write(formatTable(['figure', 'murmur', 'baseline', 'ratio', 'target'], rows) + '\n')
  for (const t of targets) process.stdout.write(`${t.met ? 'met   ' : 'MISSED'} ${t.name}: ${t.value} (limit ${t.limit})\n`)
  const { scale, nat, ...headline } = figures
  if (o.quick) {
    process.stdout.write(JSON.stringify(headline) + '\n')
    return
  }
  const meta = { ...resultMeta(o.reps), options: { ...o, only: [...o.only] } }
  const result: Record<string, unknown> = { ...headline, targets, scale, nat, meta: { scale: parts.has('scale') ? meta : undefined, nat: parts.has('nat') ? meta : undefined } }
  if (o.only.size > 0) mergePrevious(result, parts)
  process.stdout.write(`wrote ${writeResult('reach', result)}\n`)
}

const PART_KEYS: Record<Part, string[]> = {
  scale: ['nodes', 'lookup_p50_ms', 'lookup_p99_ms', 'first_message_p50_ms', 'first_message_p99_ms', 'scale'],
  nat: ['relay_reachable_ms', 'direct_after_punch_ms', 'relayed_round_trip_ms', 'direct_round_trip_ms', 'nat']
}

/** Keeps the figures (and targets, and meta) of the part not run from the previous result file. */
function mergePrevious (result: Record<string, unknown>, ran: Set<Part>): void {
  const path = join(repoRoot(), 'bench', 'results', 'reach.json')
  if (!existsSync(path)) return
  const previous = JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown> & { targets?: Array<{ name: string }>, meta?: Record<string, unknown> }
  const kept = PARTS.filter(p => !ran.has(p))
  for (const part of kept) {
    for (const key of PART_KEYS[part]) if (previous[key] !== undefined) result[key] = previous[key]
    ;(result.meta as Record<string, unknown>)[part] = previous.meta?.[part]
  }
  // The targets are the scale part's.
  if (kept.includes('scale')) result.targets = previous.targets ?? []
}
