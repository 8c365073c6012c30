// Issued one-time prekeys whose session never started are deleted by maintain() once no first
// message can still name them (ISSUED_ONE_TIME_PREKEY_LIFETIME_MS; docs/messaging.md,
// "Prekeys"); unissued ones and issued ones inside the bound stay, and a first message on a
// key issued just inside the bound still starts its session. Real stores (memory-level), real
// session crypto (parties.ts); times are given to maintain() and issueBundle().
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { generateIdentity } from '../../src/crypto/identity.js'
import { encodeBundle, type PreKeyBundle } from '../../src/crypto/pqxdh/index.js'
import { defaultProvider } from '../../src/crypto/providers/index.js'
import {
  DEFAULT_MESSAGE_TTL_MS, ISSUED_ONE_TIME_PREKEY_LIFETIME_MS, ONE_TIME_PREKEY_SWEEP_MS, ONE_TIME_PREKEYS_TARGET,
  RELAY_MAX_TTL_MS
} from '../../src/messenger/constants.js'
import { PrekeyManager } from '../../src/messenger/prekeys.js'
import { MAX_TTL_MS } from '../../src/relay/constants.js'
import { openStore, type Store } from '../../src/store/index.js'
import { party, write, type Party } from './parties.js'

const HOUR = 60 * 60 * 1000

describe('issued one-time prekeys expire', () => {
  let store: Store
  const identity = generateIdentity()
  const provider = defaultProvider()

  beforeEach(async () => { store = await openStore({ memory: true }) })
  afterEach(async () => { await store.close() })

  it('covers a message\'s time to live and a relay\'s longest hold', () => {
    expect(RELAY_MAX_TTL_MS).toBe(MAX_TTL_MS)
    expect(ISSUED_ONE_TIME_PREKEY_LIFETIME_MS).toBe(DEFAULT_MESSAGE_TTL_MS + MAX_TTL_MS)
  })

  it('deletes issued keys past the bound, keeps unissued ones and issued ones inside it, and looks at most once per sweep interval', async () => {
    const s = store.sublevels
    const prekeys = new PrekeyManager(store, identity, provider)
    const t0 = 1_000
    await prekeys.maintain(t0)
    const old = await prekeys.issueBundle(t0)
    const recent = await prekeys.issueBundle(t0 + 1.5 * HOUR)
    const idsOf = (b: PreKeyBundle): [number, number] => [b.oneTimePreKey?.id ?? -1, b.oneTimeKemPreKey?.id ?? -1]
    const [oldId, oldKemId] = idsOf(old)
    const [recentId, recentKemId] = idsOf(recent)
    const present = async (): Promise<{ x25519: number[], kem: number[] }> => ({
      x25519: (await s.oneTimePrekeys.list()).map(e => e.key),
      kem: (await s.oneTimeKemPrekeys.list()).map(e => e.key)
    })
    const before = await present()
    expect(before.x25519).toHaveLength(ONE_TIME_PREKEYS_TARGET)

    // Exactly at the bound: kept.
    await prekeys.maintain(t0 + ISSUED_ONE_TIME_PREKEY_LIFETIME_MS)
    expect(await present()).toEqual(before)

    // Past it, at the next look (a sweep interval after that one): the old pair goes.
    const sweep = t0 + ISSUED_ONE_TIME_PREKEY_LIFETIME_MS + ONE_TIME_PREKEY_SWEEP_MS
    await prekeys.maintain(sweep)
    const after = await present()
    expect(after.x25519).toEqual(before.x25519.filter(id => id !== oldId))
    expect(after.kem).toEqual(before.kem.filter(id => id !== oldKemId))
    expect(after.x25519).toContain(recentId)
    expect(after.kem).toContain(recentKemId)
    expect(await prekeys.counts()).toEqual({ oneTime: ONE_TIME_PREKEYS_TARGET - 2, oneTimeKem: ONE_TIME_PREKEYS_TARGET - 2 })

    // The recent pair is past the bound from sweep + 30 min on; maintain() within the hour of
    // the last look does not look again, the first one after does.
    await prekeys.maintain(sweep + 45 * 60 * 1000)
    expect((await present()).x25519).toContain(recentId)
    await prekeys.maintain(sweep + ONE_TIME_PREKEY_SWEEP_MS)
    const last = await present()
    expect(last.x25519).not.toContain(recentId)
    expect(last.kem).not.toContain(recentKemId)
    expect(last.x25519).toHaveLength(ONE_TIME_PREKEYS_TARGET - 2)
  })

  it('deletes expired keys found at start by a new manager on the same store', async () => {
    const first = new PrekeyManager(store, identity, provider)
    await first.maintain(1_000)
    const bundle = await first.issueBundle(1_000)
    await first.maintain(1_000)
    const restarted = new PrekeyManager(store, identity, provider)
    await restarted.maintain(1_000 + ISSUED_ONE_TIME_PREKEY_LIFETIME_MS + 1)
    expect(await store.sublevels.oneTimePrekeys.get(bundle.oneTimePreKey?.id ?? -1)).toBeUndefined()
    expect(await store.sublevels.oneTimeKemPrekeys.get(bundle.oneTimeKemPreKey?.id ?? -1)).toBeUndefined()
    expect(await store.sublevels.oneTimePrekeys.list()).toHaveLength(ONE_TIME_PREKEYS_TARGET - 1)
  })
})

describe('a first message on a key issued near the bound', () => {
  let bob: Party
  let alice: Party
  let carol: Party
  afterEach(async () => { await Promise.all([bob, alice, carol].map(async (p) => { await p.store.close() })) })

  it('starts its session just inside the bound; just outside, the key is gone', async () => {
    bob = await party()
    // The look that matters happens at `sweep`. Bob's signed prekey is made there first: it
    // rotates weekly and is kept only SIGNED_PREKEY_GRACE_MS after, and this test is about
    // the one-time keys.
    const sweep = Date.now() + ISSUED_ONE_TIME_PREKEY_LIFETIME_MS
    await bob.prekeys.maintain(sweep - ONE_TIME_PREKEY_SWEEP_MS)
    const inside = sweep - ISSUED_ONE_TIME_PREKEY_LIFETIME_MS
    alice = await party({ bundleOf: async () => encodeBundle(await bob.prekeys.issueBundle(inside)) })
    carol = await party({ bundleOf: async () => encodeBundle(await bob.prekeys.issueBundle(inside - 1)) })
    const fromAlice = await write(alice, bob, ['hello'])
    const fromCarol = await write(carol, bob, ['hello'])
    await bob.prekeys.maintain(sweep)

    expect(await bob.incoming.receive(alice.ctx.peerId, fromAlice)).toEqual([{ status: 'ok' }])
    expect(await bob.incoming.receive(carol.ctx.peerId, fromCarol)).toEqual([{ status: 'error', code: 'UNDECRYPTABLE', message: 'PreKeyNotFoundError' }])
  })
})
