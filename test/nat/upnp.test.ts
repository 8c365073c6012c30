/**
 * UPnP port mapping on a real UPnP gateway (issue "NAT traversal": "UPnP port mapping where a
 * router offers it, --no-upnp to turn off"). Router A runs miniupnpd (test/nat/miniupnpd.ts);
 * alice, a real `murmur start` behind it, finds it by SSDP, maps her TCP port, and is reached
 * directly at the router's public address. With --no-upnp she maps nothing and is reached
 * through a relay, as behind any other NAT.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startMiniupnpd, UPNP_FORWARDED, type Lease, type Miniupnpd } from './miniupnpd.js'
import { startMurmur, tcpAddress, type MurmurHost } from './murmur.js'
import { assertTestbedSupported, createTestbed, type Testbed } from './testbed.js'

beforeAll(async () => { await assertTestbedSupported() })

/** An IPv4 address as a regular expression's literal text. */
const escape = (address: string): string => address.replace(/\./g, '\\.')

/** murmur's TCP listener port (murmur start's default). */
const TCP_PORT = 4455

describe('a home router that offers UPnP (miniupnpd)', () => {
  let tb: Testbed
  let gateway: Miniupnpd
  let carol: MurmurHost
  let dave: MurmurHost | undefined
  let alice: MurmurHost | undefined
  let bootstrap: string[]

  beforeAll(async () => {
    tb = await createTestbed({ publicHosts: 2 })
    gateway = await startMiniupnpd(tb, 'routerA')
    carol = await startMurmur(tb, 'publicA', { name: 'carol' })
    bootstrap = [tcpAddress(tb.hosts.publicA.address, carol)]
  }, 60_000)

  /** alice's TCP mapping at the router. */
  async function tcpLease (): Promise<Lease> {
    const lease = (await gateway.leases()).find(l => l.protocol === 'TCP' && l.internalPort === TCP_PORT)
    if (lease == null) throw new Error(`no TCP mapping of port ${TCP_PORT} at the router`)
    return lease
  }

  afterAll(async () => {
    await Promise.all([alice, dave, carol].filter(m => m != null).map(async m => { await m.stop(); await m.cleanup() }))
    if (process.env.NAT_DEBUG != null) {
      (await import('node:fs')).writeFileSync('/tmp/nat-miniupnpd.log', gateway.output())
      ;(await import('node:fs')).writeFileSync('/tmp/nat-alice.log', alice?.stderr() ?? '')
    }
    await gateway?.stop()
    await tb?.teardown()
  })

  it('with UPnP on (the default), alice maps her TCP port at the router and announces the router\'s public address', async () => {
    alice = await startMurmur(tb, 'homeA', { name: 'alice', bootstrap, env: process.env.NAT_DEBUG != null ? { DEBUG: process.env.NAT_DEBUG } : {} })
    await expect.poll(async () => (await gateway.leases()).find(l => l.protocol === 'TCP' && l.internalPort === TCP_PORT), { timeout: 30_000, interval: 300 })
      .toMatchObject({ internalHost: tb.hosts.homeA.address })
    // She found the gateway by SSDP multicast from her LAN.
    expect(gateway.output()).toMatch(new RegExp(`SSDP M-SEARCH from ${escape(tb.hosts.homeA.address)}:`))
    const mapping = await tcpLease()
    expect(mapping.description).toContain(alice.peerId)
    expect(await gateway.dnatRules()).toEqual(expect.arrayContaining([
      expect.stringMatching(new RegExp(`th dport ${mapping.externalPort} dnat ip to ${escape(tb.hosts.homeA.address)}:${TCP_PORT}`))
    ]))

    // AutoNAT (carol dials the mapped address back) confirms it: alice is public.
    const mapped = `/ip4/${tb.hosts.routerA.wanAddress}/tcp/${mapping.externalPort}`
    const view = await alice.waitForEvent('public', e => e.event === 'reachability' && e.mode === 'public', 60_000)
    expect(view.publicAddresses).toEqual(expect.arrayContaining([expect.stringContaining(mapped)]))
    const status = await alice.cli(['status'])
    expect(status.json.reachability.mode).toBe('public')
    expect(status.json.reachability.detail).toContain(mapped)
  }, 90_000)

  it('a public node connects to alice directly at the mapped address; messages go both ways', async () => {
    if (alice == null) throw new Error('alice did not start')
    const before = (await tb.counters('routerA'))[UPNP_FORWARDED]?.packets ?? 0
    dave = await startMurmur(tb, 'publicB', { name: 'dave', bootstrap })
    expect((await dave.cli(['contacts', 'add', 'alice', alice.peerId])).exitCode).toBe(0)
    expect((await alice.cli(['contacts', 'add', 'dave', dave.peerId])).exitCode).toBe(0)
    expect((await dave.cli(['send', 'alice', 'to your mapped port', '--wait'], { timeoutMs: 60_000 })).json?.state).toBe('delivered')
    expect((await alice.cli(['send', 'dave', 'and back', '--wait'], { timeoutMs: 60_000 })).json?.state).toBe('delivered')
    expect((await alice.cli(['history', dave.peerId])).json.map((m: { text: string }) => m.text)).toEqual(['to your mapped port', 'and back'])

    // dave dialled alice at the router's public address and the mapped port, not through a relay.
    const mapping = await tcpLease()
    const toAlice = ((await dave.cli(['status'])).json.connectionList as Array<{ peerId: string, address: string, kind: string, direction: string }>)
      .filter(c => c.peerId === alice?.peerId)
    expect(toAlice).toEqual(expect.arrayContaining([expect.objectContaining({
      kind: 'direct',
      direction: 'outbound',
      address: expect.stringMatching(new RegExp(`^/ip4/${escape(tb.hosts.routerA.wanAddress)}/tcp/${mapping.externalPort}/`))
    })]))
    // ...and the router let those packets in through the mapping.
    expect((await tb.counters('routerA'))[UPNP_FORWARDED].packets).toBeGreaterThan(before)
  }, 120_000)

  it('stopping alice removes her mapping at the router', async () => {
    if (alice == null) throw new Error('alice did not start')
    expect(await alice.stop()).toBe(0)
    // upnp-nat deletes its mappings when libp2p stops (before the process exits).
    expect(await gateway.leases()).toEqual([])
    expect(await gateway.dnatRules()).toEqual([])
  }, 30_000)

  it('with --no-upnp, alice maps nothing and is reachable only through a relay', async () => {
    if (alice == null) throw new Error('alice did not start')
    const home = { home: alice.home, peerId: alice.peerId, cleanup: alice.cleanup }
    const seen = gateway.output().length
    alice = await startMurmur(tb, 'homeA', { name: 'alice', bootstrap, home, args: ['--no-upnp'] })
    const view = await alice.waitForEvent('relayed', e => e.event === 'reachability' && e.mode === 'relayed', 60_000)
    expect(view.publicAddresses).toEqual([])
    expect((await alice.cli(['status'])).json.reachability.detail).toMatch(/^through relay /)
    // With UPnP on, her first SSDP search reaches the gateway within a fraction of a second of
    // the start, long before her relay reservation is in place: this time she never searched,
    // so never asked for a mapping, and the router holds none.
    const since = gateway.output().slice(seen)
    expect(since).not.toMatch(/SSDP M-SEARCH from/)
    expect(since).not.toMatch(/PortMapping/)
    expect(await gateway.leases()).toEqual([])
    expect(await gateway.dnatRules()).toEqual([])
  }, 90_000)
})
