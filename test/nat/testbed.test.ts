/**
 * Proves the NAT testbed is real: real sockets (node:net) in real namespaces behind nftables
 * source NAT and stateful filters. Needs root; without it every test fails with one message
 * saying so (TestbedUnsupportedError).
 */
import { spawn, spawnSync } from 'node:child_process'
import { once } from 'node:events'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createInterface } from 'node:readline'
import { isPrivate } from '@libp2p/utils'
import { multiaddr } from '@multiformats/multiaddr'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { connect, simultaneousOpen, startServer, type ProbeServer } from './probe.js'
import {
  assertTestbedSupported, cleanupStale, COUNTERS, createTestbed, InvalidTestbedOptionsError, listNamespaces,
  TestbedClosedError, TestbedCommandError, TestbedTimeoutError, UnknownTestbedHostError, type Testbed
} from './testbed.js'
import { isRunning } from './namespaces.js'
import { planTopology } from './topology.js'
import { transpileTestbed } from './transpile.js'

// A connect that must NOT succeed gets this long; a refusal or ICMP error arrives in milliseconds.
const BLACKHOLE_WAIT_MS = 1_000
// Fixed local ports for hole punching, below Linux's ephemeral range (32768-60999) so no
// other socket of the machine takes them meanwhile.
const randomPort = (): number => 20_000 + Math.floor(Math.random() * 10_000)

async function counter (tb: Testbed, host: 'internet' | 'routerA' | 'routerB', name: string): Promise<number> {
  return (await tb.counters(host))[name].packets
}

// Not root, or no `ip netns` / `nft`: the whole file fails here, once, saying what is missing.
beforeAll(async () => { await assertTestbedSupported() })

describe('address plan', () => {
  const { hosts } = planTopology('plan', { publicHosts: 2, secondHomeOnA: true })

  it('puts the internet side on addresses libp2p treats as public, and the LANs on private ones', () => {
    const publicSide = [hosts.publicA.address, hosts.publicB!.address, hosts.routerA.wanAddress, hosts.routerB.wanAddress]
    const homeSide = [hosts.homeA.address, hosts.homeA2!.address, hosts.homeB.address, hosts.routerA.lanAddress, hosts.routerB.lanAddress]
    for (const address of publicSide) expect(isPrivate(multiaddr(`/ip4/${address}/tcp/4001`)), address).toBe(false)
    for (const address of homeSide) expect(isPrivate(multiaddr(`/ip4/${address}/tcp/4001`)), address).toBe(true)
  })

  it('refuses options that describe no topology', () => {
    expect(() => planTopology('plan', { publicHosts: 3 as 2 })).toThrow(InvalidTestbedOptionsError)
    expect(() => planTopology('plan', { routerA: { mapping: 'symmetric' as 'random' } })).toThrow(InvalidTestbedOptionsError)
    expect(() => planTopology('plan', { routerB: { inbound: 'ignore' as 'drop' } })).toThrow(InvalidTestbedOptionsError)
  })
})

describe('default testbed: port-preserving NAT, inbound dropped, the core drops private destinations', () => {
  let tb: Testbed
  let publicServer: ProbeServer
  let homeAServer: ProbeServer
  let homeBServer: ProbeServer

  beforeAll(async () => {
    await cleanupStale()
    tb = await createTestbed()
    ;[publicServer, homeAServer, homeBServer] = await Promise.all([startServer(tb, 'publicA'), startServer(tb, 'homeA'), startServer(tb, 'homeB')])
  })
  afterAll(async () => { await tb?.teardown() })

  it('a home host reaches a public host, which sees the router\'s WAN address and the same port', async () => {
    const seen = publicServer.nextConnection()
    const result = await connect(tb, 'homeA', tb.hosts.publicA.address, publicServer.port)
    expect(result).toMatchObject({ event: 'connected', localAddress: tb.hosts.homeA.address, echoed: 'ping' })
    const connection = await seen
    expect(connection.remoteAddress).toBe(tb.hosts.routerA.wanAddress)
    expect(connection.remotePort).toBe((result as { localPort: number }).localPort)
  })

  /** A connect from `from` to address:server.port times out (dropped, not refused), the
   * dropper's counter rises, and the server behind sees nothing. */
  async function expectBlackholed (from: 'publicA' | 'homeA', address: string, server: ProbeServer, dropper: 'internet' | 'routerA', counterName: string): Promise<void> {
    const before = await counter(tb, dropper, counterName)
    const result = await connect(tb, from, address, server.port, { timeoutMs: BLACKHOLE_WAIT_MS })
    expect(result).toMatchObject({ event: 'error', code: 'TIMEOUT' })
    expect(await counter(tb, dropper, counterName)).toBeGreaterThan(before)
    expect(server.connections).toEqual([])
  }

  it('a public host cannot open a connection to a home host\'s private address: dropped, not refused', async () => {
    await expectBlackholed('publicA', tb.hosts.homeA.address, homeAServer, 'internet', COUNTERS.privateDropped)
  })

  it('nor to the router\'s WAN address on a port nobody mapped, even with a listener behind it', async () => {
    await expectBlackholed('publicA', tb.hosts.routerA.wanAddress, homeAServer, 'routerA', COUNTERS.inboundBlocked)
  })

  it('home A cannot reach home B\'s private address', async () => {
    await expectBlackholed('homeA', tb.hosts.homeB.address, homeBServer, 'internet', COUNTERS.privateDropped)
  })

  it('a TCP simultaneous open through both port-preserving routers gives each side one connection', async () => {
    const portA = randomPort()
    const portB = portA + 1
    const [a, b] = await simultaneousOpen(tb,
      { host: 'homeA', port: portA, publicAddress: tb.hosts.routerA.wanAddress },
      { host: 'homeB', port: portB, publicAddress: tb.hosts.routerB.wanAddress },
      6_000)
    expect(a).toMatchObject({ event: 'connected', connects: 1, localPort: portA, remoteAddress: tb.hosts.routerB.wanAddress, remotePort: portB, received: 'from B' })
    expect(b).toMatchObject({ event: 'connected', connects: 1, localPort: portB, remoteAddress: tb.hosts.routerA.wanAddress, remotePort: portA, received: 'from A' })
  })

  it('setLink cuts a host off and brings it back', async () => {
    await tb.setLink('publicA', 'down')
    const cut = await connect(tb, 'homeA', tb.hosts.publicA.address, publicServer.port, { timeoutMs: BLACKHOLE_WAIT_MS })
    expect(cut.event).toBe('error')
    await tb.setLink('publicA', 'up')
    const back = await connect(tb, 'homeA', tb.hosts.publicA.address, publicServer.port)
    expect(back).toMatchObject({ event: 'connected', echoed: 'ping' })
  })
})

describe('routers that reject inbound, a core that answers ICMP for private destinations', () => {
  let tb: Testbed
  let homeAServer: ProbeServer
  let homeBServer: ProbeServer

  beforeAll(async () => {
    tb = await createTestbed({ dropPrivateDestinations: false, routerA: { inbound: 'reject' }, routerB: { inbound: 'reject' } })
    ;[homeAServer, homeBServer] = await Promise.all([startServer(tb, 'homeA'), startServer(tb, 'homeB')])
  })
  afterAll(async () => { await tb?.teardown() })

  it('a connection to an unmapped WAN port is refused at once', async () => {
    const before = await counter(tb, 'routerA', COUNTERS.inboundBlocked)
    const result = await connect(tb, 'publicA', tb.hosts.routerA.wanAddress, homeAServer.port, { timeoutMs: BLACKHOLE_WAIT_MS })
    expect(result).toMatchObject({ event: 'error', code: 'ECONNREFUSED' })
    expect(await counter(tb, 'routerA', COUNTERS.inboundBlocked)).toBeGreaterThan(before)
  })

  it('a connection to a private address fails at once with "unreachable" instead of timing out', async () => {
    const [fromPublic, fromHome] = await Promise.all([
      connect(tb, 'publicA', tb.hosts.homeA.address, homeAServer.port, { timeoutMs: BLACKHOLE_WAIT_MS }),
      connect(tb, 'homeA', tb.hosts.homeB.address, homeBServer.port, { timeoutMs: BLACKHOLE_WAIT_MS })
    ])
    expect(fromPublic).toMatchObject({ event: 'error', code: expect.stringMatching(/^E(NET|HOST)UNREACH$/) })
    expect(fromHome).toMatchObject({ event: 'error', code: expect.stringMatching(/^E(NET|HOST)UNREACH$/) })
    expect(await counter(tb, 'internet', COUNTERS.privateDropped)).toBe(0)
    expect([...homeAServer.connections, ...homeBServer.connections]).toEqual([])
  })

  it('still lets the LAN out', async () => {
    const server = await startServer(tb, 'publicA')
    expect(await connect(tb, 'homeB', tb.hosts.publicA.address, server.port)).toMatchObject({ event: 'connected', echoed: 'ping' })
  })
})

describe('random mapping on router B, two public hosts, two home hosts on LAN A', () => {
  let tb: Testbed

  beforeAll(async () => {
    tb = await createTestbed({ publicHosts: 2, secondHomeOnA: true, routerB: { mapping: 'random' } })
  })
  afterAll(async () => { await tb?.teardown() })

  it('router B changes the source port', async () => {
    const server = await startServer(tb, 'publicB')
    const ports: Array<[number, number]> = []
    for (let i = 0; i < 3; i++) {
      const seen = server.nextConnection()
      const result = await connect(tb, 'homeB', tb.hosts.publicB!.address, server.port)
      expect(result.event).toBe('connected')
      const connection = await seen
      expect(connection.remoteAddress).toBe(tb.hosts.routerB.wanAddress)
      ports.push([(result as { localPort: number }).localPort, connection.remotePort])
    }
    // One port kept by chance is possible (1 in ~64k); three in a row is not.
    expect(ports.some(([local, seen]) => local !== seen)).toBe(true)
  })

  it('a TCP simultaneous open fails when one router maps ports at random', async () => {
    const portA = randomPort()
    const [a, b] = await simultaneousOpen(tb,
      { host: 'homeA', port: portA, publicAddress: tb.hosts.routerA.wanAddress },
      { host: 'homeB', port: portA + 1, publicAddress: tb.hosts.routerB.wanAddress },
      3_000)
    expect(a.event).toBe('failed')
    expect(b.event).toBe('failed')
  })

  it('two hosts on one LAN reach each other directly, without NAT', async () => {
    const server = await startServer(tb, 'homeA2')
    const seen = server.nextConnection()
    expect(await connect(tb, 'homeA', tb.hosts.homeA2!.address, server.port)).toMatchObject({ event: 'connected' })
    expect((await seen).remoteAddress).toBe(tb.hosts.homeA.address)
  })

  it('two public hosts reach each other with their own addresses', async () => {
    const server = await startServer(tb, 'publicB')
    const seen = server.nextConnection()
    expect(await connect(tb, 'publicA', tb.hosts.publicB!.address, server.port)).toMatchObject({ event: 'connected' })
    expect((await seen).remoteAddress).toBe(tb.hosts.publicA.address)
  })
})

describe('lifecycle', () => {
  const namespaceInode = (name: string): string => spawnSync('stat', ['-L', '-c', '%i', `/run/netns/${name}`], { encoding: 'utf8' }).stdout.trim()
  const liveNetInodes = (): string[] => spawnSync('lsns', ['-t', 'net', '-n', '-o', 'NS'], { encoding: 'utf8' }).stdout.split('\n').map(s => s.trim())

  it('teardown ends every process it started, and no namespace (so no veth or rule) remains', async () => {
    const tb = await createTestbed({ publicHosts: 2, secondHomeOnA: true })
    const inodes = tb.namespaces.map(namespaceInode)
    expect(inodes.every(inode => /^\d+$/.test(inode))).toBe(true)
    // A process that leaves a grandchild behind: teardown must find that one too.
    const child = tb.spawn('homeA', 'sh', ['-c', 'sleep 600 & echo $!; wait'], { stdio: ['ignore', 'pipe', 'ignore'] })
    const grandchild = await new Promise<number>(resolve => child.stdout!.once('data', (d: Buffer) => resolve(Number(d.toString().trim()))))
    expect(isRunning(grandchild)).toBe(true)
    // lsns lists the namespaces that processes are in: homeA's, while the sleep runs.
    expect(liveNetInodes()).toContain(namespaceInode(tb.hosts.homeA.namespace))

    await tb.teardown()
    expect(child.exitCode !== null || child.signalCode !== null).toBe(true)
    expect(isRunning(grandchild)).toBe(false)
    expect((await listNamespaces()).filter(name => name.startsWith(tb.prefix))).toEqual([])
    // A namespace held by neither a process nor a mount is freed, with its veths and nftables.
    expect(liveNetInodes().filter(inode => inodes.includes(inode))).toEqual([])
    await expect(tb.exec('homeA', 'true')).rejects.toThrow(TestbedClosedError)
    await tb.teardown() // idempotent
  })

  it('cleanupStale removes what a dead run left and leaves live runs alone', async () => {
    const dead = spawnSync(process.execPath, ['-e', '0'])
    const stale = `murmur-nat-${dead.pid}-0-internet`
    spawnSync('ip', ['netns', 'add', stale])
    const tb = await createTestbed()
    try {
      expect(await listNamespaces()).toContain(stale)
      expect(await cleanupStale()).toContain(stale)
      const left = await listNamespaces()
      expect(left).not.toContain(stale)
      expect(left).toEqual(expect.arrayContaining([...tb.namespaces]))
    } finally {
      await tb.teardown()
    }
  })

  it('gives typed errors for unknown hosts and failing or hanging commands', async () => {
    const tb = await createTestbed()
    try {
      expect(() => tb.host('publicB')).toThrow(UnknownTestbedHostError)
      await expect(tb.setLink('internet', 'down')).rejects.toThrow(InvalidTestbedOptionsError)
      await expect(tb.exec('homeA', 'false')).rejects.toMatchObject({ name: TestbedCommandError.name, exitCode: 1 })
      await expect(tb.exec('homeA', 'sleep', ['30'], { timeoutMs: 200 })).rejects.toThrow(TestbedTimeoutError)
    } finally {
      await tb.teardown()
    }
  })
})

describe('teardown hooked to the end of the process', () => {
  // A separate process builds a testbed, starts a process in it, then ends without teardown().
  // With 'exit' it ends itself, once the test has seen its namespaces and closed its stdin:
  // ending at once raced the test's look at them (the exit hook had already removed them).
  const OWNER = `
    const { createTestbed } = await import(process.argv[1] + '/testbed.js')
    const tb = await createTestbed()
    const sleeper = tb.spawn('homeB', 'sleep', ['600'], { stdio: 'ignore' })
    await new Promise(resolve => sleeper.once('spawn', resolve))
    console.log(JSON.stringify({ namespaces: tb.namespaces, sleeper: sleeper.pid }))
    if (process.argv[2] === 'exit') process.stdin.on('end', () => process.exit(0)).resume()
    setInterval(() => {}, 1000)
  `
  let dir: string

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'murmur-nat-hooks-'))
    await transpileTestbed(dir)
  })
  afterAll(async () => { if (dir != null) await rm(dir, { recursive: true, force: true }) })


  for (const ending of ['exit', 'SIGTERM', 'SIGINT'] as const) {
    it(`removes the namespaces and ends its processes on ${ending}`, async () => {
      const owner = spawn(process.execPath, ['--input-type=module', '-e', OWNER, dir, ending], { stdio: ['pipe', 'pipe', 'pipe'] })
      let stderr = ''
      owner.stderr!.setEncoding('utf8').on('data', (chunk: string) => { stderr += chunk })
      const signal = AbortSignal.timeout(20_000)
      const exited = once(owner, 'exit', { signal })
      try {
        const [line] = await Promise.race([
          once(createInterface({ input: owner.stdout! }), 'line', { signal }),
          exited.then(() => { throw new Error(`the owner process ended early: ${stderr}`) })
        ]) as [string]
        const { namespaces, sleeper } = JSON.parse(line) as { namespaces: string[], sleeper: number }
        expect(await listNamespaces()).toEqual(expect.arrayContaining(namespaces))
        expect(isRunning(sleeper)).toBe(true)
        if (ending === 'exit') owner.stdin!.end()
        else owner.kill(ending)
        const [code, endedBy] = await exited as [number | null, NodeJS.Signals | null]
        // The signal still ends the process as it would have (raised again after the teardown).
        expect(ending === 'exit' ? code : endedBy).toBe(ending === 'exit' ? 0 : ending)
        expect(isRunning(sleeper)).toBe(false)
        const left = await listNamespaces()
        expect(namespaces.filter(name => left.includes(name))).toEqual([])
      } finally {
        owner.kill('SIGKILL')
      }
    })
  }
})
