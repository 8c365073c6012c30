/**
 * `npm run bench -- relay`: the mailbox relay (docs/relay.md, docs/benchmarks.md "The relay
 * benchmark"). Four worker processes (bench/relay-worker.ts): two relays, each alone in its
 * process on a classic-level store, one encrypted at rest (as every home with a passphrase is)
 * and one not; 20 senders; 10 mailbox owners. All on 127.0.0.1 over TCP, noise + yamux.
 *
 * Each round (--rounds, 6), steps 1 and 2 at both relays, each relay twice with half the
 * envelopes, in the order A B B A (rounds alternate which relay is A):
 * 1. Deposit: the 20 senders deposit `--drain` envelopes (100-byte payloads) into owner 0's
 *    mailbox, all at once, each sender one deposit at a time (awaiting each answer). Msg/s, and
 *    the relay process's CPU per deposit. Target: >= 5,000 msg/s.
 * 2. Drain: owner 0 comes back and subscribes; until every envelope is pushed, made durable in
 *    the owner's own classic-level store (one synced batch per push) and acked, and the relay
 *    holds none. Beside it, in the same round and process, the floor: level's own synced
 *    batch-write rate for as many entries in batches of the push size. Targets: drain >= 5,000
 *    msg/s and >= 25% of the floor (median of per-round ratios).
 * Then 3. Memory: the encrypted relay holding `--hold` (100,000) envelopes in 10 mailboxes; the
 * relay process's RSS and heap after a full GC, once it has gone quiet (V8 has shrunk the young
 * generation the deposits grew; the figure right after them is `rss_mb_100k_busy`). Target: RSS
 * <= 150 MB (envelopes belong on disk).
 * 4. Encryption at rest: the encrypted relay's deposit and drain rates and CPU per envelope
 * against the unencrypted one's, medians of the per-round ratios. Target: encrypted at most 15%
 * slower on deposits and drains.
 *
 * Before the rounds the bench waits until the network has formed: the 32 nodes start together
 * and fill their LAN DHT tables from each other (src/net/table-fill), which on 2 cores costs
 * the client processes a minute or more of CPU; measured inside a round, it was round 1's
 * collapse (docs/benchmarks.md, "Round 1"). Settled means every node's LAN table has reached
 * the filler's target, then a quiet window with no connection opened and no table changed.
 * Then a warm-up run at each measured relay, reported on its own (`warmup_*`), never in the
 * rounds. Dials and registrations that fail on a loaded machine are retried, counted in `meta.retries`;
 * connections opened during the rounds are counted in `connections_opened_in_rounds` (0 when
 * the rounds measured deposits and drains alone).
 *
 * Options: --rounds N (6: even, so that each relay leads as often), --drain N (10000), --hold N (100000; 0 skips step 3), --senders N (20),
 * --push-limit N, --push-window N, --warmup N (--drain: envelopes of the warm-up run at each relay; 0 skips it),
 * --profile DIR (workers write a .cpuprofile per phase; both relays, each during its own steps),
 * --deposits-only (step 1 alone at the encrypted relay, then a drain to empty it; prints per-round figures, writes no result:
 * for quick comparisons of two builds; --profile then profiles every round and the warm-up).
 * Writes bench/results/relay.json.
 */
import { randomBytes } from 'node:crypto'
import { mkdir, mkdtemp, rm } from 'node:fs/promises'
import { availableParallelism, tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { DEFAULT_DHT_LIMITS } from '../src/net/limits.js'
import { DEFAULT_FETCH_LIMIT } from '../src/relay/index.js'
import { BenchmarkCheckError, BenchmarkOptionError, formatNumber, formatTable, inABBAOrder, median, positiveInteger, relativeSpread, resultMeta, writeResult } from './harness.js'
import { profileWorkers, Worker, type MemoryFigures, type QuietMemoryFigures } from './net-ipc.js'
import type { NetworkState, PeerInfo } from './relay-worker.js'

interface Options { rounds: number, drain: number, hold: number, senders: number, pushLimit: number, pushWindow: number, warmup?: number, depositsOnly: boolean, profile?: string }

const OWNERS = 10
/** How long the bench waits for the network to settle (a cap, not a deadline that fails). */
const SETTLE_CAP_MS = 300_000
/** Settled: every LAN table at the filler's target, then this long with no connection opened and no table changed. */
const SETTLE_QUIET_MS = 5_000

function parseOptions (args: string[]): Options {
  const options: Options = { rounds: 6, drain: 10_000, hold: 100_000, senders: 20, pushLimit: DEFAULT_FETCH_LIMIT, pushWindow: 2, depositsOnly: false }
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]
    const value = (): string => {
      const v = args[++i]
      if (v === undefined) throw new BenchmarkOptionError(`${arg} needs a value`)
      return v
    }
    if (arg === '--rounds') options.rounds = positiveInteger(arg, value())
    else if (arg === '--drain') options.drain = positiveInteger(arg, value())
    else if (arg === '--hold') options.hold = Number(value())
    else if (arg === '--senders') options.senders = positiveInteger(arg, value())
    else if (arg === '--push-limit') options.pushLimit = positiveInteger(arg, value())
    else if (arg === '--push-window') options.pushWindow = positiveInteger(arg, value())
    else if (arg === '--warmup') options.warmup = Number(value())
    else if (arg === '--profile') options.profile = resolve(value())
    else if (arg === '--deposits-only') options.depositsOnly = true
    else throw new BenchmarkOptionError(`unknown option ${arg}`)
  }
  if (!Number.isInteger(options.hold) || options.hold < 0) throw new BenchmarkOptionError('--hold takes a whole number')
  if (options.warmup !== undefined && (!Number.isInteger(options.warmup) || options.warmup < 0)) throw new BenchmarkOptionError('--warmup takes a whole number')
  return options
}

function log (line: string): void {
  process.stderr.write(line + '\n')
}

interface Settling {
  settled: boolean
  ms: number
  /** Each process's CPU from its start until settled (s): the nodes' start and the network's forming. */
  cpuS: Record<string, number>
  connections: number
  lanPeers: number
}

async function networkStates (workers: Worker[]): Promise<NetworkState[]> {
  return await Promise.all(workers.map(async w => await w.call<NetworkState>('network')))
}

/** Connections the workers' nodes have opened since they started. */
async function connectionsOpened (workers: Worker[]): Promise<number> {
  return (await networkStates(workers)).reduce((sum, n) => sum + n.connectionsOpened, 0)
}

/**
 * Waits until the network has formed: every node's LAN routing table holds the table filler's
 * target (`peers` - 1 when the run has fewer nodes), so that no filler queries any more, and
 * then SETTLE_QUIET_MS pass with no connection opened and no table changed (at most
 * SETTLE_CAP_MS). Connection counts alone were not enough: they stood still for seconds at a
 * time while the fillers of 30 nodes kept two processes busy for another minute. Nor is the
 * processes' CPU: on a loaded machine a process that wants a whole core gets a tenth of one.
 */
async function settle (workers: Worker[], peers: number): Promise<Settling> {
  const target = Math.min(DEFAULT_DHT_LIMITS.fillTargetPeers, peers - 1)
  const started = Date.now()
  const sum = (states: NetworkState[], f: (n: NetworkState) => number): number => states.reduce((t, n) => t + f(n), 0)
  let since = { at: Date.now(), states: await networkStates(workers) }
  let settled = false
  for (;;) {
    await new Promise((resolve) => setTimeout(resolve, 500))
    const now = { at: Date.now(), states: await networkStates(workers) }
    const changed = sum(now.states, n => n.connectionsOpened) !== sum(since.states, n => n.connectionsOpened) ||
      sum(now.states, n => n.lanPeers) !== sum(since.states, n => n.lanPeers)
    const filled = now.states.every(n => n.lanPeersMin >= target)
    if (changed || !filled) since = now
    else if (now.at - since.at >= SETTLE_QUIET_MS) settled = true
    if (settled || Date.now() - started > SETTLE_CAP_MS) {
      return {
        settled,
        ms: Date.now() - started,
        cpuS: Object.fromEntries(workers.map((w, i) => [w.label, Math.round(now.states[i].cpuUs / 1e5) / 10])),
        connections: sum(now.states, n => n.connections),
        lanPeers: sum(now.states, n => n.lanPeers)
      }
    }
  }
}

interface Round {
  /** Connections any worker opened during the round's runs (0: the round measured deposits alone). */
  connectionsOpened: number
  depositPerSec: number
  relayCpuUsPerDeposit: number
  /** The 20 senders' CPU per deposit (their one process): with the relay's, what a deposit costs the machine. */
  sendersCpuUsPerDeposit: number
  drainPerSec: number
  relayCpuUsPerDrained: number
  floorPerSec: number
  /** Deposits per LevelDB batch write at the relay: the size of its group commits. */
  depositsPerWrite: number
  /** Deposits per batch committed at the relay: the size of the groups it decided together. */
  depositsPerCommit: number
}

/** Deposits then the drain of `count` envelopes at one relay; `connectionsOpened` by every worker meanwhile. */
interface RelayRun { count: number, depositMs: number, drainMs: number, depositCpuUs: number, sendersCpuUs: number, drainCpuUs: number, connectionsOpened: number, depositWrites: number, depositCommits: number }

/** Two runs at one relay as one: envelopes over summed times, CPU per envelope. */
function joinRuns (...runs: RelayRun[]): Omit<Round, 'floorPerSec'> {
  const sum = (f: (r: RelayRun) => number): number => runs.reduce((total, r) => total + f(r), 0)
  const count = sum(r => r.count)
  return {
    depositPerSec: count / (sum(r => r.depositMs) / 1000),
    relayCpuUsPerDeposit: sum(r => r.depositCpuUs) / count,
    sendersCpuUsPerDeposit: sum(r => r.sendersCpuUs) / count,
    drainPerSec: count / (sum(r => r.drainMs) / 1000),
    relayCpuUsPerDrained: sum(r => r.drainCpuUs) / count,
    connectionsOpened: sum(r => r.connectionsOpened),
    depositsPerWrite: count / Math.max(1, sum(r => r.depositWrites)),
    depositsPerCommit: count / Math.max(1, sum(r => r.depositCommits))
  }
}

/** The warm-up run's figures, reported beside the rounds and never in them. */
function warmupFigures (run: RelayRun | undefined): { depositPerSec: number, relayCpuUsPerDeposit: number, sendersCpuUsPerDeposit: number } | undefined {
  if (run === undefined) return undefined
  const r = joinRuns(run)
  return { depositPerSec: r.depositPerSec, relayCpuUsPerDeposit: r.relayCpuUsPerDeposit, sendersCpuUsPerDeposit: r.sendersCpuUsPerDeposit }
}

function describeRun (r: ReturnType<typeof joinRuns>): string {
  const opened = r.connectionsOpened === 0 ? '' : `; ${r.connectionsOpened} connection(s) opened meanwhile: not deposits alone`
  return `deposits ${Math.round(r.depositPerSec)} msg/s, relay CPU ${Math.round(r.relayCpuUsPerDeposit)} us each, senders ${Math.round(r.sendersCpuUsPerDeposit)}, ${r.depositsPerWrite.toFixed(1)} deposits per LevelDB write, ${r.depositsPerCommit.toFixed(1)} per commit${opened}`
}

/** One round's deposits and drain at the unencrypted relay. */
interface PlainRound {
  depositPerSec: number
  drainPerSec: number
  relayCpuUsPerEnvelope: number
  /** The relay's CPU per envelope drained, beside the encrypted relay's relayCpuUsPerDrained. */
  relayCpuUsPerDrained: number
}

/**
 * --deposits-only: `o.rounds` runs of step 1 at one relay (each followed by its drain, which
 * empties the mailbox); per round and as medians, deposits a second and the relay's and the
 * senders' CPU per deposit. The warm-up run (already done) is printed apart from the medians.
 * With --profile every round is profiled, so that rounds compare.
 */
async function depositRounds (o: Options, warmup: RelayRun | undefined, runAt: (round: number) => Promise<RelayRun>): Promise<void> {
  const runs: Array<ReturnType<typeof joinRuns>> = []
  for (let round = 0; round < o.rounds; round++) {
    const r = joinRuns(await runAt(round))
    runs.push(r)
    log(`relay: round ${round + 1}: ${describeRun(r)}`)
  }
  const w = warmupFigures(warmup)
  const m = (f: (r: ReturnType<typeof joinRuns>) => number): string => formatNumber(Math.round(median(runs.map(f))))
  process.stdout.write(formatTable(['measure (median of rounds)', 'value'], [
    [`deposit, ${o.senders} senders (msg/s)`, m(r => r.depositPerSec)],
    ['  relay CPU per deposit (us)', m(r => r.relayCpuUsPerDeposit)],
    ['  senders\' CPU per deposit (us)', m(r => r.sendersCpuUsPerDeposit)],
    ['  relay + senders CPU per deposit (us)', m(r => r.relayCpuUsPerDeposit + r.sendersCpuUsPerDeposit)],
    ['  deposits per LevelDB write at the relay', median(runs.map(r => r.depositsPerWrite)).toFixed(1)],
    ['  deposits per batch committed at the relay', median(runs.map(r => r.depositsPerCommit)).toFixed(1)],
    ...(w === undefined
      ? []
      : [['warm-up run, not in the medians (msg/s)', formatNumber(Math.round(w.depositPerSec))],
          ['  relay / senders CPU per deposit (us)', `${formatNumber(Math.round(w.relayCpuUsPerDeposit))} / ${formatNumber(Math.round(w.sendersCpuUsPerDeposit))}`]])
  ]) + '\n')
}

export async function run (args: string[]): Promise<void> {
  const o = parseOptions(args)
  const folder = await mkdtemp(join(tmpdir(), 'murmur-bench-relay-'))
  const script = join(dirname(fileURLToPath(import.meta.url)), 'relay-worker.js')
  const relayW = new Worker('relay', script, ['--expose-gc'])
  const plainW = new Worker('relay-plain', script, ['--expose-gc'])
  const sendersW = new Worker('senders', script, ['--expose-gc'])
  const ownersW = new Worker('owners', script, ['--expose-gc'])
  const workers = [relayW, plainW, sendersW, ownersW]
  try {
    const capability = randomBytes(32).toString('hex')
    const relayInit = { capacity: OWNERS * o.hold + o.drain * o.rounds, pushLimit: o.pushLimit, pushWindow: o.pushWindow }
    const relay = await relayW.call<PeerInfo>('startRelay', { home: join(folder, 'relay'), encrypted: true, ...relayInit })
    const plain = await plainW.call<PeerInfo>('startRelay', { home: join(folder, 'relay-plain'), encrypted: false, ...relayInit })
    const owners = await ownersW.call<PeerInfo[]>('startClients', { count: OWNERS })
    await sendersW.call<PeerInfo[]>('startClients', { count: o.senders }, 120_000)
    let retries = 0
    // --deposits-only measures the encrypted relay alone: nobody dials the other one.
    const measured = o.depositsOnly ? [[relayW, relay] as const] : [[relayW, relay] as const, [plainW, plain] as const]
    for (const [w, r] of measured) {
      for (const c of [ownersW, sendersW]) retries += await c.call<number>('connect', { to: r }, 600_000)
      await w.call('trust', { peerIds: owners.map(p => p.peerId) })
      retries += await ownersW.call<number>('register', { relay: r.peerId, capability }, 300_000)
    }
    // The nodes that make up the network: the measured relays, the owners and the senders.
    const members = [...measured.map(([w]) => w), ownersW, sendersW]
    const settling = await settle(members, measured.length + OWNERS + o.senders)
    const setupCpu = Object.entries(settling.cpuS).map(([label, s]) => `${label} ${s} s`).join(', ')
    log(`relay: ${settling.settled ? 'network settled' : `network still forming after ${SETTLE_CAP_MS / 1000} s; measuring anyway`} in ${Math.round(settling.ms / 1000)} s (${settling.connections} connection ends, ${settling.lanPeers} LAN table entries; CPU since start: ${setupCpu}); ${retries} dial(s) retried`)

    const rounds: Round[] = []
    const drained = join(folder, 'owner')
    await mkdir(drained, { recursive: true })
    /**
     * `count` deposits then the drain at one relay: times, and the relay's CPU for each step.
     * With --profile, each step is profiled in `profiling` (one file per worker and phase, the
     * last round's).
     */
    const runAt = async (w: Worker, r: PeerInfo, count: number, profiling: Worker[], tag = ''): Promise<RelayRun> => {
      const step = async <T>(phase: string, body: () => Promise<T>): Promise<T> => {
        const { value, files } = await profileWorkers(o.profile, `relay-${phase}${tag}`, profiling, body)
        for (const file of files) log(`relay: wrote ${file}`)
        return value
      }
      const opened0 = await connectionsOpened(workers)
      const c0 = await w.call<number>('cpu')
      const writes0 = await w.call<{ writes: number, commits: number }>('storeWrites')
      const d = await step('deposit', async () => await sendersW.call<{ ms: number, cpuUs: number }>('deposit', { relay: r.peerId, recipients: [owners[0].peerId], count, capability }, 600_000))
      const c1 = await w.call<number>('cpu')
      const writes1 = await w.call<{ writes: number, commits: number }>('storeWrites')
      const heldNow = await ownersW.call<number>('held', { relay: r.peerId, index: 0 })
      if (heldNow !== count) throw new BenchmarkCheckError(`relay ${r.peerId} holds ${heldNow}, expected ${count}`)
      const dr = await step('drain', async () => await ownersW.call<{ ms: number }>('drain', { relay: r.peerId, expected: count, folder: drained }, 600_000))
      const c2 = await w.call<number>('cpu')
      const opened = await connectionsOpened(workers) - opened0
      return { count, depositMs: d.ms, drainMs: dr.ms, depositCpuUs: c1 - c0, sendersCpuUs: d.cpuUs, drainCpuUs: c2 - c1, connectionsOpened: opened, depositWrites: writes1.writes - writes0.writes, depositCommits: writes1.commits - writes0.commits }
    }
    // The warm-up: one run at each measured relay before the rounds (first streams, JIT), its
    // figures kept apart from the rounds' (`warmup_*`).
    const warmupCount = o.warmup ?? o.drain
    const warmup = async (w: Worker, r: PeerInfo, profiling: Worker[]): Promise<RelayRun | undefined> => {
      if (warmupCount === 0) return undefined
      const run = await runAt(w, r, warmupCount, profiling, '-warmup')
      log(`relay: warm-up at ${w.label}, not in the figures: ${describeRun(joinRuns(run))}`)
      return run
    }
    if (o.depositsOnly) {
      const profiled = [relayW, sendersW]
      const warm = await warmup(relayW, relay, profiled)
      await depositRounds(o, warm, (round) => runAt(relayW, relay, o.drain, profiled, `-r${round + 1}`))
      return
    }
    const warmEncrypted = warmupFigures(await warmup(relayW, relay, []))
    const warmPlain = warmupFigures(await warmup(plainW, plain, []))
    const plainRounds: PlainRound[] = []
    for (let round = 0; round < o.rounds; round++) {
      // Each relay twice with half the envelopes, A B B A (inABBAOrder; rounds alternate A).
      const half = Math.max(1, Math.round(o.drain / 2))
      const [encryptedRuns, plainRuns] = await inABBAOrder(
        // Profiled: every worker but the idle unencrypted relay during the encrypted relay's
        // steps, and the unencrypted relay during its own, so that the two relays' profiles compare.
        async () => await runAt(relayW, relay, half, workers.filter((w) => w !== plainW)),
        async () => await runAt(plainW, plain, half, [plainW]),
        round % 2 === 1)
      const e = joinRuns(...encryptedRuns)
      const p = joinRuns(...plainRuns)
      const floor = await ownersW.call<number>('levelFloor', { folder: drained, n: o.drain, batchSize: o.pushLimit }, 600_000)
      const figures: Round = { ...e, connectionsOpened: e.connectionsOpened + p.connectionsOpened, floorPerSec: floor }
      rounds.push(figures)
      plainRounds.push({ depositPerSec: p.depositPerSec, drainPerSec: p.drainPerSec, relayCpuUsPerEnvelope: p.relayCpuUsPerDeposit + p.relayCpuUsPerDrained, relayCpuUsPerDrained: p.relayCpuUsPerDrained })
      log(`relay: round ${round + 1}: unencrypted relay: deposits ${Math.round(p.depositPerSec)} msg/s, drain ${Math.round(p.drainPerSec)} msg/s (relay CPU ${Math.round(p.relayCpuUsPerDrained)} us each)`)
      log(`relay: round ${round + 1}: ${describeRun(e)}; drain ${Math.round(figures.drainPerSec)} msg/s (relay CPU ${Math.round(figures.relayCpuUsPerDrained)} us each), floor ${Math.round(floor)} puts/s`)
      if (p.connectionsOpened > 0) log(`relay: round ${round + 1}: ${p.connectionsOpened} connection(s) opened during the unencrypted relay's runs`)
    }

    let memory: QuietMemoryFigures | undefined
    let busy: MemoryFigures | undefined
    let idle: MemoryFigures | undefined
    if (o.hold > 0) {
      // The same process before: what holding the envelopes adds to it.
      idle = await relayW.call<MemoryFigures>('memory')
      log(`relay: depositing ${o.hold} envelopes to hold in ${OWNERS} mailboxes`)
      await sendersW.call('deposit', { relay: relay.peerId, recipients: owners.map(p => p.peerId), count: o.hold, capability }, 1_800_000)
      let total = 0
      for (let i = 0; i < OWNERS; i++) total += await ownersW.call<number>('held', { relay: relay.peerId, index: i })
      if (total !== o.hold) throw new BenchmarkCheckError(`relay holds ${total}, expected ${o.hold}`)
      busy = await relayW.call<MemoryFigures>('memory')
      // The holding, not the deposits' high-water mark: once V8 has shrunk the young generation
      // the deposits grew (bench/net-ipc.ts quietMemory; docs/benchmarks.md "The relay benchmark").
      memory = await relayW.call<QuietMemoryFigures>('quietMemory', {}, 300_000)
      log(`relay: holding ${o.hold}: RSS ${Math.round(busy.rss / 2 ** 20)} MB right after the deposits, ${Math.round(memory.rss / 2 ** 20)} MB ${memory.quiet ? 'once V8 had shrunk its young generation' : 'after the wait (V8 had not shrunk its young generation)'}, ${Math.round(memory.waitedMs / 1000)} s later`)
    }

    const pick = (f: (r: Round) => number): number[] => rounds.map(f)
    const deposit = median(pick(r => r.depositPerSec))
    const drain = median(pick(r => r.drainPerSec))
    const floor = median(pick(r => r.floorPerSec))
    const drainVsFloor = median(pick(r => r.drainPerSec / r.floorPerSec))
    const relayCpu = pick(r => r.relayCpuUsPerDeposit + r.relayCpuUsPerDrained)
    // The senders and the relay share this machine's cores: at their CPU per deposit, the most
    // deposits per second the cores could carry with nothing waiting (a ceiling, not a floor).
    const depositCpuUs = median(pick(r => r.relayCpuUsPerDeposit + r.sendersCpuUsPerDeposit))
    const depositCeiling = availableParallelism() * 1e6 / depositCpuUs
    // Medians of the per-round ratios: each round's two runs sat next to each other in time.
    const depositRatio = median(rounds.map((r, i) => r.depositPerSec / plainRounds[i].depositPerSec))
    const drainRatio = median(rounds.map((r, i) => r.drainPerSec / plainRounds[i].drainPerSec))
    const cpuRatio = median(relayCpu.map((c, i) => c / plainRounds[i].relayCpuUsPerEnvelope))
    const rssMb = memory === undefined ? null : Math.round(memory.rss / 2 ** 20)
    const heapMb = memory === undefined ? null : Math.round(memory.heapUsed / 2 ** 20)
    const result = {
      deposit_msgs_per_s: Math.round(deposit),
      drain_msgs_per_s: Math.round(drain),
      level_floor_per_s: Math.round(floor),
      drain_vs_floor: Math.round(drainVsFloor * 1000) / 1000,
      relay_cpu_us_per_deposit: Math.round(median(pick(r => r.relayCpuUsPerDeposit))),
      senders_cpu_us_per_deposit: Math.round(median(pick(r => r.sendersCpuUsPerDeposit))),
      deposit_cpu_ceiling_msgs_per_s: Math.round(depositCeiling),
      relay_cpu_us_per_drained: Math.round(median(pick(r => r.relayCpuUsPerDrained))),
      relay_cpu_us_per_drained_plain: Math.round(median(plainRounds.map(p => p.relayCpuUsPerDrained))),
      rss_mb_100k: rssMb,
      heap_mb_100k: heapMb,
      rss_mb_100k_busy: busy === undefined ? null : Math.round(busy.rss / 2 ** 20),
      rss_mb_before_hold: idle === undefined ? null : Math.round(idle.rss / 2 ** 20),
      deposit_msgs_per_s_plain: Math.round(median(plainRounds.map(p => p.depositPerSec))),
      drain_msgs_per_s_plain: Math.round(median(plainRounds.map(p => p.drainPerSec))),
      encryption_deposit_ratio: Math.round(depositRatio * 100) / 100,
      encryption_drain_ratio: Math.round(drainRatio * 100) / 100,
      relay_cpu_us_per_envelope: { encrypted: Math.round(median(relayCpu)), plain: Math.round(median(plainRounds.map(p => p.relayCpuUsPerEnvelope))) },
      encryption_cpu_ratio: Math.round(cpuRatio * 100) / 100,
      // The warm-up runs (one per relay, before the rounds): reported, never in the figures above.
      warmup_deposit_msgs_per_s: warmEncrypted === undefined ? null : Math.round(warmEncrypted.depositPerSec),
      warmup_relay_cpu_us_per_deposit: warmEncrypted === undefined ? null : Math.round(warmEncrypted.relayCpuUsPerDeposit),
      warmup_senders_cpu_us_per_deposit: warmEncrypted === undefined ? null : Math.round(warmEncrypted.sendersCpuUsPerDeposit),
      warmup_deposit_msgs_per_s_plain: warmPlain === undefined ? null : Math.round(warmPlain.depositPerSec),
      // 0 when every round measured deposits alone, with no handshake or DHT forming inside it.
      connections_opened_in_rounds: rounds.reduce((sum, r) => sum + r.connectionsOpened, 0),
      targets: [
        { name: 'deposits from 20 senders >= 5,000 msg/s', value: Math.round(deposit), min: 5000, met: deposit >= 5000 },
        { name: 'drain >= 5,000 msg/s', value: Math.round(drain), min: 5000, met: drain >= 5000 },
        { name: 'drain >= 25% of level\'s batch floor', value: Math.round(drainVsFloor * 1000) / 1000, min: 0.25, met: drainVsFloor >= 0.25 },
        ...(rssMb === null ? [] : [{ name: `relay RSS holding ${o.hold} envelopes <= 150 MB`, value: rssMb, max: 150, met: rssMb <= 150 }]),
        { name: 'deposits encrypted / unencrypted >= 0.85', value: Math.round(depositRatio * 100) / 100, min: 0.85, met: depositRatio >= 0.85 },
        { name: 'drain encrypted / unencrypted >= 0.85', value: Math.round(drainRatio * 100) / 100, min: 0.85, met: drainRatio >= 0.85 }
      ],
      meta: {
        ...resultMeta(o.rounds),
        rounds: o.rounds,
        drain: o.drain,
        hold: o.hold,
        senders: o.senders,
        payloadBytes: 100,
        pushSize: o.pushLimit,
        pushWindow: o.pushWindow,
        settled: settling.settled,
        settleMs: settling.ms,
        setupCpuS: settling.cpuS,
        warmup: warmupCount,
        retries,
        details: { rounds, plainRounds, memory, busy, beforeHold: idle }
      }
    }
    process.stdout.write(formatTable(['measure', 'value', 'spread'], [
      [`deposit, ${o.senders} senders (msg/s)`, formatNumber(result.deposit_msgs_per_s), `${Math.round(relativeSpread(pick(r => r.depositPerSec)) * 100)}%`],
      ['  relay CPU per deposit (us)', formatNumber(result.relay_cpu_us_per_deposit), ''],
      ['  senders\' CPU per deposit (us)', formatNumber(result.senders_cpu_us_per_deposit), ''],
      [`  ceiling: ${availableParallelism()} cores / (relay + senders CPU) (msg/s)`, formatNumber(result.deposit_cpu_ceiling_msgs_per_s), ''],
      ['drain (msg/s)', formatNumber(result.drain_msgs_per_s), `${Math.round(relativeSpread(pick(r => r.drainPerSec)) * 100)}%`],
      ['  relay CPU per envelope drained (us)', `${formatNumber(result.relay_cpu_us_per_drained)} (unencrypted ${formatNumber(result.relay_cpu_us_per_drained_plain)})`, ''],
      ['level floor, synced batches (puts/s)', formatNumber(result.level_floor_per_s), `${Math.round(relativeSpread(pick(r => r.floorPerSec)) * 100)}%`],
      ['drain / floor (median of rounds)', result.drain_vs_floor.toFixed(2), ''],
      ['unencrypted relay: deposit / drain (msg/s)', `${formatNumber(result.deposit_msgs_per_s_plain)} / ${formatNumber(result.drain_msgs_per_s_plain)}`, ''],
      ['  encrypted / unencrypted: deposit, drain', `${result.encryption_deposit_ratio.toFixed(2)}, ${result.encryption_drain_ratio.toFixed(2)}`, ''],
      ['  relay CPU per envelope, encrypted vs not (us)', `${formatNumber(result.relay_cpu_us_per_envelope.encrypted)} vs ${formatNumber(result.relay_cpu_us_per_envelope.plain)}`, result.encryption_cpu_ratio.toFixed(2)],
      ['warm-up run, not in the figures: deposits (msg/s)', formatNumber(result.warmup_deposit_msgs_per_s ?? undefined), ''],
      ['  relay / senders CPU per deposit (us)', `${formatNumber(result.warmup_relay_cpu_us_per_deposit ?? undefined)} / ${formatNumber(result.warmup_senders_cpu_us_per_deposit ?? undefined)}`, ''],
      ['connections opened during the rounds', String(result.connections_opened_in_rounds), ''],
      [`relay RSS holding ${o.hold} envelopes (MB)`, formatNumber(rssMb ?? undefined), ''],
      ['  heap (MB)', formatNumber(heapMb ?? undefined), ''],
      ['  RSS right after the deposits (MB)', formatNumber(result.rss_mb_100k_busy ?? undefined), ''],
      ['  RSS of the same process before (MB)', formatNumber(result.rss_mb_before_hold ?? undefined), '']
    ]) + '\n')
    for (const t of result.targets) process.stdout.write(`${t.met ? 'met   ' : 'MISSED'} ${t.name}: ${t.value}\n`)
    process.stdout.write(`dials retried: ${retries}\n`)
    process.stdout.write(`wrote ${writeResult('relay', result)}\n`)
  } finally {
    await Promise.allSettled(workers.map(async w => { await w.close() }))
    await rm(folder, { recursive: true, force: true })
  }
}
