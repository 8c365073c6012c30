// Prekeys across a restore from an older backup (docs/store.md, "Backup files"), with the real
// backup and restore (createBackup, restoreHome: a LevelDB store on disk) and real session
// crypto (test/messenger/parties.ts). After the backup, alice's old store handed a bundle to
// carol: one-time prekeys the backup holds as unissued. The restored home handed the same ones
// out again, so two first messages named one one-time prekey: the first to arrive spent it, and
// the other did not decrypt (and both sessions rested on one key meant for one).
import { afterEach, describe, expect, it, vi } from 'vitest'
import { encodeBundle } from '../../src/crypto/pqxdh/index.js'
import { defaultProvider } from '../../src/crypto/providers/index.js'
import { createBackup } from '../../src/messenger/backup.js'
import { NEXT_PREKEY_ID, PREKEY_ID_RESTORE_JUMP } from '../../src/messenger/prekeys.js'
import { RELAYS_KEY, type RelayRecord } from '../../src/messenger/relays/our-mailboxes.js'
import { party, received, restoreParty, write } from './parties.js'

describe('prekeys of a home restored from an older backup', () => {
  const closing: Array<() => Promise<void>> = []
  afterEach(async () => {
    vi.unstubAllEnvs()
    for (const close of closing.splice(0).reverse()) await close()
  })

  it('no one-time prekey the old store may have handed out goes out again, and a first message from one it did still decrypts', async () => {
    // The backup's scrypt at its lowest: what is tested here is the prekeys, not the KDF.
    vi.stubEnv('MURMUR_SCRYPT_N', String(2 ** 14))
    const alice = await party()
    closing.push(async () => { await alice.store.close() })
    // A relay of alice's, as a registration left it: stocked with bundles naming these prekeys.
    const relay: RelayRecord = { peerId: '12D3KooWQYhTNQdmr3ArTeUHRYzFg94BKyTkoWBDWez9kSCVe2Xo', addresses: [], addedAt: 1, registeredAt: 2, prekeysSignedId: 1, prekeysLastResortId: 2 }
    await alice.store.commit((b) => { b.put(alice.store.sublevels.settings, RELAYS_KEY, [relay] as never) })
    const nextBefore = await alice.store.sublevels.settings.get(NEXT_PREKEY_ID) as number
    const passphrase = new TextEncoder().encode('backup passphrase')
    const { file } = await createBackup(alice.store, alice.identity, defaultProvider(), { passphrase, withHistory: true })

    // After the backup, the old store hands carol a bundle.
    const handedOut = await alice.prekeys.issueBundle()
    expect(handedOut.oneTimePreKey).toBeDefined()
    const carol = await party({ bundleOf: async () => encodeBundle(handedOut) })
    closing.push(async () => { await carol.store.close() })

    const restored = await restoreParty(alice, file, passphrase, closing)
    await restored.prekeys.maintain()
    const fresh = await restored.prekeys.issueBundle()
    // New one-time prekeys, with ids past any the old store can have allocated since the backup.
    for (const key of [fresh.oneTimePreKey, fresh.oneTimeKemPreKey]) {
      expect(key?.id).toBeGreaterThanOrEqual(nextBefore + PREKEY_ID_RESTORE_JUMP)
    }
    expect([fresh.oneTimePreKey?.id, fresh.oneTimeKemPreKey?.id]).not.toContain(handedOut.oneTimePreKey?.id)
    expect([fresh.oneTimePreKey?.id, fresh.oneTimeKemPreKey?.id]).not.toContain(handedOut.oneTimeKemPreKey?.id)

    // dave starts a session from the fresh bundle, carol from the one the old store handed out:
    // both first messages decrypt at the restored alice.
    const dave = await party({ bundleOf: async () => encodeBundle(fresh) })
    closing.push(async () => { await dave.store.close() })
    expect(await restored.incoming.receive(dave.ctx.peerId, await write(dave, restored, ['from dave']))).toEqual([{ status: 'ok' }])
    expect(await restored.incoming.receive(carol.ctx.peerId, await write(carol, restored, ['from carol']))).toEqual([{ status: 'ok' }])
    expect(await received(restored, dave)).toEqual(['from dave'])
    expect(await received(restored, carol)).toEqual(['from carol'])

    // The relay is kept, and its bundles replaced at its first registration (they may name
    // prekeys the old store made after the backup).
    expect(await restored.store.sublevels.settings.get(RELAYS_KEY)).toEqual([{ peerId: relay.peerId, addresses: [], addedAt: 1, registeredAt: 2 }])
  })
})
