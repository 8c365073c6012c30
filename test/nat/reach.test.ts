/**
 * Two people behind home NATs and a public node that trusts nobody (issue: "Tests, on real
 * NATs"): real `murmur start` processes in the testbed's namespaces. They add each other by
 * peer ID and talk live both ways, with no mailbox: through a relay reservation at the public
 * node first, then directly once hole punching opened the NATs.
 */
import { writeFileSync } from 'node:fs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startMurmur, tcpAddress, type MurmurHost } from './murmur.js'
import { assertTestbedSupported, createTestbed, type Testbed } from './testbed.js'

beforeAll(async () => { await assertTestbedSupported() })

describe('two homes behind NATs and a public node that trusts nobody', () => {
  let tb: Testbed
  let pub: MurmurHost
  let alice: MurmurHost
  let bob: MurmurHost

  beforeAll(async () => {
    tb = await createTestbed()
    pub = await startMurmur(tb, 'publicA', { name: 'pub' })
    const bootstrap = [tcpAddress(tb.hosts.publicA.address, pub)]
    ;[alice, bob] = await Promise.all([
      startMurmur(tb, 'homeA', { name: 'alice', bootstrap, env: process.env.NAT_DEBUG != null ? { DEBUG: process.env.NAT_DEBUG } : {} }),
      startMurmur(tb, 'homeB', { name: 'bob', bootstrap, env: process.env.NAT_DEBUG != null ? { DEBUG: process.env.NAT_DEBUG } : {} })
    ])
  }, 60_000)

  afterAll(async () => {
    await Promise.all([alice, bob, pub].filter(m => m != null).map(async m => { await m.stop(); await m.cleanup() }))
    await tb?.teardown()
  })

  it('the public node is public; each home is reachable through the public node\'s relay', async () => {
    await pub.waitForEvent('public', e => e.event === 'reachability' && e.mode === 'public')
    for (const home of [alice, bob]) {
      if (process.env.NAT_DEBUG != null) setTimeout(() => { console.log(home.stderr().slice(-20000)) }, 25_000)
      const view = await home.waitForEvent('relayed', e => e.event === 'reachability' && e.mode === 'relayed')
      expect(view.relays).toEqual([pub.peerId])
    }
  }, 60_000)

  it('they add each other by peer ID and exchange messages live both ways', async () => {
    expect((await alice.cli(['contacts', 'add', 'bob', bob.peerId])).exitCode).toBe(0)
    expect((await bob.cli(['contacts', 'add', 'alice', alice.peerId])).exitCode).toBe(0)
    const sent = await alice.cli(['send', 'bob', 'hello from behind my NAT', '--wait'], { timeoutMs: 60_000 })
    expect(sent.json?.state).toBe('delivered')
    const reply = await bob.cli(['send', 'alice', 'and from behind mine', '--wait'], { timeoutMs: 60_000 })
    expect(reply.json?.state).toBe('delivered')
    const status = await alice.cli(['status'])
    const toBob = status.json.connectionList.filter((c: { peerId: string }) => c.peerId === bob.peerId)
    expect(toBob.length).toBeGreaterThan(0)
    console.log(JSON.stringify(status.json.connectionList, null, 1))
  }, 120_000)

  it('hole punching replaces the relayed connection by a direct one', async () => {
    const direct = async (): Promise<boolean> => {
      const status = await alice.cli(['status'])
      return status.json.connectionList.some((c: { peerId: string, kind: string }) => c.peerId === bob.peerId && c.kind === 'direct')
    }
    try {
      await expect.poll(direct, { timeout: 30_000, interval: 500 }).toBe(true)
    } finally {
      if (process.env.NAT_DEBUG != null) { writeFileSync('/tmp/nat-alice.log', alice.stderr()); writeFileSync('/tmp/nat-bob.log', bob.stderr()) }
    }
  }, 60_000)
})
