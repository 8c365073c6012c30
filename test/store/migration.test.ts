// Migration of homes made by the first murmur (key file 1, store schema 1, unencrypted) to the
// current layout, on the real homes that version left (fixtures/v1-homes.tar.gz): everything
// comes across, sessions included, so the two nodes go on talking; the encrypted home keeps no
// readable trace; a migration stopped at any step leaves the old home or the new one, and the
// next start finishes or undoes it.
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { ClassicLevel } from 'classic-level'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { defaultProvider } from '../../src/crypto/providers/index.js'
import { createMurmur, type Murmur } from '../../src/messenger/index.js'
import { openHome } from '../../src/messenger/unlock.js'
import { RelayStore } from '../../src/relay/index.js'
import type { MigrationStep } from '../../src/messenger/home-migration.js'
import { PassphraseRequiredError, WrongPassphraseError } from '../../src/store/errors.js'
import { eventually } from '../messenger/helpers.js'
import { addV1History, extractV1Homes, filesContaining, homeSnapshot, V1 } from './v1-fixture.js'

const PASSPHRASE = 'migration test passphrase'
const node = { listen: ['/ip4/127.0.0.1/tcp/0'], mdns: false }

let dir: string
let homes: { alice: string, bob: string }
const running: Murmur[] = []

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'murmur-migrate-'))
  homes = await extractV1Homes(dir)
})

afterEach(async () => {
  await Promise.allSettled(running.splice(0).map(async m => { await m.stop() }))
  await rm(dir, { recursive: true, force: true })
})

async function keyFileVersion (home: string): Promise<number> {
  return JSON.parse(await readFile(join(home, 'identity.key'), 'utf8')).version
}

async function exists (path: string): Promise<boolean> {
  return await stat(path).then(() => true, () => false)
}

/** How many envelopes alice's relay store holds in bob's mailbox (read from her store, before her node starts). */
async function heldForBob (): Promise<number> {
  const { store } = await openHome({ home: homes.alice, provider: defaultProvider(), passphrase: PASSPHRASE })
  try {
    return (await (await RelayStore.open(store)).status(V1.bob))?.count ?? -1
  } finally {
    await store.close()
  }
}

/** The envelopes a version 1 store holds in bob's mailbox, from its JSON mailbox record. */
async function v1HeldForBob (home: string): Promise<number> {
  const db = new ClassicLevel<string, string>(join(home, 'store'), { keyEncoding: 'utf8', valueEncoding: 'utf8' })
  await db.open()
  try {
    const mailbox = await db.sublevel<string, string>('relayMailboxes', { keyEncoding: 'utf8', valueEncoding: 'utf8' }).get(V1.bob)
    return JSON.parse(mailbox ?? '{"count":0}').count
  } finally {
    await db.close()
  }
}

/** The version 1 history texts of alice's store, read with classic-level directly. */
async function v1Texts (home: string): Promise<string[]> {
  const db = new ClassicLevel<string, string>(join(home, 'store'), { keyEncoding: 'utf8', valueEncoding: 'utf8' })
  await db.open()
  try {
    const history = db.sublevel<string, string>('history', { keyEncoding: 'utf8', valueEncoding: 'utf8' })
    return (await history.values().all()).map(v => JSON.parse(v).text as string)
  } finally {
    await db.close()
  }
}

describe('migration of a first-murmur home', () => {
  it('carries everything across, encrypted; the nodes go on talking', async () => {
    const heldBefore = await v1HeldForBob(homes.alice)
    expect(heldBefore).toBeGreaterThan(0)
    const migrated = await createMurmur({ home: homes.alice, passphrase: PASSPHRASE, ...node })
    await migrated.stop()
    expect(await keyFileVersion(homes.alice)).toBe(2)
    for (const leftover of ['store.old', 'store.migrating', 'identity.key.migrating', 'migration.commit', 'datastore']) {
      expect(await exists(join(homes.alice, leftover)), leftover).toBe(false)
    }
    // What alice holds for bob as his relay came across (carol's message among it), still in his mailbox.
    expect(await heldForBob()).toBe(heldBefore)
    const alice = await createMurmur({ home: homes.alice, passphrase: PASSPHRASE, ...node })
    running.push(alice)
    await alice.start()
    const contacts = await alice.contacts.list()
    expect(contacts.map(c => [c.name, c.peerId, c.verified])).toEqual([[V1.aliceNamesBob, V1.bob, true]])
    const history = (await alice.history(V1.aliceNamesBob)).map(m => m.text)
    expect(history).toEqual(expect.arrayContaining([V1.markers.one, V1.markers.two, V1.markers.five]))
    expect((await alice.inbox())[0].unread).toBe(0)
    expect((await alice.trust.list()).map(t => t.peerId)).toEqual([V1.bob])
    const status = await alice.status()
    expect(status.storeEncrypted).toBe(true)
    expect(status.relaying).toEqual({ trusted: 1, mailboxes: 1, forwardQueued: 0 })

    // bob migrates without a passphrase, by choice. Their sessions are of the Double Ratchet,
    // which this murmur resets rather than upgrades (docs/protocol.md, "Upgrade from the Double
    // Ratchet"): alice's message that waited for bob goes again in a new session and arrives.
    const bob = await createMurmur({ home: homes.bob, noPassphrase: true, ...node, bootstrap: status.listenAddresses })
    running.push(bob)
    await bob.start()
    expect((await bob.status()).storeEncrypted).toBe(false)
    expect((await bob.contacts.list()).map(c => c.name)).toEqual([V1.bobNamesAlice])
    expect((await bob.history(V1.bobNamesAlice, { limit: 100 })).map(m => m.text)).toEqual(expect.arrayContaining([V1.markers.one, V1.markers.two]))
    await eventually(async () => (await bob.history(V1.bobNamesAlice, { limit: 100 })).some(m => m.text === V1.markers.five), 30_000, 'alice\'s waiting message at bob')
    const reply = await bob.send(V1.bobNamesAlice, 'after the migration')
    await bob.waitForState(V1.bobNamesAlice, reply.id, ['delivered'], { timeoutMs: 30_000 })
    expect((await alice.history(V1.aliceNamesBob)).map(m => m.text)).toContain('after the migration')

    await alice.stop()
    await bob.stop()
    running.splice(0)
    // Nothing readable is left in alice's home: no text, no contact name, no peer ID of bob or carol.
    expect(await filesContaining(homes.alice, [...Object.values(V1.markers), V1.aliceNamesBob, V1.bob, V1.carol, 'after the migration'])).toEqual([])
    // Control: the same scan finds them in bob's unencrypted home.
    expect((await filesContaining(homes.bob, [V1.markers.one])).length).toBeGreaterThan(0)
  })

  it('needs a choice: without a passphrase or an explicit none, nothing changes', async () => {
    const before = await homeSnapshot(homes.alice)
    await expect(createMurmur({ home: homes.alice, ...node })).rejects.toThrow(PassphraseRequiredError)
    expect(await homeSnapshot(homes.alice)).toEqual(before)
  })

  it('a migration stopped at any step leaves the old home or the new one; the next start finishes or undoes it', async () => {
    // A bigger history, so the copy has several batches.
    const bulk = async (): Promise<void> => { await addV1History(join(homes.alice, 'store'), V1.bob, 10_000, 1_500, (i) => `bulk ${i}`) }
    await bulk()
    const texts = await v1Texts(homes.alice)
    const steps: MigrationStep[] = ['copy', 'key-file', 'commit', 'swap-key-file', 'move-old-store', 'move-new-store', 'clean-up']
    const outcomes: string[] = []
    for (const step of steps) {
      // The swap is the same with and without encryption; scrypt costs ~0.5 s a time, so one step runs encrypted.
      const protection = step === 'move-old-store' ? { passphrase: PASSPHRASE } : { noPassphrase: true }
      const crash = new Error(`stopped before ${step}`)
      await expect(createMurmur({ home: homes.alice, ...protection, ...node, onMigrationStep: (s) => { if (s === step) throw crash } })).rejects.toBe(crash)
      // Old or new, never a mix: before the commit record, the old home is whole.
      const committed = await exists(join(homes.alice, 'migration.commit'))
      if (!committed) {
        expect(await keyFileVersion(homes.alice)).toBe(1)
        expect((await v1Texts(homes.alice)).sort()).toEqual([...texts].sort())
      }
      outcomes.push(`${step}: ${committed ? 'committed' : 'old home'}`)
      // The next start finishes (or undoes and redoes) it; nothing is lost, nothing doubled.
      const alice = await createMurmur({ home: homes.alice, ...protection, ...node })
      const all: string[] = []
      let before: number | undefined
      while (true) {
        const page = await alice.history(V1.aliceNamesBob, { limit: 1000, ...(before !== undefined ? { before } : {}) })
        if (page.length === 0) break
        all.push(...page.map(m => m.text))
        before = page[0].seq
      }
      await alice.stop()
      expect(all.sort()).toEqual([...texts].sort())
      expect(await keyFileVersion(homes.alice)).toBe(2)
      for (const leftover of ['store.old', 'store.migrating', 'identity.key.migrating', 'migration.commit']) {
        expect(await exists(join(homes.alice, leftover)), leftover).toBe(false)
      }
      // Back to a first-murmur home for the next step.
      await rm(dir, { recursive: true, force: true })
      dir = await mkdtemp(join(tmpdir(), 'murmur-migrate-'))
      homes = await extractV1Homes(dir)
      await bulk()
    }
    expect(outcomes).toEqual([
      'copy: old home', 'key-file: old home', 'commit: old home', 'swap-key-file: committed',
      'move-old-store: committed', 'move-new-store: committed', 'clean-up: committed'
    ])
  })

  it('after the migration the passphrase is needed, and a wrong one changes nothing', async () => {
    const first = await createMurmur({ home: homes.alice, passphrase: PASSPHRASE, ...node })
    await first.stop()
    const before = await homeSnapshot(homes.alice)
    await expect(createMurmur({ home: homes.alice, passphrase: 'not it', ...node })).rejects.toThrow(WrongPassphraseError)
    await expect(createMurmur({ home: homes.alice, ...node })).rejects.toThrow(PassphraseRequiredError)
    await expect(createMurmur({ home: homes.alice, noPassphrase: true, ...node })).rejects.toThrow(PassphraseRequiredError)
    expect(await homeSnapshot(homes.alice)).toEqual(before)
  })
})
