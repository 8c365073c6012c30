// The relay's periodic sweeper (@libp2p/utils' repeatingTask): expired envelopes leave without
// anyone calling sweep(), one sweep at a time, and stop() ends the task.
import { randomBytes } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { capabilityHash } from '../../src/relay/index.js'
import { openStore, type Store } from '../../src/store/index.js'
import { SteppedClock } from '../clock.js'
import { hex, makeEnvelope, startNode, type RelayNode } from './helpers.js'

describe('relay sweeper', () => {
  let store: Store
  let relay: RelayNode
  let owner: RelayNode
  let depositor: RelayNode
  /** The relay's clock: moved forward by the test instead of waiting for TTLs to pass. */
  const clock = new SteppedClock()
  const capability = new Uint8Array(randomBytes(32))

  beforeAll(async () => {
    store = await openStore({ memory: true })
    relay = await startNode({ store, sweepIntervalMs: 50, clock });
    [owner, depositor] = await Promise.all([startNode(), startNode()])
    await relay.services.mailbox.trust.add(owner.peerId)
    await Promise.all([owner, depositor].map(async (n) => n.dial(relay.getMultiaddrs())))
    await owner.services.mailbox.register(relay.peerId)
    await owner.services.mailbox.addCapabilities(relay.peerId, [capabilityHash(capability)])
  })

  afterAll(async () => {
    await Promise.all([relay, owner, depositor].map(async (n) => n?.stop()))
    await store?.close()
  })

  it('deletes expired envelopes on its own and keeps the others', async () => {
    const short = makeEnvelope(owner.peerId, { expiresAt: Date.now() + 60_000 })
    const long = makeEnvelope(owner.peerId, { expiresAt: Date.now() + 3_600_000 })
    for (const e of [short, long]) await depositor.services.mailbox.deposit(relay.peerId, e.bytes, { capability })
    expect((await owner.services.mailbox.status(relay.peerId)).count).toBe(2)
    const before = relay.services.mailbox.stats().expired
    // Nobody calls sweep(): the task notices once the relay's clock is past the short TTL.
    clock.advance(120_000)
    await expect.poll(() => relay.services.mailbox.stats().expired === before + 1, { timeout: 10_000, interval: 20, message: 'the sweeper to delete the expired envelope' }).toBe(true)
    const ids = (await owner.services.mailbox.fetch(relay.peerId, { limit: 10 })).envelopes.map((e) => hex(e.id))
    expect(ids).toEqual([hex(long.id)])
    expect(relay.services.mailbox.stats().expired).toBe(before + 1)
  })
})
