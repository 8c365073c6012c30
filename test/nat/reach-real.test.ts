/**
 * What real networks do to two people behind home routers (a router that reboots: test/nat/README.md,
 * `rebootRouter`): real `murmur start` processes in the testbed's namespaces, one testbed per describe.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startMurmur, tcpAddress, type MurmurHost } from './murmur.js'
import { connectionsTo, debugEnv, history, startRelayedHomes, stopAll } from './reach-helpers.js'
import { assertTestbedSupported, createTestbed, type Testbed } from './testbed.js'

beforeAll(async () => { await assertTestbedSupported() })

/** `send --wait` from `from` to `to`: the final state and how long it took. */
async function timedSend (from: MurmurHost, to: MurmurHost, text: string, timeoutSeconds: number): Promise<{ state: string, ms: number }> {
  const started = Date.now()
  const sent = await from.cli(['send', to.peerId, text, '--wait', '--timeout', String(timeoutSeconds)], { timeoutMs: (timeoutSeconds + 10) * 1000 })
  return { state: sent.json?.state, ms: Date.now() - started }
}

describe('a home router reboots while both homes are connected (one relay, carol)', () => {
  let tb: Testbed
  let carol: MurmurHost
  let alice: MurmurHost
  let bob: MurmurHost

  beforeAll(async () => {
    tb = await createTestbed()
    carol = await startMurmur(tb, 'publicA', { name: 'carol', env: debugEnv() })
    const bootstrap = [tcpAddress(tb.hosts.publicA.address, carol)]
    ;[alice, bob] = await startRelayedHomes(tb, bootstrap, { relayedWithinMs: 60_000 })
  }, 90_000)

  afterAll(async () => { await stopAll(tb, [carol, alice, bob]) })

  it('the home that sends nothing notices its dead reservation by itself: the other home\'s message arrives within seconds, once', async () => {
    expect((await timedSend(alice, bob, 'before the reboot', 60)).state).toBe('delivered')
    expect((await timedSend(bob, alice, 'and back', 60)).state).toBe('delivered')
    await expect.poll(async () => (await connectionsTo(alice, bob)).some(c => c.kind === 'direct'), { timeout: 30_000, interval: 500 }).toBe(true)
    const events = alice.events().length

    // Router A forgets every connection through it: alice's to carol (her reservation) and
    // both of hers to bob (through carol, and the punched one) die without a word.
    await tb.rebootRouter('routerA')
    // alice sends nothing. Her relay's connection was found dead only once three periodic pings
    // had failed, each waiting longer than the last: bob's message arrived after ~100 s. Now one
    // failed ping to her relay has every connection probed, she takes a new reservation, and
    // connecting to bob again has him deliver at once: ~20 s, most of it that first ping.
    const sent = await timedSend(bob, alice, 'after the reboot', 60)
    expect(sent.state).toBe('delivered')
    expect(sent.ms).toBeLessThan(35_000)
    // Her node said what happened: unreachable (its reservation gone), then through carol again.
    const after = alice.events().slice(events).filter(e => e.event === 'reachability').map(e => e.mode)
    expect(after).toEqual(expect.arrayContaining(['lan', 'relayed']))

    const [there, back] = await Promise.all([timedSend(alice, bob, 'both ways 1', 30), timedSend(bob, alice, 'both ways 2', 30)])
    expect([there.state, back.state]).toEqual(['delivered', 'delivered'])
    expect(Math.max(there.ms, back.ms)).toBeLessThan(10_000)
    const texts = (await history(alice, bob)).map(m => m.text)
    expect(texts.slice(0, 3)).toEqual(['before the reboot', 'and back', 'after the reboot'])
    expect([...texts.slice(3)].sort()).toEqual(['both ways 1', 'both ways 2'])
  }, 150_000)
})

describe('two homes behind the same router, without mDNS (one relay, carol)', () => {
  let tb: Testbed
  let carol: MurmurHost
  let alice: MurmurHost
  let bob: MurmurHost

  beforeAll(async () => {
    tb = await createTestbed({ secondHomeOnA: true })
    carol = await startMurmur(tb, 'publicA', { name: 'carol', env: debugEnv() })
    const bootstrap = [tcpAddress(tb.hosts.publicA.address, carol)]
    ;[alice, bob] = await startRelayedHomes(tb, bootstrap, { hosts: ['homeA', 'homeA2'], relayedWithinMs: 60_000, contacts: false })
  }, 90_000)

  afterAll(async () => { await stopAll(tb, [carol, alice, bob]) })

  it('talk directly over their LAN, not through the public relay (measured: both ways in ~1.7 s, direct within ~2.2 s)', async () => {
    expect((await alice.cli(['contacts', 'add', 'bob', bob.peerId])).exitCode).toBe(0)
    expect((await bob.cli(['contacts', 'add', 'alice', alice.peerId])).exitCode).toBe(0)
    expect((await timedSend(alice, bob, 'across the room', 30)).state).toBe('delivered')
    expect((await timedSend(bob, alice, 'and back', 30)).state).toBe('delivered')
    // Their router has no hairpin NAT: the punch to their shared public address cannot work,
    // their LAN addresses (announced by identify, ranked first as in this machine's subnet) do.
    await expect.poll(async () => (await connectionsTo(alice, bob)).filter(c => c.kind === 'direct').map(c => c.address.split('/')[2]), { timeout: 20_000, interval: 500 })
      .toContain(tb.hosts.homeA2?.address)
  }, 60_000)
})
