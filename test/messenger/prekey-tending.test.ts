// A running node tends its prekeys on its own (docs/messaging.md, "Prekeys"): with no bundle
// request and no restart, its signed prekey rotates when due, its contact record, which
// carries the public bundle, goes out again, and the bundles its relay holds are replaced.
// Real nodes over loopback, real LevelDB homes; the week passes on alice's messenger clock
// (test/clock.ts). bob is alice's relay.
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { SIGNED_PREKEY_ROTATION_MS } from '../../src/messenger/constants.js'
import { decodeBundle } from '../../src/crypto/pqxdh/index.js'
import { openStore, type LastResortKemPrekeyRecord, type SignedPrekeyRecord } from '../../src/store/index.js'
import { createRelaySublevels } from '../../src/store/layout.js'
import { SteppedClock } from '../clock.js'
import { eventually, makeHome, removeDir, startNode, type TestNode } from './helpers.js'

describe('prekeys tended while the node runs', () => {
  const dirs: string[] = []
  const clock = new SteppedClock()
  let alice: TestNode
  let bob: TestNode

  beforeAll(async () => {
    const a = await makeHome()
    const b = await makeHome()
    dirs.push(a.dir, b.dir)
    alice = await startNode(a.home, { clock })
    bob = await startNode(b.home, { bootstrap: alice.addresses })
    await bob.murmur.trust.add(alice.murmur.peerId)
    await alice.murmur.relays.add(bob.murmur.peerId, { addresses: bob.addresses })
  })

  afterAll(async () => {
    await Promise.allSettled([alice?.murmur.stop(), bob?.murmur.stop()])
    await Promise.all(dirs.map(removeDir))
  })

  it('a week on, the signed and last-resort prekeys are new, the contact record carrying them is published again and the relay holds bundles naming them, with no request and no restart', async () => {
    // The record listing bob as alice's mailbox is out: a newer one now is the rotation's (the
    // next scheduled publication is DEFAULT_REPUBLISH_INTERVAL_MS away, on the system's clock).
    const first = await eventually(async () => {
      const record = await bob.murmur.lookup(alice.murmur.peerId, { timeoutMs: 5_000 }).catch(() => undefined)
      return record?.mailboxes.some(m => m.peerId === bob.murmur.peerId) === true ? record : undefined
    }, 20_000, "alice's record listing her mailbox at bob")
    const stocked = (await alice.murmur.status()).oneTimePrekeys
    const before = Date.now()
    clock.advance(SIGNED_PREKEY_ROTATION_MS)
    const again = await eventually(async () => {
      const record = await bob.murmur.lookup(alice.murmur.peerId, { timeoutMs: 5_000 }).catch(() => undefined)
      // Made after the clock moved: a publication of the relay's registration may still come
      // between the look-up above and the move (one did, 22 ms before it, in a CI run).
      return record !== undefined && BigInt(record.sequence) > BigInt(first.sequence) && record.createdAt >= before ? record : undefined
    }, 20_000, "alice's record published again")
    expect(again.createdAt).toBeGreaterThanOrEqual(before)
    // The relay's new bundles were issued (20 one-time prekeys fewer unissued at alice).
    await eventually(async () => (await alice.murmur.status()).oneTimePrekeys === stocked - 20, 20_000, 'bundles issued for the relay')
    // stop() waits for a restocking of the relay under way (it began with the publication).
    await alice.murmur.stop()
    const aliceStore = await openStore({ path: join(alice.home, 'store') })
    let signed: SignedPrekeyRecord[]
    let lastResort: LastResortKemPrekeyRecord[]
    try {
      signed = (await aliceStore.sublevels.signedPrekeys.list()).map(e => e.value).sort((x, y) => x.createdAt - y.createdAt)
      lastResort = (await aliceStore.sublevels.lastResortKemPrekeys.list()).map(e => e.value).sort((x, y) => x.createdAt - y.createdAt)
    } finally {
      await aliceStore.close()
    }
    expect(lastResort).toHaveLength(2)
    // The old key stays for first messages still on their way; the new one was made on the moved clock.
    expect(signed).toHaveLength(2)
    expect(signed[1].createdAt - signed[0].createdAt).toBeGreaterThanOrEqual(SIGNED_PREKEY_ROTATION_MS)
    await bob.murmur.stop()
    const bobStore = await openStore({ path: join(bob.home, 'store') })
    try {
      const held = (await createRelaySublevels(bobStore.level).relayPrekeys.range({})).map(([, bytes]) => decodeBundle(bytes))
      // Every one names the new signed prekey: the relay hands out the oldest first, and one
      // naming the old key would start no session once that key is gone.
      expect(held.length).toBeGreaterThan(0)
      expect(held.map(b => [b.signedPreKey.id, b.lastResortKemPreKey.id])).toEqual(held.map(() => [signed[1].id, lastResort[1].id]))
    } finally {
      await bobStore.close()
    }
  })
})
