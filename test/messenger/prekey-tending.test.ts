// A running node tends its prekeys on its own (docs/messaging.md, "Prekeys"): with no bundle
// request and no restart, its signed prekey rotates when due and its contact record, which
// carries the public bundle, goes out again. Real nodes over loopback, real LevelDB homes; the
// week passes on alice's messenger clock (test/clock.ts).
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { SIGNED_PREKEY_ROTATION_MS } from '../../src/messenger/constants.js'
import { openStore } from '../../src/store/index.js'
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
  })

  afterAll(async () => {
    await Promise.allSettled([alice?.murmur.stop(), bob?.murmur.stop()])
    await Promise.all(dirs.map(removeDir))
  })

  it('a week on, the signed prekey is new and the contact record carrying it is published again, with no request and no restart', async () => {
    const first = await eventually(async () => await bob.murmur.lookup(alice.murmur.peerId, { timeoutMs: 5_000 }).catch(() => undefined), 20_000, "alice's first record at bob")
    const before = Date.now()
    clock.advance(SIGNED_PREKEY_ROTATION_MS)
    // The next scheduled publication is DEFAULT_REPUBLISH_INTERVAL_MS away on the system's
    // clock: a newer record within seconds is the rotation's.
    const again = await eventually(async () => {
      const record = await bob.murmur.lookup(alice.murmur.peerId, { timeoutMs: 5_000 }).catch(() => undefined)
      return record !== undefined && BigInt(record.sequence) > BigInt(first.sequence) ? record : undefined
    }, 20_000, "alice's record published again")
    expect(again.createdAt).toBeGreaterThanOrEqual(before)
    await alice.murmur.stop()
    const store = await openStore({ path: join(alice.home, 'store') })
    try {
      const signed = (await store.sublevels.signedPrekeys.list()).map(e => e.value).sort((x, y) => x.createdAt - y.createdAt)
      // The old key stays for first messages still on their way; the new one was made on the moved clock.
      expect(signed).toHaveLength(2)
      expect(signed[1].createdAt - signed[0].createdAt).toBeGreaterThanOrEqual(SIGNED_PREKEY_ROTATION_MS)
    } finally {
      await store.close()
    }
  })
})
