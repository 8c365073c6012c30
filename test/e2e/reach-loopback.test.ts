/**
 * Reachability on one machine with no flags (issue: "Discovery that works by default"): real
 * `murmur start` processes on 127.0.0.1, mDNS off, two of them bootstrapping through a third;
 * and the start-up mistakes a user makes, each a clear line.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { runCli } from './cli-helpers.js'
import { initNode, killAll, startNode, type RunningNode } from './daemon-helpers.js'

/**
 * `murmur lookup` until it finds the record (exit 0), at most `timeoutMs`: a node's record
 * reaches the DHT only once its first DHT peer has identified (it publishes again then), and
 * status's record.peers counts only the last publish, so the lookup itself is the barrier.
 */
async function lookupUntilFound (args: string[], nodes: RunningNode[], timeoutMs = 30_000): Promise<Awaited<ReturnType<typeof runCli>>> {
  const deadline = Date.now() + timeoutMs
  let tries = 0
  for (;;) {
    const result = await runCli(['lookup', ...args])
    tries++
    if (result.code !== 3) return result
    if (Date.now() > deadline) {
      // What each node's DHTs looked like when the lookup gave up: the failure says where to look.
      const views = await Promise.all(nodes.map(async n => {
        const status = JSON.parse((await runCli(['status', '--home', n.home, '--json'])).stdout)
        return `${n.peerId.slice(-6)}: dht ${JSON.stringify(status.dht)} record ${JSON.stringify(status.record)} connections ${JSON.stringify(status.connectionList.map((c: { peerId: string, kind: string }) => `${c.peerId.slice(-6)}/${c.kind}`))}`
      }))
      return { ...result, stderr: `${result.stderr}after ${tries} lookups:\n${views.join('\n')}\n` }
    }
  }
}

describe('three nodes on loopback, --no-mdns, bootstrapping through a third: no other flag', () => {
  let carol: RunningNode
  let alice: RunningNode
  let bob: RunningNode
  const cleanups: Array<() => Promise<void>> = []

  beforeAll(async () => {
    const [c, a, b] = await Promise.all([initNode('carol'), initNode('alice'), initNode('bob')])
    cleanups.push(c.cleanup, a.cleanup, b.cleanup)
    carol = await startNode(c.home)
    ;[alice, bob] = await Promise.all([
      startNode(a.home, ['--bootstrap', carol.addresses[0]]),
      startNode(b.home, ['--bootstrap', carol.addresses[0]])
    ])
  })
  afterAll(async () => {
    await Promise.all([alice, bob, carol].filter(n => n !== undefined).map(async n => await n.stop()))
    killAll()
    await Promise.all(cleanups.map(async c => { await c() }))
  })

  it('alice adds bob by peer ID alone and the message is delivered; bob replies; status says how each is reachable', async () => {
    expect((await runCli(['contacts', 'add', 'bob', bob.peerId, '--home', alice.home])).code).toBe(0)
    // alice has never been connected to bob: his addresses come from the LAN DHT through carol.
    const sent = await runCli(['send', 'bob', 'found you through carol', '--wait', '--home', alice.home, '--json'], { timeoutMs: 60_000 })
    expect(sent.stderr).toBe('')
    expect(JSON.parse(sent.stdout).state).toBe('delivered')
    const history = await runCli(['history', alice.peerId, '--home', bob.home, '--json'])
    expect(JSON.parse(history.stdout).map((m: { text: string }) => m.text)).toEqual(['found you through carol'])

    expect((await runCli(['contacts', 'add', 'alice', alice.peerId, '--home', bob.home])).code).toBe(0)
    const reply = await runCli(['send', 'alice', 'and back', '--wait', '--home', bob.home, '--json'], { timeoutMs: 60_000 })
    expect(JSON.parse(reply.stdout).state).toBe('delivered')

    const status = JSON.parse((await runCli(['status', '--home', alice.home, '--json'])).stdout)
    expect(status.reachability.mode).toBe('lan')
    expect(status.dht.lan).toBeGreaterThan(0)
    expect(status.bootstrap).toEqual([expect.objectContaining({ peerId: carol.peerId, connected: true })])
    expect(status.connectionList.some((c: { peerId: string, kind: string }) => c.peerId === bob.peerId && c.kind === 'direct')).toBe(true)
    const text = (await runCli(['status', '--home', alice.home])).stdout
    expect(text).toMatch(/reachable\s+this machine only/)
  })

  it('murmur lookup says where a peer can be reached, from its contact record; a peer with none is exit 3 in one line', async () => {
    // By contact name, as JSON (the test adds its own contact: it runs alone with -t too).
    expect((await runCli(['contacts', 'add', 'bob', bob.peerId, '--home', carol.home])).code).toBe(0)
    const found = await lookupUntilFound(['bob', '--home', carol.home, '--json'], [alice, bob, carol])
    expect(found.stderr).toBe('')
    const view = JSON.parse(found.stdout)
    expect(view).toMatchObject({ peerId: bob.peerId, contact: 'bob', mailboxes: [] })
    expect(view.addresses).toContain(bob.addresses[0])
    expect(BigInt(view.sequence)).toBeGreaterThan(0n)
    expect(view.ms).toBeGreaterThan(0)
    expect(view.bundle).toEqual({ valid: true, signedPreKeyId: expect.any(Number), lastResortPreKeyId: expect.any(Number) })
    // By peer ID, as text: alice is no contact of bob's (the reply of the test above aside, this runs alone too).
    const text = await lookupUntilFound([alice.peerId, '--home', bob.home], [alice, bob, carol])
    expect(text.stderr).toBe('')
    expect(text.code).toBe(0)
    expect(text.stdout).toContain(`peer ID    ${alice.peerId}`)
    expect(text.stdout).toContain(`addresses  ${alice.addresses[0]}`)
    expect(text.stdout).toContain('mailboxes  none')
    expect(text.stdout).toMatch(/^bundle {5}signed prekey \d+, last-resort prekey \d+$/m)

    // A peer that never ran a node has no record: one line, exit 3 (not found).
    const stranger = await initNode()
    cleanups.push(stranger.cleanup)
    const missing = await runCli(['lookup', stranger.peerId, '--home', alice.home, '--json'])
    expect(missing.code).toBe(3)
    expect(JSON.parse(missing.stderr).error).toMatchObject({ name: 'ContactRecordNotFoundError', message: expect.stringMatching(/^no contact record of 12D3KooW\w+ in the DHTs/) })
    const plain = await runCli(['lookup', stranger.peerId, '--home', alice.home])
    expect(plain.stderr.trim().split('\n')).toEqual([expect.stringMatching(/^murmur: no contact record of /)])
    // Neither a contact nor a peer ID: the usual answers.
    expect((await runCli(['lookup', 'nobody', '--home', alice.home])).code).toBe(3)
    expect((await runCli(['lookup', '12D3KooWnotapeerid', '--home', alice.home])).code).toBe(2)
  }, 120_000)
})

describe('start-up mistakes are one clear line', () => {
  const cleanups: Array<() => Promise<void>> = []
  afterAll(async () => {
    killAll()
    await Promise.all(cleanups.map(async c => { await c() }))
  })

  it('a port already in use: "port N is in use", exit 7, no stack trace; nothing left behind', async () => {
    const [first, second] = await Promise.all([initNode(), initNode()])
    cleanups.push(first.cleanup, second.cleanup)
    const running = await startNode(first.home)
    const port = /\/tcp\/(\d+)/.exec(running.addresses[0])?.[1]
    const clash = await runCli(['start', '--home', second.home, '--no-mdns', '--listen', `/ip4/127.0.0.1/tcp/${port}`])
    expect(clash.code).toBe(7)
    expect(clash.stderr.trim().split('\n')).toEqual([expect.stringMatching(new RegExp(`^murmur: port ${port} is in use.*--listen`))])
    // The refused node released its home: it starts on a free port at once.
    const retried = await startNode(second.home)
    expect(retried.peerId).toBe(second.peerId)
    await Promise.all([running.stop(), retried.stop()])
  })

  it('a bootstrap address without /p2p is a warning at start, and the node runs', async () => {
    const node = await initNode()
    cleanups.push(node.cleanup)
    const running = await startNode(node.home, ['--bootstrap', '/ip4/127.0.0.1/tcp/9'])
    await expect.poll(() => running.stdout().includes('"event":"warning"'), { timeout: 15_000, interval: 25, message: 'the warning' }).toBe(true)
    const warning = running.stdout().split('\n').filter(l => l.includes('"event":"warning"')).map(l => JSON.parse(l))[0]
    expect(warning.message).toMatch(/bootstrap address \/ip4\/127\.0\.0\.1\/tcp\/9 has no \/p2p\/<peer id>/)
    const status = JSON.parse((await runCli(['status', '--home', node.home, '--json'])).stdout)
    expect(status.warnings).toEqual([warning.message])
    expect(await running.stop()).toBe(0)
  })
})
