/**
 * Reachable everywhere, proven on real NATs (issue "Tests, on real NATs"): real `murmur start`
 * processes in the testbed's namespaces (test/nat/testbed.ts). Home routers do source NAT with
 * a stateful filter; the internet drops packets to private addresses.
 */
import { writeFileSync } from 'node:fs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { CLI } from '../e2e/cli-helpers.js'
import { startMurmur, tcpAddress, type MurmurHost } from './murmur.js'
import { assertTestbedSupported, createTestbed, type Testbed } from './testbed.js'

beforeAll(async () => { await assertTestbedSupported() })

type Connection = { peerId: string, kind: 'direct' | 'relayed', limited: boolean }

async function connectionsTo (from: MurmurHost, to: MurmurHost): Promise<Connection[]> {
  const status = await from.cli(['status'])
  return (status.json.connectionList as Connection[]).filter(c => c.peerId === to.peerId)
}

async function history (of: MurmurHost, with_: MurmurHost): Promise<Array<{ text: string, direction: string, state: string, relays?: Array<{ relay: string, status: string }> }>> {
  return (await of.cli(['history', with_.peerId, '--limit', '200'])).json
}

/**
 * With NAT_DEBUG set, each node instance's log is written to /tmp/nat-<name>-<pid>.log: one file
 * per process, so a restarted node (or a second run) does not overwrite the first one's log.
 */
function keepLogs (nodes: Array<MurmurHost | undefined>): void {
  if (process.env.NAT_DEBUG == null) return
  for (const n of nodes) if (n != null) writeFileSync(`/tmp/nat-${n.name}-${n.process.pid ?? 'unknown'}.log`, n.stderr())
}

function debugEnv (): NodeJS.ProcessEnv {
  return process.env.NAT_DEBUG != null ? { DEBUG: process.env.NAT_DEBUG } : {}
}

describe('two homes behind NATs, a public node that relays (carol) and a public user (dave)', () => {
  let tb: Testbed
  let carol: MurmurHost
  let dave: MurmurHost
  let alice: MurmurHost
  let bob: MurmurHost
  let bootstrap: string[]

  beforeAll(async () => {
    tb = await createTestbed({ publicHosts: 2 })
    carol = await startMurmur(tb, 'publicA', { name: 'carol', env: debugEnv() })
    bootstrap = [tcpAddress(tb.hosts.publicA.address, carol)]
    ;[dave, alice, bob] = await Promise.all([
      startMurmur(tb, 'publicB', { name: 'dave', bootstrap, env: debugEnv() }),
      startMurmur(tb, 'homeA', { name: 'alice', bootstrap, env: debugEnv() }),
      startMurmur(tb, 'homeB', { name: 'bob', bootstrap, env: debugEnv() })
    ])
  }, 60_000)

  afterAll(async () => {
    keepLogs([carol, dave, alice, bob])
    await Promise.all([alice, bob, carol, dave].filter(m => m != null).map(async m => { await m.stop(); await m.cleanup() }))
    await tb?.teardown()
  })

  it('the public nodes find their public addresses confirmed; each home is reachable through a public node\'s relay, and says so', async () => {
    for (const pub of [carol, dave]) {
      const view = await pub.waitForEvent('public', e => e.event === 'reachability' && e.mode === 'public')
      const address = pub === carol ? tb.hosts.publicA.address : tb.hosts.publicB?.address
      expect(view.publicAddresses).toEqual(expect.arrayContaining([expect.stringContaining(`/ip4/${address}/tcp/4455`)]))
    }
    for (const home of [alice, bob]) {
      const view = await home.waitForEvent('relayed', e => e.event === 'reachability' && e.mode === 'relayed')
      // Both public nodes serve relays to strangers.
      for (const relay of view.relays as string[]) expect([carol.peerId, dave.peerId]).toContain(relay)
      expect(view.detail).toMatch(/^through relay /)
      const status = await home.cli(['status'])
      expect(status.json.reachability.mode).toBe('relayed')
    }
  }, 60_000)

  it('alice and bob add each other by peer ID and talk live both ways, no mailbox; hole punching then makes it direct', async () => {
    expect((await alice.cli(['contacts', 'add', 'bob', bob.peerId])).exitCode).toBe(0)
    expect((await bob.cli(['contacts', 'add', 'alice', alice.peerId])).exitCode).toBe(0)
    const started = Date.now()
    const sent = await alice.cli(['send', 'bob', 'hello from behind my NAT', '--wait'], { timeoutMs: 60_000 })
    expect(sent.json?.state).toBe('delivered')
    const reply = await bob.cli(['send', 'alice', 'and from behind mine', '--wait'], { timeoutMs: 60_000 })
    expect(reply.json?.state).toBe('delivered')
    // "A few seconds at most", on a loaded machine: both ways, lookups included.
    expect(Date.now() - started).toBeLessThan(15_000)
    expect((await history(bob, alice)).map(m => m.text)).toEqual(['hello from behind my NAT', 'and from behind mine'])

    // The first connection went through carol; the punch replaces it with a direct one.
    await expect.poll(async () => (await connectionsTo(alice, bob)).some(c => c.kind === 'direct'), { timeout: 30_000, interval: 500 }).toBe(true)
    await expect.poll(async () => (await connectionsTo(bob, alice)).some(c => c.kind === 'direct'), { timeout: 30_000, interval: 500 }).toBe(true)
    const text = (await tb.exec('homeA', process.execPath, [CLI, 'status', '--home', alice.home], { env: process.env })).stdout
    expect(text).toMatch(/bob\s+direct/)
  }, 120_000)

  it('a home and a public user reach each other both ways', async () => {
    expect((await alice.cli(['contacts', 'add', 'dave', dave.peerId])).exitCode).toBe(0)
    expect((await dave.cli(['contacts', 'add', 'alice', alice.peerId])).exitCode).toBe(0)
    expect((await alice.cli(['send', 'dave', 'to the public side', '--wait'], { timeoutMs: 60_000 })).json?.state).toBe('delivered')
    expect((await dave.cli(['send', 'alice', 'and back behind the NAT', '--wait'], { timeoutMs: 60_000 })).json?.state).toBe('delivered')
    expect((await history(alice, dave)).map(m => m.text)).toEqual(['to the public side', 'and back behind the NAT'])
    // alice can dial dave's public address: their connection is direct.
    expect((await connectionsTo(alice, dave)).some(c => c.kind === 'direct')).toBe(true)
  }, 120_000)

  it('carol as both homes\' mailbox: live messages, then bob offline - three messages wait at carol and arrive once each', async () => {
    for (const home of [alice, bob]) {
      expect((await carol.cli(['trust', 'add', home.peerId])).exitCode).toBe(0)
      const added = await home.cli(['relays', 'add', carol.peerId, '--addr', bootstrap[0]])
      expect(added.exitCode).toBe(0)
      expect(added.json.registered).toBe(true)
    }
    expect((await alice.cli(['send', 'bob', 'live, with a mailbox', '--wait'], { timeoutMs: 60_000 })).json?.state).toBe('delivered')

    const bobHome = { home: bob.home, peerId: bob.peerId, cleanup: bob.cleanup }
    expect(await bob.stop()).toBe(0)
    keepLogs([bob])
    for (const text of ['while you were away 1', 'while you were away 2', 'while you were away 3']) {
      expect((await alice.cli(['send', 'bob', text])).exitCode).toBe(0)
    }
    // Held by carol: bob's record lists her as his mailbox.
    await expect.poll(async () => (await history(alice, bob)).filter(m => m.text.startsWith('while you were away') && m.state === 'stored').length, { timeout: 30_000, interval: 300 }).toBe(3)
    for (const m of (await history(alice, bob)).filter(m => m.text.startsWith('while you were away'))) {
      expect(m.relays).toEqual([{ relay: carol.peerId, status: 'stored' }])
    }

    bob = await startMurmur(tb, 'homeB', { name: 'bob', bootstrap, home: bobHome, env: debugEnv() })
    await expect.poll(async () => (await history(bob, alice)).filter(m => m.text.startsWith('while you were away')).length, { timeout: 60_000, interval: 500 }).toBe(3)
    const texts = (await history(bob, alice)).map(m => m.text)
    expect(texts.filter(t => t.startsWith('while you were away'))).toEqual(['while you were away 1', 'while you were away 2', 'while you were away 3'])
    await expect.poll(async () => (await history(alice, bob)).filter(m => m.text.startsWith('while you were away') && m.state === 'delivered').length, { timeout: 60_000, interval: 500 }).toBe(3)
    // Nothing is left at carol.
    await expect.poll(async () => (await bob.cli(['status'])).json.relays[0]?.queued, { timeout: 30_000, interval: 500 }).toBe(0)
  }, 180_000)
})

describe('faults: a NAT that defeats hole punching, and a relayed connection that runs out', () => {
  let tb: Testbed
  let carol: MurmurHost
  let alice: MurmurHost
  let bob: MurmurHost

  beforeAll(async () => {
    // Router B picks a random port for every mapping: the predicted port is wrong.
    tb = await createTestbed({ routerB: { mapping: 'random' } })
    carol = await startMurmur(tb, 'publicA', { name: 'carol', env: debugEnv() })
    const bootstrap = [tcpAddress(tb.hosts.publicA.address, carol)]
    ;[alice, bob] = await Promise.all([
      startMurmur(tb, 'homeA', { name: 'alice', bootstrap, env: debugEnv() }),
      startMurmur(tb, 'homeB', { name: 'bob', bootstrap, env: debugEnv() })
    ])
    for (const home of [alice, bob]) await home.waitForEvent('relayed', e => e.event === 'reachability' && e.mode === 'relayed')
    expect((await alice.cli(['contacts', 'add', 'bob', bob.peerId])).exitCode).toBe(0)
    expect((await bob.cli(['contacts', 'add', 'alice', alice.peerId])).exitCode).toBe(0)
  }, 60_000)

  afterAll(async () => {
    keepLogs([carol, alice, bob])
    await Promise.all([alice, bob, carol].filter(m => m != null).map(async m => { await m.stop(); await m.cleanup() }))
    await tb?.teardown()
  })

  it('the punch fails: messages still flow both ways over the relay, and status says the connection is relayed', async () => {
    expect((await alice.cli(['send', 'bob', 'through carol', '--wait'], { timeoutMs: 60_000 })).json?.state).toBe('delivered')
    expect((await bob.cli(['send', 'alice', 'still through carol', '--wait'], { timeoutMs: 60_000 })).json?.state).toBe('delivered')
    const connections = await connectionsTo(alice, bob)
    expect(connections.length).toBeGreaterThan(0)
    expect(connections.every(c => c.kind === 'relayed' && c.limited)).toBe(true)
  }, 120_000)

  it('a relayed connection that reaches its data limit is replaced: 40 messages of 6 KB (past 128 KiB) arrive once each, in order', async () => {
    const texts = Array.from({ length: 40 }, (_, i) => `${String(i).padStart(2, '0')} ${'x'.repeat(6_000)}`)
    // One after the other, each once alice's node has answered the one before (sendAll).
    const sent = await alice.sendAll('bob', texts)
    expect(new Set(sent.map(m => m.id)).size).toBe(texts.length)
    await expect.poll(async () => (await history(bob, alice)).filter(m => m.text.endsWith('x'.repeat(100))).length, { timeout: 90_000, interval: 1_000 }).toBe(40)
    const received = (await history(bob, alice)).filter(m => m.text.endsWith('x'.repeat(100))).map(m => m.text)
    expect(received).toEqual(texts)
    await expect.poll(async () => (await history(alice, bob)).filter(m => m.text.endsWith('x'.repeat(100)) && m.state === 'delivered').length, { timeout: 60_000, interval: 1_000 }).toBe(40)
  }, 180_000)
})

describe('faults: the only relay refuses reservations; black-holed addresses', () => {
  let tb: Testbed
  let carol: MurmurHost
  let alice: MurmurHost
  let bob: MurmurHost

  beforeAll(async () => {
    tb = await createTestbed()
    // carol is bob's mailbox but relays for nobody.
    carol = await startMurmur(tb, 'publicA', { name: 'carol', args: ['--no-relay-service'], env: debugEnv() })
    const bootstrap = [tcpAddress(tb.hosts.publicA.address, carol)]
    bob = await startMurmur(tb, 'homeB', { name: 'bob', bootstrap, env: debugEnv() })
    // carol answers WAN DHT queries once a peer confirmed her public address.
    await carol.waitForEvent('public', e => e.event === 'reachability' && e.mode === 'public')
    // alice also bootstraps from bob's WebSocket address, which the internet black-holes (a
    // private address of another network). Her kernel gives up on the SYN after ~7 s: after
    // libp2p has abandoned that dial, which is when `ws` used to throw an unhandled error.
    await tb.exec('homeA', 'sysctl', ['-qw', 'net.ipv4.tcp_syn_retries=2'])
    alice = await startMurmur(tb, 'homeA', {
      name: 'alice',
      bootstrap: [...bootstrap, `/ip4/${tb.hosts.homeB.address}/tcp/4456/ws/p2p/${bob.peerId}`],
      env: debugEnv()
    })
    expect((await carol.cli(['trust', 'add', bob.peerId])).exitCode).toBe(0)
    expect((await bob.cli(['relays', 'add', carol.peerId, '--addr', bootstrap[0]])).json.registered).toBe(true)
    expect((await alice.cli(['contacts', 'add', 'bob', bob.peerId])).exitCode).toBe(0)
  }, 60_000)

  afterAll(async () => {
    keepLogs([carol, alice, bob])
    await Promise.all([alice, bob, carol].filter(m => m != null).map(async m => { await m.stop(); await m.cleanup() }))
    await tb?.teardown()
  })

  it('bob cannot get a reservation and his status says why', async () => {
    // On a busy machine a first attempt may fail on the way (the dial to carol not through yet,
    // or no answer in time); the retry gets carol's answer, and that answer must be in words.
    const view = await bob.waitForEvent('refusal', e => e.event === 'reachability' && /refused/.test(String((e.reservationError as { reason?: string } | undefined)?.reason)), 50_000)
    expect(view.mode).toBe('lan')
    expect(view.reservationError, JSON.stringify(view)).toMatchObject({ relay: carol.peerId, reason: 'it refused (it relays for nobody, or only for peers it trusts)' })
    await expect.poll(async () => (await bob.cli(['status'])).json.reachability.detail, { timeout: 15_000, interval: 500 })
      .toMatch(/no relay holds a reservation for us \(.*: it refused/)
  }, 75_000)

  it('alice\'s message is stored at bob\'s mailbox within seconds, not after the dead addresses time out; bob gets it once', async () => {
    // The network has settled: bob's record (listing carol as his mailbox) is in the WAN DHT,
    // and alice's WAN DHT knows carol as a server.
    await expect.poll(async () => (await bob.cli(['status'])).json.record?.peers ?? 0, { timeout: 30_000, interval: 300 }).toBeGreaterThan(0)
    await expect.poll(async () => (await alice.cli(['status'])).json.dht.wan, { timeout: 30_000, interval: 300 }).toBeGreaterThan(0)
    // `send --wait` prints "stored at <relay>" the moment the node reports it.
    const sender = tb.spawn('homeA', process.execPath, [CLI, 'send', 'bob', 'no live path to you', '--wait', '--timeout', '30', '--home', alice.home], { stdio: ['ignore', 'pipe', 'pipe'], env: process.env })
    const storedAt = await new Promise<number>((resolve, reject) => {
      let out = ''
      sender.stdout?.on('data', (chunk: Buffer) => {
        out += chunk.toString()
        if (/stored at /.test(out)) resolve(Date.now())
      })
      sender.on('exit', () => { reject(new Error(`send ended without "stored at": ${out}`)) })
    })
    const message = (await history(alice, bob)).find(m => m.text === 'no live path to you')
    expect(message?.relays).toEqual([{ relay: carol.peerId, status: 'stored' }])
    // The direct path (bob's two black-holed private addresses, 3 s each, then the whole
    // attempt's 10 s) had not given up by then: the deposit did not wait for it.
    const elapsed = storedAt - (message as unknown as { sentAt: number }).sentAt
    expect(elapsed).toBeLessThan(5_000)
    sender.kill()
    await expect.poll(async () => (await history(bob, alice)).filter(m => m.text === 'no live path to you').length, { timeout: 60_000, interval: 500 }).toBe(1)
  }, 120_000)

  it('the black-holed WebSocket bootstrap address did not end alice\'s node: it says the peer never answered', async () => {
    const warning = await alice.waitForEvent('the bootstrap warning', e => e.event === 'warning' && String(e.message).includes('/ws/'), 60_000)
    expect(warning.message).toMatch(/has not answered after \d+ s/)
    expect((await alice.cli(['status'])).exitCode).toBe(0)
  }, 90_000)
})
