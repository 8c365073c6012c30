/**
 * Reachable everywhere, proven on real NATs (issue "Tests, on real NATs"): real `murmur start`
 * processes in the testbed's namespaces (test/nat/testbed.ts). Home routers do source NAT with
 * a stateful filter; the internet drops packets to private addresses.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { CLI } from '../e2e/cli-helpers.js'
import { startMurmur, tcpAddress, type MurmurHost } from './murmur.js'
import { connectionsTo, debugEnv, history, keepLogs, stopAll } from './reach-helpers.js'
import { assertTestbedSupported, createTestbed, type Testbed } from './testbed.js'

beforeAll(async () => { await assertTestbedSupported() })

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

  afterAll(async () => { await stopAll(tb, [carol, dave, alice, bob]) })

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
