// The routing-table filler (src/net/table-fill): a node that joined through one peer fills its
// LAN DHT table by random-key lookups, where kad-dht alone would wait for its next self-query
// or table refresh (5 minutes). Real libp2p nodes on 127.0.0.1.
import { describe, it, expect, afterEach } from 'vitest'
import { generateKeyPair } from '@libp2p/crypto/keys'
import { createNode, type MurmurNode } from '../../src/net/node.js'
import type { PartialNetworkLimits } from '../../src/net/limits.js'

const running: MurmurNode[] = []
const TEST_TIMEOUT_MS = 45_000

function limits (fillTargetPeers: number): PartialNetworkLimits {
  return {
    connections: { inboundConnectionThreshold: 1000 },
    dht: { initialQuerySelfIntervalMs: 100, fillTargetPeers, fillInitialBackoffMs: 200, fillMaxBackoffMs: 1_600, fillCheckIntervalMs: 1_000 }
  }
}

async function start (fillTargetPeers: number): Promise<MurmurNode> {
  const node = await createNode({ privateKey: await generateKeyPair('Ed25519'), listen: ['/ip4/127.0.0.1/tcp/0'], limits: limits(fillTargetPeers) })
  running.push(node)
  return node
}

/**
 * Resolves once the node's LAN DHT has run its first self-query, which waits for a first peer
 * in the table (kad-dht's own deferred: that query emits no event when it finds nobody new).
 * After it, kad-dht's own ways of filling the table - the next self-query, the table refresh -
 * are 5 minutes away: what fills a table in this test is the filler, or peers that connect.
 */
async function selfQueried (node: MurmurNode): Promise<void> {
  const selfQuery = (node.services.lanDht as unknown as { querySelf?: { initialQuerySelfHasRun?: { promise: Promise<void> } } }).querySelf
  expect(selfQuery).toBeDefined()
  await selfQuery?.initialQuerySelfHasRun?.promise
}

async function dial (from: MurmurNode, to: MurmurNode): Promise<void> {
  await from.dial(to.getMultiaddrs()[0], { signal: AbortSignal.timeout(10_000) })
}

function tableSize (node: MurmurNode): number {
  return (node.services.lanDht as unknown as { routingTable: { size: number } }).routingTable.size
}

/** Waits (vitest's expect.poll) until `check` holds, at most `timeoutMs`. */
async function waitFor (what: string, check: () => boolean, timeoutMs = 20_000): Promise<void> {
  await expect.poll(check, { timeout: timeoutMs, interval: 20, message: what }).toBe(true)
}

afterEach(async () => {
  await Promise.all(running.splice(0).map(async node => { await node.stop() }))
})

describe('routing-table filler', () => {
  it('fills a small LAN table from the peers its contacts learn later; without it the table stays small', { timeout: TEST_TIMEOUT_MS }, async () => {
    // Two separate groups: two newcomers around hub A, six members around hub B. Each group's
    // first self-queries run while it knows only its own group.
    const [hubA, filling, plain, hubB, ...members] = await Promise.all([0, 20, 0, 0, 0, 0, 0, 0, 0].map(start))
    await Promise.all([dial(filling, hubA), dial(plain, hubA), ...members.map(async m => { await dial(m, hubB) })])
    await Promise.all([hubA, filling, plain, hubB, ...members].map(selfQueried))
    await waitFor('hub B to hold every member', () => tableSize(hubB) === members.length)
    // Then the groups meet through their hubs: nobody's DHT queries again on its own for 5 minutes.
    await dial(hubA, hubB)

    const lanFill = (): ReturnType<typeof filling.services.tableFill.status>[number] | undefined => filling.services.tableFill.status().find(s => s.name === 'lanDht')
    // Peers pinged in after a query ended are counted at the filler's next look, up to 1.6 s
    // later: wait for the table and the count both.
    await waitFor('the filling newcomer to hold the members', () => tableSize(filling) >= members.length + 1 && (lanFill()?.added ?? 0) >= members.length)
    const status = lanFill()
    expect(status?.queries).toBeGreaterThan(0)
    expect(status?.added).toBeGreaterThanOrEqual(members.length)
    // By then the plain newcomer holds hub A, and at most the filling newcomer: no member knows it.
    expect(tableSize(plain)).toBeLessThanOrEqual(2)
    expect(plain.services.tableFill.status().find(s => s.name === 'lanDht')?.queries).toBe(0)
  })

  it('goes quiet on a network smaller than its target', { timeout: TEST_TIMEOUT_MS }, async () => {
    const [hub, node] = await Promise.all([start(0), start(20)])
    await dial(node, hub)
    // One peer is all there is: after the first lookups find nobody new, the waits double.
    await waitFor('three filling lookups', () => (node.services.tableFill.status().find(s => s.name === 'lanDht')?.queries ?? 0) >= 3)
    const lan = node.services.tableFill.status().find(s => s.name === 'lanDht')
    expect(lan?.size).toBe(1)
    expect(lan?.added).toBe(0)
    expect(lan?.backoffMs).toBeGreaterThanOrEqual(800)
    // The WAN DHT is left to kad-dht's own refresh (relayed peers: see src/net/node.ts).
    expect(node.services.tableFill.status().map(s => s.name)).toEqual(['lanDht'])
  })
})
