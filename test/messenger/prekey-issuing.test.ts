// Issuing one-time prekeys from the in-memory list of unissued ids (src/messenger/prekeys.ts,
// docs/messaging.md "Prekeys"): a request reads only the records it hands out, no key goes out
// twice (concurrent requests, a failed write, a restart on the same LevelDB folder), and the
// supply is still topped up. The store is a real classic-level on disk, encrypted; its cipher
// is wrapped to count the records opened per sublevel, which is what a scan would show.
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { generateIdentity } from '../../src/crypto/identity.js'
import { verifyBundle, type PreKeyBundle } from '../../src/crypto/pqxdh/index.js'
import { defaultProvider } from '../../src/crypto/providers/index.js'
import { ONE_TIME_PREKEYS_LOW, ONE_TIME_PREKEYS_TARGET } from '../../src/messenger/constants.js'
import { PrekeyManager } from '../../src/messenger/prekeys.js'
import { deriveHomeKeys, generateDataKey } from '../../src/store/at-rest/keys.js'
import { openStore, sealedCipher, type Store, type StoreCipher } from '../../src/store/index.js'

const provider = defaultProvider()
const identity = generateIdentity()

const homeCipher = (dataKey: Uint8Array): StoreCipher => sealedCipher(provider, deriveHomeKeys(provider, dataKey))

/** The home's cipher, counting the values it opens by sublevel. */
function countingCipher (inner: StoreCipher): { cipher: StoreCipher, opened: Map<string, number> } {
  const opened = new Map<string, number>()
  const cipher: StoreCipher = {
    ...inner,
    encrypted: inner.encrypted,
    keyCheck: inner.keyCheck,
    openValue: (sublevel, key, stored) => {
      opened.set(sublevel, (opened.get(sublevel) ?? 0) + 1)
      return inner.openValue(sublevel, key, stored)
    }
  }
  return { cipher, opened }
}

const oneTimeIds = (bundles: PreKeyBundle[]): Array<number | undefined> => bundles.map(b => b.oneTimePreKey?.id)
const oneTimeKemIds = (bundles: PreKeyBundle[]): Array<number | undefined> => bundles.map(b => b.oneTimeKemPreKey?.id)

describe('issuing one-time prekeys (classic-level store on disk, encrypted)', () => {
  let folder: string
  let path: string
  let dataKey: Uint8Array
  let counting: ReturnType<typeof countingCipher>
  let store: Store

  beforeEach(async () => {
    folder = await mkdtemp(join(tmpdir(), 'murmur-prekeys-'))
    path = join(folder, 'store')
    dataKey = generateDataKey(provider)
    counting = countingCipher(homeCipher(dataKey))
    store = await openStore({ path }, { cipher: counting.cipher })
  })
  afterEach(async () => {
    await store.close()
    await rm(folder, { recursive: true, force: true })
  })

  it('reads only the records it hands out, and neither counts() nor the maintain() after it reads the others', async () => {
    const prekeys = new PrekeyManager(store, identity, provider)
    await prekeys.maintain(1_000)
    await prekeys.issueBundle(1_000)
    await prekeys.maintain(1_000)
    counting.opened.clear()

    const bundles = await prekeys.issueBundles(5, 1_000)
    // The maintain() each issue queues behind it, and one more after that: within the hour, no scan.
    await prekeys.maintain(1_000 + 60_000)
    expect(await prekeys.counts()).toEqual({ oneTime: ONE_TIME_PREKEYS_TARGET - 6, oneTimeKem: ONE_TIME_PREKEYS_TARGET - 6 })

    expect(new Set(oneTimeIds(bundles)).size).toBe(5)
    expect(new Set(oneTimeKemIds(bundles)).size).toBe(5)
    expect(counting.opened.get('oneTimePrekeys')).toBe(5)
    expect(counting.opened.get('oneTimeKemPrekeys')).toBe(5)
    for (const bundle of bundles) verifyBundle(provider, bundle, identity.publicKey)
  })

  it('gives concurrent requests distinct keys, tops up when few are left, and after a restart issues none of them again', async () => {
    const prekeys = new PrekeyManager(store, identity, provider)
    await prekeys.maintain(1_000)
    const toIssue = ONE_TIME_PREKEYS_TARGET - ONE_TIME_PREKEYS_LOW + 1
    const first = await Promise.all(Array.from({ length: toIssue }, async () => await prekeys.issueBundle(1_000)))
    const issued = new Set(oneTimeIds(first))
    const issuedKem = new Set(oneTimeKemIds(first))
    expect(issued.size).toBe(toIssue)
    expect(issuedKem.size).toBe(toIssue)
    expect(issued.has(undefined)).toBe(false)
    // Fewer than LOW left unissued: topped up to TARGET.
    await prekeys.maintain(1_000)
    expect(await prekeys.counts()).toEqual({ oneTime: ONE_TIME_PREKEYS_TARGET, oneTimeKem: ONE_TIME_PREKEYS_TARGET })

    await store.close()
    // Closing wiped the keys: the home is opened again from its data key.
    store = await openStore({ path }, { cipher: homeCipher(dataKey) })
    const restarted = new PrekeyManager(store, identity, provider)
    expect(await restarted.counts()).toEqual({ oneTime: ONE_TIME_PREKEYS_TARGET, oneTimeKem: ONE_TIME_PREKEYS_TARGET })
    const after = await Promise.all(Array.from({ length: ONE_TIME_PREKEYS_TARGET }, async () => await restarted.issueBundle(2_000)))
    const afterIds = oneTimeIds(after)
    const afterKemIds = oneTimeKemIds(after)
    expect(new Set(afterIds).size).toBe(ONE_TIME_PREKEYS_TARGET)
    expect(afterIds.some(id => id === undefined || issued.has(id))).toBe(false)
    expect(afterKemIds.some(id => id === undefined || issuedKem.has(id))).toBe(false)
  })

  it('keeps keys whose issuing write failed unissued, and hands them out on the next request', async () => {
    const prekeys = new PrekeyManager(store, identity, provider)
    await prekeys.maintain(1_000)
    const write = store.write.bind(store)
    store.write = async () => { throw new Error('disk full') }
    await expect(prekeys.issueBundles(3, 1_000)).rejects.toThrow('disk full')
    store.write = write
    expect(await prekeys.counts()).toEqual({ oneTime: ONE_TIME_PREKEYS_TARGET, oneTimeKem: ONE_TIME_PREKEYS_TARGET })
    const bundles = await prekeys.issueBundles(3, 1_000)
    const stored = await store.sublevels.oneTimePrekeys.getMany(oneTimeIds(bundles).map(id => id ?? -1))
    expect(stored.map(r => (r as { issuedAt?: number } | undefined)?.issuedAt)).toEqual([1_000, 1_000, 1_000])
    // The lowest ids: the failed request left nothing marked and nothing skipped.
    const all = (await store.sublevels.oneTimePrekeys.list()).map(e => e.key)
    expect(oneTimeIds(bundles)).toEqual(all.slice(0, 3))
  })
})
