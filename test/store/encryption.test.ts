// Encryption at rest in the store itself: what reaches LevelDB, what a changed byte or a moved
// value does, which key opens what, and the sealed libp2p datastore.
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { MemoryLevel } from 'memory-level'
import { Key } from 'interface-datastore'
import { MemoryDatastore } from 'datastore-core'
import { describe, expect, it } from 'vitest'
import { defaultProvider } from '../../src/crypto/providers/index.js'
import { deriveHomeKeys } from '../../src/store/at-rest/keys.js'
import { SealedDatastore } from '../../src/store/at-rest/sealed-datastore.js'
import {
  CorruptRecordError, StoreEncryptionMismatchError, openStore, plainCipher, sealedCipher, type Level
} from '../../src/store/index.js'
import { RelayStore } from '../../src/relay/index.js'

const provider = defaultProvider()
const cipherOf = (fill: number): ReturnType<typeof sealedCipher> => sealedCipher(provider, deriveHomeKeys(provider, new Uint8Array(32).fill(fill)))
const BOB = '12D3KooWLpiDJwadnHzbh6o3jfrWTxG8CWqqvNgxBkWaYhuhrWsL'
const CAROL = '12D3KooWBt2SEtZeYQ8meMKLSBVSiukA5CabVkpMzZEmsG1fdw3d'

function memory (): Level {
  return new MemoryLevel<string, Uint8Array>({ keyEncoding: 'utf8', valueEncoding: 'view' }) as unknown as Level
}

/** Every stored key and value as one string, for "is it in there" checks. */
async function raw (level: Level): Promise<string> {
  await level.open()
  const entries = await level.iterator({ keyEncoding: 'utf8', valueEncoding: 'view' } as never).all() as unknown as Array<[string, Uint8Array]>
  return entries.map(([k, v]) => `${k}=${Buffer.from(v).toString('latin1')}`).join('\n')
}

describe('an encrypted store', () => {
  it('stores no text, name, peer ID or key in the clear; the same data unencrypted shows them all', async () => {
    const secretKey = new Uint8Array(32).fill(0x5a)
    const fill = async (cipher: ReturnType<typeof cipherOf> | typeof plainCipher): Promise<string> => {
      const level = memory()
      const store = await openStore({ level }, { cipher })
      const seq = await store.allocateSeq(BOB)
      await store.commit(b => b
        .put(store.contacts, BOB, { peerId: BOB, name: 'Bobby Secretname', verified: true, addedAt: 1 })
        .put(store.sessions, BOB, new Uint8Array(64).fill(0x33))
        .put(store.settings, `capability:${BOB}`, 'cafe')
        .put(store.oneTimePrekeys, 1, { id: 1, publicKey: new Uint8Array(32).fill(1), privateKey: secretKey, createdAt: 1 })
        .appendHistory({ peerId: BOB, seq, id: 'abc', direction: 'in', text: 'the secret text', sentAt: 1, receivedAt: 2, state: 'received' })
        .putOutbox({ messageId: 'abc', peerId: BOB, seq, envelope: Buffer.from('envelope bytes'), attempts: 0, nextAttemptAt: 5, expiresAt: 9 }))
      await store.commit(b => b.put(store.relaySublevels.trust, CAROL, { addedAt: 3 }))
      await store.close()
      return await raw(level)
    }
    const needles = ['Bobby Secretname', 'the secret text', BOB, CAROL, 'envelope bytes', Buffer.from(secretKey).toString('latin1')]
    const sealed = await fill(cipherOf(1))
    for (const needle of needles) expect(sealed.includes(needle), needle).toBe(false)
    const plain = await fill(plainCipher)
    for (const needle of needles) expect(plain.includes(needle), needle).toBe(true)
  })

  it('a value moved to another key, or altered, does not open; nothing else is affected', async () => {
    const level = memory()
    let store = await openStore({ level }, { cipher: cipherOf(1) })
    await store.commit(b => b
      .put(store.contacts, BOB, { peerId: BOB, name: 'Bob', verified: true, addedAt: 1 })
      .put(store.contacts, CAROL, { peerId: CAROL, name: 'Carol', verified: false, addedAt: 2 }))
    const bobKey = store.contacts.keyCodec.encode(BOB)
    const carolKey = store.contacts.keyCodec.encode(CAROL)
    await store.close()
    // A sublevel closes with its parent: one per open.
    const contacts = (): ReturnType<Level['sublevel']> => level.sublevel<string, Uint8Array>('contacts', { keyEncoding: 'utf8', valueEncoding: 'view' }) as never
    await level.open()
    const bobValue = await contacts().get(bobKey) as Uint8Array
    // Swap: carol's entry gets bob's (verified) record.
    await contacts().put(carolKey, bobValue as never)
    await level.close()
    store = await openStore({ level }, { cipher: cipherOf(1) })
    await expect(store.contacts.get(CAROL)).rejects.toThrow(CorruptRecordError)
    expect((await store.contacts.get(BOB))?.name).toBe('Bob')
    await store.close()
    await level.open()
    const altered = Uint8Array.from(bobValue)
    altered[altered.length - 1] ^= 1
    await contacts().put(bobKey, altered as never)
    await level.close()
    store = await openStore({ level }, { cipher: cipherOf(1) })
    await expect(store.contacts.get(BOB)).rejects.toThrow(/does not authenticate/)
    await store.close()
  })

  it('opens only with its own kind of cipher and key, writing nothing otherwise', async () => {
    const level = memory()
    const store = await openStore({ level }, { cipher: cipherOf(1) })
    await store.commit(b => b.put(store.settings, 'x', 1))
    await store.close()
    const before = await raw(level)
    await level.close()
    await expect(openStore({ level }, { cipher: cipherOf(2) })).rejects.toThrow(StoreEncryptionMismatchError)
    await expect(openStore({ level })).rejects.toThrow(/encrypted and was opened without its key/)
    expect(await raw(level)).toBe(before)
    await level.close()
    const plainLevel = memory()
    await (await openStore({ level: plainLevel })).close()
    await expect(openStore({ level: plainLevel }, { cipher: cipherOf(1) })).rejects.toThrow(/not encrypted and was opened with a key/)
  })

  it('seals a value when its group is written, and only the last one written to each key in the group (a real LevelDB store)', async () => {
    const sealedKeys: string[] = []
    const real = cipherOf(1)
    const counting = { ...real, sealValue: (sublevel: string, key: string, plaintext: Uint8Array) => { sealedKeys.push(`${sublevel}/${key}`); return real.sealValue(sublevel, key, plaintext) } }
    const dir = await mkdtemp(join(tmpdir(), 'murmur-seal-group-'))
    try {
      let store = await openStore({ path: join(dir, 'store') }, { cipher: counting })
      sealedKeys.length = 0
      const batch = store.batch()
        .put(store.sessions, BOB, new Uint8Array([1]))
        .put(store.settings, 'gone', 1)
        .put(store.sessions, BOB, new Uint8Array([2]))
        .del(store.settings, 'gone')
        .del(store.settings, 'back')
        .put(store.settings, 'back', 'yes')
      expect(sealedKeys).toEqual([])
      // Three commits in one tick form one group: BOB's session is written four times in it.
      await Promise.all([
        store.write(batch),
        store.commit(b => b.put(store.sessions, BOB, new Uint8Array([3]))),
        store.commit(b => b.put(store.sessions, BOB, new Uint8Array([4])).put(store.sessions, CAROL, new Uint8Array([5])))
      ])
      const bobKey = store.sessions.keyCodec.encode(BOB)
      expect(sealedKeys.filter(k => k === `sessions/${bobKey}`)).toHaveLength(1)
      expect(sealedKeys.filter(k => k.startsWith('settings/'))).toEqual(['settings/back'])
      await store.close()
      store = await openStore({ path: join(dir, 'store') }, { cipher: cipherOf(1) })
      expect(await store.sessions.get(BOB)).toEqual(new Uint8Array([4]))
      expect(await store.sessions.get(CAROL)).toEqual(new Uint8Array([5]))
      expect(await store.settings.get('gone')).toBeUndefined()
      expect(await store.settings.get('back')).toBe('yes')
      await store.close()
    } finally {
      await rm(dir, { recursive: true, force: true })
    }
  })

  it('the relay store reads its peer-keyed state back through sealed keys', async () => {
    const level = memory()
    let store = await openStore({ level }, { cipher: cipherOf(1) })
    let relay = await RelayStore.open(store)
    await relay.trust.add(BOB)
    expect(await relay.register(BOB)).toBe(true)
    const deposit = await relay.deposit({ depositor: CAROL, recipient: BOB, id: 'ab'.repeat(16), envelope: new Uint8Array([1, 2, 3]), expiresAt: 0 }, 'first')
    expect(deposit).toMatchObject({ stored: true })
    await store.close()
    store = await openStore({ level }, { cipher: cipherOf(1) })
    relay = await RelayStore.open(store)
    expect(relay.trust.list().map(t => t.peerId)).toEqual([BOB])
    const page = await relay.mailboxes.fetch(BOB, 0, 10, 1 << 20)
    expect(page?.envelopes.map(e => [e.id, [...e.envelope]])).toEqual([['ab'.repeat(16), [1, 2, 3]]])
    expect((await raw(level)).includes(BOB)).toBe(false)
    await store.close()
  })
})

describe('the sealed libp2p datastore', () => {
  it('keeps values and keys sealed, and answers gets and prefix queries with the real ones', async () => {
    const inner = new MemoryDatastore()
    const sealed = new SealedDatastore(Object.assign(inner, { close: async () => {} }), cipherOf(3))
    const peerKey = new Key(`/peers/${BOB}`)
    await sealed.put(peerKey, new TextEncoder().encode(`addresses of ${BOB}`))
    await sealed.put(new Key(`/peers/${CAROL}`), new Uint8Array([9]))
    await sealed.put(new Key('/dht/record/abc'), new Uint8Array([7]))
    expect(new TextDecoder().decode(await sealed.get(peerKey))).toBe(`addresses of ${BOB}`)
    expect(await sealed.has(new Key('/peers/nobody'))).toBe(false)
    const peers = []
    for await (const { key } of sealed.query({ prefix: '/peers/' })) peers.push(key.toString())
    expect(peers.sort()).toEqual([`/peers/${BOB}`, `/peers/${CAROL}`].sort())
    const partial = []
    for await (const key of sealed.queryKeys({ prefix: '/dht/rec' })) partial.push(key.toString())
    expect(partial).toEqual(['/dht/record/abc'])
    const stored = []
    for await (const { key, value } of inner.query({})) stored.push(key.toString() + Buffer.from(value).toString('latin1'))
    expect(stored.join('\n')).not.toMatch(/peers|dht|12D3KooW/)
    await sealed.delete(peerKey)
    expect(await sealed.has(peerKey)).toBe(false)
  })
})
