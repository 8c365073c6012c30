/**
 * The NAT part of `npm run bench -- reach` (docs/benchmarks.md "The reach benchmark"): real
 * `murmur start` processes in the network namespaces of the NAT testbed (test/nat/README.md:
 * home routers doing source NAT with a stateful filter, an internet that drops packets to
 * private addresses). Needs root, `ip` and `nft`, as the NAT tests do.
 *
 * Each repetition builds two testbeds, one after the other:
 *
 * - "punch": carol (publicA) relays; dave (publicB) is a public user; alice (homeA) and bob
 *   (homeB) sit behind port-preserving NATs. Timed: alice's and bob's 'started' line to their
 *   'reachability' event with mode 'relayed' (`relay_reachable_ms`), beside dave's 'started' to
 *   'public' (AutoNAT confirming a public address: the baseline); alice's first message to bob;
 *   bob's `connection` event with status 'direct' and its `ms`, from the relayed connection's
 *   arrival to the direct one (`direct_after_punch_ms`); then round trips alice -> bob over the
 *   direct connection, beside round trips dave -> carol between two public nodes.
 * - "relayed": the same homes, router B with `mapping: 'random'` so that the punch fails (bob's
 *   `connection` event says 'relayed'); then round trips alice -> bob over the relay.
 *
 * A round trip is `send` with wait until 'delivered' (the recipient's encrypted receipt),
 * through each node's local API from a client inside its namespace (bench/reach-nat-client.ts).
 */
import type { ChildProcess } from 'node:child_process'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { createTestbed, type HostName, type Testbed } from '../test/nat/testbed.js'
import { BenchmarkCheckError, repoRoot } from './harness.js'
import { nowMs } from './net-ipc.js'
import { runCli } from './web-nodes.js'

export interface NatOptions {
  reps: number
  rtts: number
}

export interface NatRepetition {
  /** alice and bob: 'started' -> 'reachability' mode 'relayed', ms. */
  relayReachableMs: number[]
  /** The same from the process spawn (the 'started' line comes after the store, libp2p and the API are up). */
  spawnToRelayedMs: number[]
  /** dave, a public node: 'started' -> 'reachability' mode 'public' (the baseline). */
  publicReachableMs: number
  /** alice -> bob, the first message (lookup, relayed connection, bundle, PQXDH, receipt). */
  firstMessageMs: number
  /** bob's `connection` event: 'direct' with its ms, or 'relayed' when the punch failed. */
  punch: { status: string, method?: string, ms?: number, reason?: string }
  directAfterPunchMs?: number
  directRttMs: number[]
  /** alice had a direct connection to bob after the direct round trips. */
  directVerified: boolean
  publicRttMs: number[]
  /** With router B's random mapping: bob's `connection` event said 'relayed' (the punch failed, as it must). */
  randomMappingPunchFailed: boolean
  relayedFirstMessageMs: number
  relayedRttMs: number[]
  /** Every connection alice had to bob after the relayed round trips went through the relay. */
  relayedVerified: boolean
}

export interface NatFigures {
  reps: NatRepetition[]
}

const here = dirname(fileURLToPath(import.meta.url))
const CLIENT = join(here, 'reach-nat-client.js')
const START_TIMEOUT_MS = 60_000
const REACHABLE_TIMEOUT_MS = 60_000
/** Up to 3 punch attempts of 8 s each (src/net/limits.ts), then the outcome event. */
const PUNCH_TIMEOUT_MS = 60_000

function log (line: string): void {
  process.stderr.write(line + '\n')
}

interface Line { at: number, json: Record<string, unknown> }

/** JSON lines of a child's stdout, each stamped with the time it arrived. */
class Lines {
  readonly lines: Line[] = []
  private readonly waiters = new Set<() => void>()
  private exit: number | null | undefined
  private stderr = ''

  constructor (readonly name: string, readonly child: ChildProcess) {
    let buffered = ''
    child.stdout?.on('data', (chunk: Buffer) => {
      const at = nowMs()
      buffered += chunk.toString()
      const parts = buffered.split('\n')
      buffered = parts.pop() ?? ''
      for (const part of parts) {
        if (part.trim() === '') continue
        try { this.lines.push({ at, json: JSON.parse(part) }) } catch { this.lines.push({ at, json: { text: part } }) }
      }
      this.wake()
    })
    child.stderr?.on('data', (chunk: Buffer) => { this.stderr = (this.stderr + chunk.toString()).slice(-4000) })
    child.on('exit', (code) => { this.exit = code; this.wake() })
  }

  private wake (): void {
    for (const w of [...this.waiters]) w()
  }

  /** The first line the predicate accepts; BenchmarkCheckError after `timeoutMs` or when the process exits first. */
  async waitFor (what: string, predicate: (json: Record<string, unknown>) => boolean, timeoutMs: number): Promise<Line> {
    const deadline = Date.now() + timeoutMs
    for (;;) {
      const found = this.lines.find(l => predicate(l.json))
      if (found !== undefined) return found
      if (this.exit !== undefined) throw new BenchmarkCheckError(`${this.name} exited (${String(this.exit)}) before ${what}: ${this.stderr}`)
      const left = deadline - Date.now()
      if (left <= 0) throw new BenchmarkCheckError(`${this.name}: no ${what} within ${timeoutMs} ms; last lines ${JSON.stringify(this.lines.slice(-3).map(l => l.json))}; stderr ${this.stderr.slice(-1000)}`)
      await new Promise<void>(resolve => {
        const done = (): void => { clearTimeout(timer); this.waiters.delete(done); resolve() }
        const timer = setTimeout(done, left)
        this.waiters.add(done)
      })
    }
  }
}

interface NatNode {
  name: string
  host: HostName
  home: string
  peerId: string
  spawnedAt: number
  startedAt: number
  out: Lines
}

/** Homes made by `murmur init --no-passphrase` (no network needed; `start` asks no passphrase), in one temporary folder per testbed. */
async function initHomes (dir: string, names: string[]): Promise<Map<string, { home: string, peerId: string }>> {
  const made = await Promise.all(names.map(async name => {
    const home = join(dir, name)
    const out = await runCli(['init', '--home', home, '--name', name, '--no-passphrase', '--json'])
    return [name, { home, peerId: (JSON.parse(out) as { peerId: string }).peerId }] as const
  }))
  return new Map(made)
}

async function startNode (tb: Testbed, host: HostName, name: string, made: { home: string, peerId: string }, bootstrap: string[]): Promise<NatNode> {
  const cli = join(repoRoot(), 'dist/cli/murmur.js')
  const spawnedAt = nowMs()
  const child = tb.spawn(host, process.execPath, [cli, 'start', '--home', made.home, '--json', '--no-mdns', ...bootstrap.flatMap(b => ['--bootstrap', b])], { stdio: ['ignore', 'pipe', 'pipe'] })
  const out = new Lines(name, child)
  const started = await out.waitFor('started', j => j.event === 'started', START_TIMEOUT_MS)
  return { name, host, home: made.home, peerId: made.peerId, spawnedAt, startedAt: started.at, out }
}

async function reachable (node: NatNode, mode: 'relayed' | 'public'): Promise<Line> {
  return await node.out.waitFor(`reachability ${mode}`, j => j.event === 'reachability' && j.mode === mode, REACHABLE_TIMEOUT_MS)
}

async function client<T> (tb: Testbed, node: NatNode, args: string[], timeoutMs = 30_000): Promise<T> {
  const { stdout } = await tb.exec(node.host, process.execPath, [CLIENT, args[0], node.home, ...args.slice(1)], { timeoutMs })
  return JSON.parse(stdout.trim().split('\n').pop() ?? 'null') as T
}

/** An event watcher inside the node's namespace; resolves once its subscription is live. */
async function watch (tb: Testbed, node: NatNode): Promise<Lines> {
  const child = tb.spawn(node.host, process.execPath, [CLIENT, 'watch', node.home], { stdio: ['ignore', 'pipe', 'pipe'] })
  const lines = new Lines(`${node.name}'s events`, child)
  await lines.waitFor('event stream', j => j.ready === true, 30_000)
  return lines
}

async function befriend (tb: Testbed, a: NatNode, b: NatNode): Promise<void> {
  await client(tb, a, ['contact', b.name, b.peerId])
  await client(tb, b, ['contact', a.name, a.peerId])
}

async function roundTrips (tb: Testbed, from: NatNode, to: NatNode, count: number): Promise<number[]> {
  const r = await client<{ ms: number[], states: string[] }>(tb, from, ['rtt', to.name, String(count)], (count + 1) * 45_000)
  const undelivered = r.states.filter(s => s !== 'delivered' && s !== 'read')
  if (undelivered.length > 0) throw new BenchmarkCheckError(`${from.name} -> ${to.name}: ${undelivered.length} of ${count} messages not delivered (${undelivered.join(', ')})`)
  return r.ms
}

async function connectionKinds (tb: Testbed, from: NatNode, to: NatNode): Promise<Array<{ kind: string, limited: boolean }>> {
  return await client(tb, from, ['connections', to.peerId])
}

/** The punch's outcome at bob (the node the relayed connection arrived at). */
async function punchOutcome (watcher: Lines, from: NatNode): Promise<{ status: string, method?: string, ms?: number, reason?: string }> {
  const line = await watcher.waitFor('hole punch outcome', j => {
    const data = j.data as { peerId?: string, status?: string } | undefined
    return j.event === 'connection' && data?.peerId === from.peerId && (data.status === 'direct' || data.status === 'relayed')
  }, PUNCH_TIMEOUT_MS)
  return line.json.data as { status: string, method?: string, ms?: number, reason?: string }
}

/** Builds a testbed and homes, runs `body`, and always tears both down. */
async function withTestbed<T> (options: Parameters<typeof createTestbed>[0], names: string[], body: (tb: Testbed, homes: Map<string, { home: string, peerId: string }>) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(join(tmpdir(), 'murmur-bench-reach-nat-'))
  const tb = await createTestbed(options)
  try {
    return await body(tb, await initHomes(dir, names))
  } finally {
    await tb.teardown({ graceMs: 10_000 })
    await rm(dir, { recursive: true, force: true })
  }
}

function home (homes: Map<string, { home: string, peerId: string }>, name: string): { home: string, peerId: string } {
  const h = homes.get(name)
  if (h === undefined) throw new BenchmarkCheckError(`no home ${name}`)
  return h
}

type PunchPart = Pick<NatRepetition, 'relayReachableMs' | 'spawnToRelayedMs' | 'publicReachableMs' | 'firstMessageMs' | 'punch' | 'directAfterPunchMs' | 'directRttMs' | 'directVerified' | 'publicRttMs'>

async function punchScenario (o: NatOptions): Promise<PunchPart> {
  return await withTestbed({ publicHosts: 2 }, ['carol', 'dave', 'alice', 'bob'], async (tb, homes) => {
    const carol = await startNode(tb, 'publicA', 'carol', home(homes, 'carol'), [])
    const bootstrap = [`/ip4/${tb.hosts.publicA.address}/tcp/4455/p2p/${carol.peerId}`]
    const [dave, alice, bob] = await Promise.all([
      startNode(tb, 'publicB', 'dave', home(homes, 'dave'), bootstrap),
      startNode(tb, 'homeA', 'alice', home(homes, 'alice'), bootstrap),
      startNode(tb, 'homeB', 'bob', home(homes, 'bob'), bootstrap)
    ])
    const [aliceRelayed, bobRelayed, davePublic] = await Promise.all([reachable(alice, 'relayed'), reachable(bob, 'relayed'), reachable(dave, 'public')])
    const relayReachableMs = [aliceRelayed.at - alice.startedAt, bobRelayed.at - bob.startedAt]
    const spawnToRelayedMs = [aliceRelayed.at - alice.spawnedAt, bobRelayed.at - bob.spawnedAt]
    const publicReachableMs = davePublic.at - dave.startedAt
    log(`reach nat: relayed after ${relayReachableMs.map(Math.round).join(' / ')} ms, dave public after ${Math.round(publicReachableMs)} ms`)

    const bobEvents = await watch(tb, bob)
    await befriend(tb, alice, bob)
    const [firstMessageMs] = await roundTrips(tb, alice, bob, 1)
    const punch = await punchOutcome(bobEvents, alice)
    if (punch.status !== 'direct') throw new BenchmarkCheckError(`the punch between port-preserving NATs failed: ${JSON.stringify(punch)}`)
    log(`reach nat: first message ${Math.round(firstMessageMs)} ms; direct after ${String(punch.ms)} ms (${String(punch.method)})`)
    const directRttMs = await roundTrips(tb, alice, bob, o.rtts)
    const directVerified = (await connectionKinds(tb, alice, bob)).some(c => c.kind === 'direct')

    await befriend(tb, dave, carol)
    await roundTrips(tb, dave, carol, 1)
    const publicRttMs = await roundTrips(tb, dave, carol, o.rtts)
    return { relayReachableMs, spawnToRelayedMs, publicReachableMs, firstMessageMs, punch, ...(punch.ms !== undefined ? { directAfterPunchMs: punch.ms } : {}), directRttMs, directVerified, publicRttMs }
  })
}

type RelayedPart = Pick<NatRepetition, 'randomMappingPunchFailed' | 'relayedFirstMessageMs' | 'relayedRttMs' | 'relayedVerified'>

async function relayedScenario (o: NatOptions): Promise<RelayedPart> {
  // Router B picks a random port for every mapping: the punch's predicted port is wrong.
  return await withTestbed({ routerB: { mapping: 'random' } }, ['carol', 'alice', 'bob'], async (tb, homes) => {
    const carol = await startNode(tb, 'publicA', 'carol', home(homes, 'carol'), [])
    const bootstrap = [`/ip4/${tb.hosts.publicA.address}/tcp/4455/p2p/${carol.peerId}`]
    const [alice, bob] = await Promise.all([
      startNode(tb, 'homeA', 'alice', home(homes, 'alice'), bootstrap),
      startNode(tb, 'homeB', 'bob', home(homes, 'bob'), bootstrap)
    ])
    await Promise.all([reachable(alice, 'relayed'), reachable(bob, 'relayed')])
    const bobEvents = await watch(tb, bob)
    await befriend(tb, alice, bob)
    const [relayedFirstMessageMs] = await roundTrips(tb, alice, bob, 1)
    // Measure the relayed path once the punch has given up, not while it is still trying.
    const punch = await punchOutcome(bobEvents, alice)
    const relayedRttMs = await roundTrips(tb, alice, bob, o.rtts)
    const kinds = await connectionKinds(tb, alice, bob)
    log(`reach nat: random mapping, punch ${punch.status}; relayed round trip p50 ${Math.round([...relayedRttMs].sort((a, b) => a - b)[relayedRttMs.length >> 1])} ms`)
    return {
      randomMappingPunchFailed: punch.status === 'relayed',
      relayedFirstMessageMs,
      relayedRttMs,
      relayedVerified: kinds.length > 0 && kinds.every(c => c.kind === 'relayed')
    }
  })
}

export async function runNat (o: NatOptions): Promise<NatFigures> {
  const reps: NatRepetition[] = []
  for (let i = 0; i < o.reps; i++) {
    log(`reach nat: repetition ${i + 1}/${o.reps}`)
    const punched = await punchScenario(o)
    const relayed = await relayedScenario(o)
    reps.push({ ...punched, ...relayed })
  }
  return { reps }
}
