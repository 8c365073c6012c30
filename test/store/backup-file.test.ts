// The backup file format: a round trip keeps every record; every byte is covered by the
// authentication; truncations, other versions and forged KDF parameters are refused before
// any key derivation where they can be.
import { beforeAll, describe, expect, it } from 'vitest'
import { defaultProvider } from '../../src/crypto/providers/index.js'
import { BACKUP_VERSION, openBackup, parseBackup, sealBackup } from '../../src/store/backup/file.js'
import { collectBackup, decodeBackupPayload, encodeBackupPayload } from '../../src/store/backup/payload.js'
import { BackupCorruptError, UnsupportedBackupVersionError, WrongPassphraseError, openStore } from '../../src/store/index.js'
import { BackupHeader } from '../../src/store/proto/records.js'

const provider = defaultProvider()
const PASS = new TextEncoder().encode('backup test passphrase')
const BOB = '12D3KooWLpiDJwadnHzbh6o3jfrWTxG8CWqqvNgxBkWaYhuhrWsL'

async function sampleStore (): Promise<Awaited<ReturnType<typeof openStore>>> {
  const store = await openStore({ memory: true })
  await store.commit(b => b
    .put(store.contacts, BOB, { peerId: BOB, name: 'Bob', verified: true, addedAt: 1, verifiedAt: 2 })
    .put(store.settings, 'relays', [{ peerId: BOB, addresses: [], addedAt: 3 }])
    .put(store.settings, `capabilitySent:${BOB}`, true)
    .put(store.settings, `outNumber:${BOB}`, 4)
    .put(store.signedPrekeys, 7, { id: 7, publicKey: new Uint8Array(32).fill(1), privateKey: new Uint8Array(32).fill(2), signature: new Uint8Array(64).fill(3), createdAt: 5 })
    .put(store.relaySublevels.trust, BOB, { addedAt: 6 })
    .appendHistory({ peerId: BOB, seq: 1, id: 'aa', direction: 'in', text: 'hello', sentAt: 1, receivedAt: 2, state: 'received' })
    .appendHistory({ peerId: BOB, seq: 2, id: 'bb', direction: 'out', text: 'hi', sentAt: 3, state: 'stored', outNumber: 1, relays: [{ relay: BOB, status: 'stored' }] }))
  return store
}

describe('backup payload and file', () => {
  // One sealed file for all: each scrypt run costs ~0.5 s.
  let contents: Awaited<ReturnType<typeof collectBackup>>
  let file: Uint8Array
  beforeAll(async () => {
    const store = await sampleStore()
    contents = await collectBackup(store, new Uint8Array(32).fill(9), { withHistory: true, displayName: 'alice', now: 10 })
    await store.close()
    file = await sealBackup(provider, encodeBackupPayload(contents), PASS)
  })

  it('round-trips every record; session settings stay out; --no-history leaves history out', async () => {
    const store = await sampleStore()
    const seed = new Uint8Array(32).fill(9)
    expect(contents.settings.map(s => s.key).sort()).toEqual(['outNumber:' + BOB, 'relays'].sort())
    expect(contents.history.map(e => e.text)).toEqual(['hello', 'hi'])
    const back = decodeBackupPayload(await openBackup(provider, file, PASS))
    expect(back).toEqual(contents)
    const bare = await collectBackup(store, seed, { withHistory: false })
    expect(bare.history).toEqual([])
    expect(bare.conversations).toEqual([])
    expect(bare.contacts).toEqual(contents.contacts)
    await store.close()
  })

  it('refuses truncations, other versions and damaged headers without deriving a key', async () => {
    const headerEnd = 13 + new DataView(file.buffer, file.byteOffset).getUint32(9, false)
    for (let length = 0; length < headerEnd; length++) {
      expect(() => parseBackup(file.subarray(0, length)), `truncated to ${length}`).toThrow(BackupCorruptError)
    }
    const newer = Uint8Array.from(file)
    newer[8] = BACKUP_VERSION + 1
    expect(() => parseBackup(newer)).toThrow(UnsupportedBackupVersionError)
    // A header asking for 2^30 scrypt work is refused, not run.
    const header = BackupHeader.decode(file.subarray(13, headerEnd))
    const forged = BackupHeader.encode({ ...header, n: 2 ** 30 })
    const forgedFile = new Uint8Array(13 + forged.length)
    forgedFile.set(file.subarray(0, 13))
    new DataView(forgedFile.buffer).setUint32(9, forged.length, false)
    forgedFile.set(forged, 13)
    expect(() => parseBackup(forgedFile)).toThrow(/header is damaged: scrypt N/)
  })

  it('a wrong passphrase, and a changed byte of the payload, fail distinctly', async () => {
    await expect(openBackup(provider, file, new TextEncoder().encode('wrong'))).rejects.toThrow(WrongPassphraseError)
    const flipped = Uint8Array.from(file)
    flipped[file.length - 1] ^= 0x80
    await expect(openBackup(provider, flipped, PASS)).rejects.toThrow(BackupCorruptError)
    await expect(openBackup(provider, file.subarray(0, file.length - 1), PASS)).rejects.toThrow(BackupCorruptError)
  })
})
