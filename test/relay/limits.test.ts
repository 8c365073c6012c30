// Rate limits of the mailbox protocol on a relay with tight buckets: one depositor's flood is
// refused while another still gets in and other mailboxes are unaffected; prekey takes are
// rate-limited per requester and run out with NONE_LEFT. Real nodes on 127.0.0.1.
import { randomBytes } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { openStore, type Store } from '../../src/store/index.js'
import { createRelaySublevels } from '../../src/store/layout.js'
import { capabilityHash, NoPrekeysLeftError, RelayRateLimitedError } from '../../src/relay/index.js'
import { makeEnvelope, startNode, type RelayNode } from './helpers.js'

const BURST = 5

describe('mailbox rate limits', () => {
  let store: Store
  let relay: RelayNode
  let owner: RelayNode
  let other: RelayNode
  let flooder: RelayNode
  let polite: RelayNode
  const capability = new Uint8Array(randomBytes(32))

  beforeAll(async () => {
    store = await openStore({ memory: true })
    relay = await startNode({
      store,
      rates: { deposit: { burst: BURST, perSecond: 0.001 }, prekey: { burst: 3, perSecond: 0.001 } },
      sweepIntervalMs: 0
    });
    [owner, other, flooder, polite] = await Promise.all(Array.from({ length: 4 }, async () => startNode()))
    for (const o of [owner, other]) {
      await relay.services.mailbox.trust.add(o.peerId)
      await o.dial(relay.getMultiaddrs())
      await o.services.mailbox.register(relay.peerId)
      await o.services.mailbox.addCapabilities(relay.peerId, [capabilityHash(capability)])
    }
    await Promise.all([flooder, polite].map(async (n) => n.dial(relay.getMultiaddrs())))
  })

  afterAll(async () => {
    await Promise.all([relay, owner, other, flooder, polite].map(async (n) => n?.stop()))
    await store?.close()
  })

  it('a flood from one depositor is RATE_LIMITED and stores nothing; another depositor still gets in', async () => {
    const outcomes = await Promise.allSettled(Array.from({ length: BURST + 10 }, async () =>
      flooder.services.mailbox.deposit(relay.peerId, makeEnvelope(owner.peerId).bytes, { capability })))
    const stored = outcomes.filter((o) => o.status === 'fulfilled').length
    const limited = outcomes.filter((o) => o.status === 'rejected' && o.reason instanceof RelayRateLimitedError).length
    expect(stored).toBe(BURST)
    expect(limited).toBe(10)
    expect(await polite.services.mailbox.deposit(relay.peerId, makeEnvelope(owner.peerId).bytes, { capability })).toMatchObject({ duplicate: false })
    expect(await polite.services.mailbox.deposit(relay.peerId, makeEnvelope(other.peerId).bytes, { capability })).toMatchObject({ duplicate: false })
    expect((await owner.services.mailbox.status(relay.peerId)).count).toBe(BURST + 1)
    expect((await other.services.mailbox.status(relay.peerId)).count).toBe(1)
    expect(await createRelaySublevels(store.level).relayHeld.rangeKeys({})).toHaveLength(BURST + 2)
  })

  it('prekeys: NONE_LEFT when used up, RATE_LIMITED per requester', async () => {
    await owner.services.mailbox.uploadPrekeys(relay.peerId, [Uint8Array.of(1), Uint8Array.of(2)])
    const a = await polite.services.mailbox.takePrekey(relay.peerId, owner.peerId)
    const b = await polite.services.mailbox.takePrekey(relay.peerId, owner.peerId)
    expect([a[0], b[0]].sort()).toEqual([1, 2])
    await expect(polite.services.mailbox.takePrekey(relay.peerId, owner.peerId)).rejects.toBeInstanceOf(NoPrekeysLeftError)
    await expect(polite.services.mailbox.takePrekey(relay.peerId, owner.peerId)).rejects.toBeInstanceOf(RelayRateLimitedError)
    // Another requester has its own budget.
    await expect(flooder.services.mailbox.takePrekey(relay.peerId, owner.peerId)).rejects.toBeInstanceOf(NoPrekeysLeftError)
  })
})
