/**
 * A real-NAT testbed: network namespaces joined by veth pairs, with nftables doing source NAT
 * and stateful filtering, so murmur nodes can run as real processes behind real home routers.
 * Topology, address plan and options: test/nat/README.md and topology.ts. Needs root.
 *
 *   const tb = await createTestbed({ routerB: { mapping: 'random' } })
 *   const node = tb.spawn('homeA', process.execPath, ['dist/cli/murmur.js', 'start', ...])
 *   await tb.exec('homeA', process.execPath, ['dist/cli/murmur.js', 'status'], { timeoutMs: 5_000 })
 *   await tb.teardown()
 */
import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process'
import { once } from 'node:events'
import { logger } from '@libp2p/logger'
import { InvalidTestbedOptionsError, TestbedClosedError, UnknownTestbedHostError } from './errors.js'
import { registerLive, unregisterLive } from './exit-hooks.js'
import { assertTestbedSupported, deleteNamespaces, destroyNamespacesSync, emptyNamespaces, TESTBED_PREFIX } from './namespaces.js'
import { rebootRuleset } from './nftables.js'
import { run, withSystemPath, type RunOptions, type RunResult } from './run.js'
import { planTopology, type Host, type HostName, type TestbedHosts, type TestbedOptions, type TopologyPlan } from './topology.js'

export { assertTestbedSupported, cleanupStale, listNamespaces, TESTBED_PREFIX } from './namespaces.js'
export { COUNTERS } from './nftables.js'
export { PRIVATE_RANGES } from './topology.js'
export type * from './topology.js'
export type { RunOptions, RunResult } from './run.js'
export * from './errors.js'

const log = logger('murmur:nat-testbed')

export type HostRef = HostName | Host
export type LinkState = 'up' | 'down'

export interface CounterValue {
  packets: number
  bytes: number
}

export interface TeardownOptions {
  /** How long a spawned process gets between SIGTERM and SIGKILL. Default 2 s. */
  graceMs?: number
}

let runs = 0

export class Testbed {
  /** `murmur-nat-<pid>-<run>`: the start of every namespace name of this testbed. */
  readonly prefix: string
  readonly hosts: TestbedHosts
  readonly namespaces: readonly string[]
  readonly #plan: TopologyPlan
  readonly #children = new Set<ChildProcess>()
  #teardown: Promise<void> | undefined
  /** Reboots so far per router: the conntrack zone its state lives in. */
  readonly #reboots = new Map<string, number>()

  constructor (prefix: string, plan: TopologyPlan) {
    this.prefix = prefix
    this.#plan = plan
    this.hosts = plan.hosts
    this.namespaces = plan.setups.map(setup => setup.namespace)
  }

  /** The host by name; `UnknownTestbedHostError` if this topology does not have it. */
  host (ref: HostRef): Host {
    const name = typeof ref === 'string' ? ref : ref.name
    const host = (this.hosts as unknown as Partial<Record<string, Host>>)[name]
    if (host == null) throw new UnknownTestbedHostError(name, Object.keys(this.hosts))
    return host
  }

  /** Runs a command inside the host's namespace to completion (default limit 10 s). */
  async exec (ref: HostRef, command: string, args: readonly string[] = [], options: RunOptions = {}): Promise<RunResult> {
    this.#assertOpen()
    return await run('ip', ['netns', 'exec', this.host(ref).namespace, command, ...args], options)
  }

  /**
   * Starts a long-running command inside the host's namespace. `ip netns exec` execs the
   * command, so the returned process is the command itself; `teardown()` ends it.
   */
  spawn (ref: HostRef, command: string, args: readonly string[] = [], options: SpawnOptions = {}): ChildProcess {
    this.#assertOpen()
    const child = spawn('ip', ['netns', 'exec', this.host(ref).namespace, command, ...args], { ...options, env: withSystemPath(options.env) })
    this.#children.add(child)
    child.once('exit', () => this.#children.delete(child))
    child.once('error', () => this.#children.delete(child))
    return child
  }

  /**
   * Takes the host's link down or up: a public or home host goes offline, a router loses its
   * WAN link (all of its LAN with it). Bringing a link up restores the host's default route,
   * which the kernel removed with the link.
   */
  async setLink (ref: HostRef, state: LinkState, options: RunOptions = {}): Promise<void> {
    this.#assertOpen()
    const host = this.host(ref)
    if (host.role === 'internet') throw new InvalidTestbedOptionsError('The internet core has no uplink to cut; cut the hosts instead')
    if (state !== 'up' && state !== 'down') throw new InvalidTestbedOptionsError(`A link is 'up' or 'down', not ${String(state)}`)
    const commands = [`link set ${host.uplink} ${state}`]
    if (state === 'up') commands.push(`route replace default via ${host.gateway}`)
    await run('ip', ['-n', host.namespace, '-batch', '-'], { ...options, input: commands.join('\n') + '\n' })
  }

  /**
   * Reboots a home router: it forwards nothing for `downMs` (default 2 s; packets are dropped,
   * as by a router that is off), then comes back having forgotten its connection tracking, so
   * every NAT mapping and every "established" flow through it is gone. Packets of a connection
   * made before the reboot are then invalid to it and dropped, both ways: such connections die
   * silently, as behind a real router that lost its state (a router that picked mid-stream TCP
   * up again would let them live on; many do not, and none can with random mapping).
   *
   * There is no `conntrack` tool here: the router starts using a new conntrack zone, in which
   * none of the old entries exist (they time out unused in the old one), and stops picking up
   * TCP mid-stream (`nf_conntrack_tcp_loose=0`).
   */
  async rebootRouter (ref: HostRef, options: RunOptions & { downMs?: number } = {}): Promise<void> {
    this.#assertOpen()
    const host = this.host(ref)
    if (host.role !== 'router') throw new InvalidTestbedOptionsError(`Only a router reboots, not ${host.name} (a ${host.role})`)
    const zone = (this.#reboots.get(host.name) ?? 0) + 1
    this.#reboots.set(host.name, zone)
    const nft = async (input: string): Promise<void> => { await this.exec(host, 'nft', ['-f', '-'], { ...options, input }) }
    await this.exec(host, 'sysctl', ['-qw', 'net.netfilter.nf_conntrack_tcp_loose=0'], options)
    await nft(rebootRuleset({ off: true, zone }))
    await new Promise(resolve => setTimeout(resolve, options.downMs ?? 2_000))
    await nft(rebootRuleset({ off: false, zone }))
  }

  /**
   * Gives a router a new WAN address (an ISP renumbering it): the old one is removed, which
   * kills every masqueraded flow through it, as on a real router; the LAN's traffic leaves from
   * `address` (on the router's /24 link to the core, e.g. '11.0.101.3') from then on.
   */
  async setWanAddress (ref: HostRef, address: string, options: RunOptions = {}): Promise<void> {
    this.#assertOpen()
    const host = this.host(ref)
    if (host.role !== 'router') throw new InvalidTestbedOptionsError(`Only a router has a WAN address, not ${host.name} (a ${host.role})`)
    const prefix = host.gateway.split('.').slice(0, 3).join('.')
    if (!address.startsWith(`${prefix}.`) || address === host.gateway) throw new InvalidTestbedOptionsError(`A WAN address of ${host.name} is in ${prefix}.0/24 and not the core's ${host.gateway}, not ${address}`)
    const commands = [
      // The old one first: removing a primary address removes the secondaries with it.
      `address del ${host.wanAddress}/24 dev ${host.uplink}`,
      `address add ${address}/24 dev ${host.uplink}`,
      `route replace default via ${host.gateway}`
    ]
    await run('ip', ['-n', host.namespace, '-batch', '-'], { ...options, input: commands.join('\n') + '\n' })
    host.address = address
    host.wanAddress = address
  }

  /** The nftables counters of a router or the core (names in `COUNTERS`). */
  async counters (ref: HostRef, options: RunOptions = {}): Promise<Record<string, CounterValue>> {
    const { stdout } = await this.exec(ref, 'nft', ['-j', 'list', 'counters'], options)
    const parsed = JSON.parse(stdout) as { nftables: Array<{ counter?: { name: string, packets: number, bytes: number } }> }
    const counters: Record<string, CounterValue> = {}
    for (const item of parsed.nftables) {
      if (item.counter != null) counters[item.counter.name] = { packets: item.counter.packets, bytes: item.counter.bytes }
    }
    return counters
  }

  /**
   * Ends every process spawned here (SIGTERM, then SIGKILL after `graceMs`), kills anything
   * else left in the namespaces, and deletes the namespaces with their veths and rules.
   * Idempotent; concurrent calls share one teardown.
   */
  async teardown (options: TeardownOptions = {}): Promise<void> {
    this.#teardown ??= this.#destroy(options.graceMs ?? 2_000)
    await this.#teardown
  }

  /** A last-resort teardown for process exit: SIGKILL everything, delete the namespaces. */
  teardownSync (): void {
    destroyNamespacesSync(this.namespaces, [...this.#children].flatMap(child => child.pid ?? []))
    this.#children.clear()
  }

  /** Applies the plan; called once by `createTestbed`. */
  async build (): Promise<void> {
    const plan = this.#plan
    await run('ip', ['-batch', '-'], { input: this.namespaces.map(name => `netns add ${name}`).join('\n') + '\n' })
    // Sysctls first: links created afterwards inherit `default` (IPv6 off on the links).
    // -e: a kernel built without IPv6 has no such key, and nothing to turn off.
    await Promise.all(plan.setups.filter(setup => setup.sysctls.length > 0).map(async setup => {
      await run('ip', ['netns', 'exec', setup.namespace, 'sysctl', '-q', '-e', '-w', ...setup.sysctls])
    }))
    // Both ends of each veth are created directly inside their namespaces: the root namespace
    // never holds one, so names cannot clash with the machine's or another run's.
    await run('ip', ['-batch', '-'], {
      input: plan.veths.map(({ a, b }) => `link add name ${a.name} netns ${a.namespace} type veth peer name ${b.name} netns ${b.namespace}`).join('\n') + '\n'
    })
    await Promise.all(plan.setups.map(async setup => {
      await run('ip', ['-n', setup.namespace, '-batch', '-'], { input: setup.ipCommands.join('\n') + '\n' })
      if (setup.nftRuleset != null) {
        await run('ip', ['netns', 'exec', setup.namespace, 'nft', '-f', '-'], { input: setup.nftRuleset })
      }
    }))
  }

  #assertOpen (): void {
    if (this.#teardown != null) throw new TestbedClosedError()
  }

  async #destroy (graceMs: number): Promise<void> {
    const started = performance.now()
    try {
      await Promise.all([...this.#children].map(async child => { await stopChild(child, graceMs) }))
      await emptyNamespaces(this.namespaces)
    } finally {
      await deleteNamespaces(this.namespaces)
      unregisterLive(this)
    }
    log('testbed %s torn down in %d ms', this.prefix, Math.round(performance.now() - started))
  }
}

async function stopChild (child: ChildProcess, graceMs: number): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null || child.pid == null) return
  const exited = once(child, 'exit')
  child.kill('SIGTERM')
  const timer = (ms: number): Promise<'timeout'> => new Promise(resolve => setTimeout(() => resolve('timeout'), ms).unref())
  if (await Promise.race([exited, timer(graceMs)]) === 'timeout') {
    child.kill('SIGKILL')
    await Promise.race([exited, timer(5_000)])
  }
}

/**
 * Builds a testbed (see TestbedOptions for the choices). Needs root, `ip` and `nft`
 * (`TestbedUnsupportedError` otherwise). On failure, whatever was made is removed again.
 */
export async function createTestbed (options: TestbedOptions = {}): Promise<Testbed> {
  await assertTestbedSupported()
  const prefix = `${TESTBED_PREFIX}-${process.pid}-${runs++}`
  const testbed = new Testbed(prefix, planTopology(prefix, options))
  registerLive(testbed)
  const started = performance.now()
  try {
    await testbed.build()
  } catch (err) {
    await testbed.teardown()
    throw err
  }
  log('testbed %s built in %d ms', prefix, Math.round(performance.now() - started))
  return testbed
}
