import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { generateIdentity } from '../../src/crypto/identity.js'
import { verifyBundle } from '../../src/crypto/pqxdh/index.js'
import { defaultProvider } from '../../src/crypto/providers/index.js'
import {
  DEFAULT_MESSAGE_TTL_MS, FIRST_MESSAGE_LATEST_MS, ONE_TIME_PREKEYS_LOW, ONE_TIME_PREKEYS_TARGET, RELAY_MAX_TTL_MS, SIGNED_PREKEY_GRACE_MS,
  SIGNED_PREKEY_ROTATION_MS
} from '../../src/messenger/constants.js'
import { PrekeyManager } from '../../src/messenger/prekeys.js'
import { openStore, type Store } from '../../src/store/index.js'

const DAY = 24 * 60 * 60 * 1000

describe('prekey supply, issuing and rotation (memory-level store)', () => {
  let store: Store
  const identity = generateIdentity()
  const provider = defaultProvider()

  beforeEach(async () => { store = await openStore({ memory: true }) })
  afterEach(async () => { await store.close() })

  it('creates a signed prekey, a last-resort KEM prekey and a full batch of one-time prekeys, idempotently', async () => {
    const prekeys = new PrekeyManager(store, identity, provider)
    await prekeys.maintain(1_000)
    await prekeys.maintain(2_000)
    expect(await prekeys.counts()).toEqual({ oneTime: ONE_TIME_PREKEYS_TARGET, oneTimeKem: ONE_TIME_PREKEYS_TARGET })
    expect(await store.sublevels.signedPrekeys.list()).toHaveLength(1)
    expect(await store.sublevels.lastResortKemPrekeys.list()).toHaveLength(1)
    const bundle = await prekeys.publicBundle()
    expect(() => { verifyBundle(provider, bundle, identity.publicKey) }).not.toThrow()
    expect(bundle.oneTimePreKey).toBeUndefined()
  })

  it('never issues a one-time prekey twice, and tops up when few are left', async () => {
    const prekeys = new PrekeyManager(store, identity, provider)
    await prekeys.maintain(1_000)
    const issued = new Set<number>()
    const issuedKem = new Set<number>()
    const toIssue = ONE_TIME_PREKEYS_TARGET - ONE_TIME_PREKEYS_LOW + 1
    for (let i = 0; i < toIssue; i++) {
      const bundle = await prekeys.issueBundle(1_000)
      verifyBundle(provider, bundle, identity.publicKey)
      expect(bundle.oneTimePreKey).toBeDefined()
      expect(bundle.oneTimeKemPreKey).toBeDefined()
      issued.add(bundle.oneTimePreKey?.id ?? -1)
      issuedKem.add(bundle.oneTimeKemPreKey?.id ?? -1)
    }
    expect(issued.size).toBe(toIssue)
    expect(issuedKem.size).toBe(toIssue)
    await prekeys.maintain(1_000)
    const counts = await prekeys.counts()
    expect(counts.oneTime).toBe(ONE_TIME_PREKEYS_TARGET)
    expect(counts.oneTimeKem).toBe(ONE_TIME_PREKEYS_TARGET)
    // Issued keys are kept (their first message may still come) and never handed out again.
    expect(await store.sublevels.oneTimePrekeys.list()).toHaveLength(ONE_TIME_PREKEYS_TARGET + toIssue)
    const next = await prekeys.issueBundle(1_000)
    expect(issued.has(next.oneTimePreKey?.id ?? -1)).toBe(false)
  })

  it('issues many bundles in one write, each with its own one-time prekeys, and the last-resort keys alone once none remain', async () => {
    const prekeys = new PrekeyManager(store, identity, provider)
    await prekeys.maintain(1_000)
    const first = await prekeys.issueBundle(1_000)
    let writes = 0
    const write = store.write.bind(store)
    store.write = async (...args) => { writes++; return await write(...args) }
    const many = await prekeys.issueBundles(ONE_TIME_PREKEYS_TARGET, 1_000)
    expect(writes).toBe(1)
    store.write = write
    expect(many).toHaveLength(ONE_TIME_PREKEYS_TARGET)
    for (const bundle of many) verifyBundle(provider, bundle, identity.publicKey)
    const withKeys = many.slice(0, ONE_TIME_PREKEYS_TARGET - 1)
    const ids = new Set([first, ...withKeys].map(b => b.oneTimePreKey?.id))
    const kemIds = new Set([first, ...withKeys].map(b => b.oneTimeKemPreKey?.id))
    expect(ids.size).toBe(ONE_TIME_PREKEYS_TARGET)
    expect(kemIds.size).toBe(ONE_TIME_PREKEYS_TARGET)
    expect(ids.has(undefined)).toBe(false)
    // One more than there were: that bundle has the last-resort keys alone.
    expect(many[ONE_TIME_PREKEYS_TARGET - 1].oneTimePreKey).toBeUndefined()
    expect(many[ONE_TIME_PREKEYS_TARGET - 1].oneTimeKemPreKey).toBeUndefined()
    expect(many[ONE_TIME_PREKEYS_TARGET - 1].lastResortKemPreKey).toEqual(first.lastResortKemPreKey)
    // All marked issued: the supply is topped up with new ones, none handed out again.
    await prekeys.maintain(1_000)
    const next = await prekeys.issueBundle(1_000)
    expect(ids.has(next.oneTimePreKey?.id)).toBe(false)
    expect(kemIds.has(next.oneTimeKemPreKey?.id)).toBe(false)
  })

  it('rotates the signed and the last-resort prekeys weekly and keeps the old ones for the grace period', async () => {
    const prekeys = new PrekeyManager(store, identity, provider)
    const current = async (): Promise<[number, number]> => {
      const b = await prekeys.publicBundle()
      return [b.signedPreKey.id, b.lastResortKemPreKey.id]
    }
    const held = async (): Promise<[number[], number[]]> => [
      (await store.sublevels.signedPrekeys.list()).map(e => e.key).sort((a, b) => a - b),
      (await store.sublevels.lastResortKemPrekeys.list()).map(e => e.key).sort((a, b) => a - b)
    ]
    const t0 = 10 * DAY
    await prekeys.maintain(t0)
    const first = await current()
    await prekeys.maintain(t0 + SIGNED_PREKEY_ROTATION_MS - 1)
    expect(await current()).toEqual(first)

    expect(await prekeys.maintain(t0 + SIGNED_PREKEY_ROTATION_MS)).toEqual({ rotated: true })
    const second = await current()
    expect(second[0]).not.toBe(first[0])
    expect(second[1]).not.toBe(first[1])
    expect(await held()).toEqual([[first[0], second[0]].sort((a, b) => a - b), [first[1], second[1]].sort((a, b) => a - b)])
    // The new bundle is whole: both new keys signed by the identity.
    const rotated = await prekeys.publicBundle()
    expect(() => { verifyBundle(provider, rotated, identity.publicKey) }).not.toThrow()

    // Past rotation + grace, the first ones go; the current ones stay.
    await prekeys.maintain(t0 + SIGNED_PREKEY_ROTATION_MS + SIGNED_PREKEY_GRACE_MS)
    const [signedIds, lastResortIds] = await held()
    const now = await current()
    expect(signedIds).not.toContain(first[0])
    expect(lastResortIds).not.toContain(first[1])
    expect(signedIds).toContain(now[0])
    expect(lastResortIds).toContain(now[1])
  })

  it('keeps a replaced signed or last-resort prekey for the grace period after its replacement, however old it was (a node off for weeks), then deletes it with the replay records naming it', async () => {
    const prekeys = new PrekeyManager(store, identity, provider)
    const t0 = 10 * DAY
    await prekeys.maintain(t0)
    const old = (await prekeys.publicBundle()).signedPreKey.id
    const oldKem = (await prekeys.publicBundle()).lastResortKemPreKey.id
    // Off for 100 days: senders took bundles naming `old` all along, and their first messages
    // wait at our relays. The start replaces it, and keeps it.
    const back = t0 + 100 * DAY
    expect(await prekeys.maintain(back)).toEqual({ rotated: true })
    const ids = async (): Promise<number[]> => (await store.sublevels.signedPrekeys.list()).map(e => e.key)
    expect(await ids()).toContain(old)
    await prekeys.maintain(back + SIGNED_PREKEY_GRACE_MS - 1)
    expect(await ids()).toContain(old)
    // Last-resort first messages remembered against replay, one on each signed prekey and the
    // current last-resort prekey.
    const current = (await prekeys.publicBundle()).signedPreKey.id
    const kemPrekeyId = (await prekeys.publicBundle()).lastResortKemPreKey.id
    const used = (signedPrekeyId: number): { kemPrekeyId: number, signedPrekeyId: number, baseKey: Uint8Array, usedAt: number } =>
      ({ kemPrekeyId, signedPrekeyId, baseKey: new Uint8Array(32).fill(signedPrekeyId), usedAt: back })
    // And one on the current signed prekey but the first last-resort prekey (replaced at `back` too).
    const onOldKem = { ...used(current), kemPrekeyId: oldKem, baseKey: new Uint8Array(32).fill(255) }
    await store.commit(b => { for (const r of [used(old), used(current), onOldKem]) b.put(store.sublevels.lastResortBaseKeys, r, r) })
    await prekeys.maintain(back + SIGNED_PREKEY_GRACE_MS)
    expect(await ids()).not.toContain(old)
    expect((await store.sublevels.lastResortKemPrekeys.list()).map(e => e.key)).not.toContain(oldKem)
    // The ones naming a deleted key go with it; the other stays.
    expect((await store.sublevels.lastResortBaseKeys.list()).map(e => [e.key.signedPrekeyId, e.key.kemPrekeyId])).toEqual([[current, kemPrekeyId]])
    // The grace covers a first message's longest way: its sender's retries, then a relay's hold.
    expect(SIGNED_PREKEY_GRACE_MS).toBe(FIRST_MESSAGE_LATEST_MS)
    expect(FIRST_MESSAGE_LATEST_MS).toBe(DEFAULT_MESSAGE_TTL_MS + RELAY_MAX_TTL_MS)
  })

  it('says whether it made a new signed prekey', async () => {
    const prekeys = new PrekeyManager(store, identity, provider)
    expect(await prekeys.maintain(DAY)).toEqual({ rotated: true })
    expect(await prekeys.maintain(DAY + 1)).toEqual({ rotated: false })
    expect(await prekeys.maintain(DAY + SIGNED_PREKEY_ROTATION_MS)).toEqual({ rotated: true })
  })
})
