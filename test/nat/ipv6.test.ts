/**
 * Two homes whose IPv4 cannot be punched (both routers map ports at random, as carrier-grade
 * NATs do) but whose ISPs give them IPv6: global addresses, routed, not translated, behind
 * the home routers' stateful filters (test/nat/README.md, `ipv6: true`). murmur listens on both
 * families by default, so the punch goes over IPv6 and the homes talk directly.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startMurmur, tcpAddress, type MurmurHost } from './murmur.js'
import { connectionsTo, debugEnv, startRelayedHomes, stopAll } from './reach-helpers.js'
import { assertTestbedSupported, createTestbed, type Testbed } from './testbed.js'

beforeAll(async () => { await assertTestbedSupported() })

describe('IPv6 beside IPv4 NATs that defeat hole punching', () => {
  let tb: Testbed
  let carol: MurmurHost
  let alice: MurmurHost
  let bob: MurmurHost

  beforeAll(async () => {
    tb = await createTestbed({ ipv6: true, routerA: { mapping: 'random' }, routerB: { mapping: 'random' } })
    carol = await startMurmur(tb, 'publicA', { name: 'carol', env: debugEnv() })
    const bootstrap = [tcpAddress(tb.hosts.publicA.address, carol)]
    ;[alice, bob] = await startRelayedHomes(tb, bootstrap)
  }, 60_000)

  afterAll(async () => { await stopAll(tb, [carol, alice, bob]) })

  it('every node listens on IPv6 too; a firewalled home does not announce its unconfirmed global IPv6 address, so no contact waits on it', async () => {
    // A TCP connection to carol's IPv6 address is accepted (her node would answer multistream-select on it).
    const script = `const s = require('node:net').connect({ host: '${tb.hosts.publicA.address6 ?? ''}', port: 4455 }); s.on('connect', () => { console.log(s.localAddress); s.destroy() }); s.on('error', e => { console.log(e.code) })`
    expect((await tb.exec('homeB', process.execPath, ['-e', script], { timeoutMs: 10_000 })).stdout.trim()).toBe(tb.hosts.homeB.address6)
    const status = (await alice.cli(['status'])).json
    expect(status.reachability.mode).toBe('relayed')
    expect(status.reachability.publicAddresses).toEqual([])
    expect((status.listenAddresses as string[]).filter(a => a.includes(tb.hosts.homeA.address6 ?? '-'))).toEqual([])
  })

  it('alice and bob talk through carol, then directly over IPv6', async () => {
    expect((await alice.cli(['send', 'bob', 'hello over the relay', '--wait'], { timeoutMs: 60_000 })).json?.state).toBe('delivered')
    await expect.poll(async () => (await connectionsTo(alice, bob)).filter(c => c.kind === 'direct').map(c => c.address.split('/').slice(1, 3).join('/')), { timeout: 30_000, interval: 500 })
      .toContain(`ip6/${tb.hosts.homeB.address6}`)
    expect((await bob.cli(['send', 'alice', 'and back, directly', '--wait'], { timeoutMs: 30_000 })).json?.state).toBe('delivered')
  }, 120_000)
})
