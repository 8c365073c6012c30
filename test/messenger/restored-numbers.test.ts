// A sender restored from an older backup numbers its new texts from a fresh start
// (docs/messaging.md, "Gaps"; src/messenger/text-numbers.ts). alice backs up, writes two more
// texts, and the first of them never reaches bob (a hole there); her machine is then lost and
// the backup restored with the real restore (restoreHome, a LevelDB store on disk). Numbered on
// from the backup, her next text took the missing one's number: bob placed it inside the old
// hole, above an older message, and showed the hole as filled. Real session crypto and stores;
// envelopes handed over in a chosen order (test/messenger/parties.ts).
import { afterEach, describe, expect, it, vi } from 'vitest'
import { encodeBundle } from '../../src/crypto/pqxdh/index.js'
import { defaultProvider } from '../../src/crypto/providers/index.js'
import { createBackup, restoreHome } from '../../src/messenger/backup.js'
import { homePath } from '../../src/messenger/home.js'
import { TEXT_NUMBER_STARTS_KEY } from '../../src/messenger/text-numbers.js'
import { openStore } from '../../src/store/index.js'
import { parseEnvelope, type ParsedEnvelope } from '../../src/wire/strict/envelope.js'
import { makeHome, removeDir } from './helpers.js'
import { party, received, write, type Party } from './parties.js'

const HOLE_OPEN = '1 earlier message from this contact has not arrived yet; it may still come through a relay.'
const HOLE_FILLED = 'The missing messages from this contact arrived.'

describe('a sender restored from an older backup', () => {
  const closing: Array<() => Promise<void>> = []
  afterEach(async () => {
    vi.unstubAllEnvs()
    for (const close of closing.splice(0).reverse()) await close()
  })

  /** The bodies of bob's event entries about alice's numbering, oldest first. */
  async function holeEvents (bob: Party, alice: Party): Promise<string[]> {
    return (await bob.store.history(alice.ctx.peerId, { limit: 100, order: 'oldest' }))
      .filter(e => e.direction === 'event' && !e.text.startsWith('Session reset')).map(e => e.text)
  }

  /** Every envelope waiting in `from`'s outbox for `to`, made (a new session's first ones) and taken out. */
  async function takeOutbox (from: Party, to: Party): Promise<ParsedEnvelope[]> {
    const peerId = to.ctx.peerId
    for (const entry of await from.store.outbox(peerId)) await from.outgoing.prepare(entry, AbortSignal.timeout(5_000))
    const entries = await from.store.outbox(peerId)
    await from.store.commit((b) => { for (const e of entries) b.deleteOutbox(e) })
    return entries.map(e => parseEnvelope(e.envelope))
  }

  it('numbers its new texts from the restore: they go after the old hole, which stays open and still fills; new holes are seen', async () => {
    // The backup's scrypt at its lowest: what is tested here is the numbering, not the KDF.
    vi.stubEnv('MURMUR_SCRYPT_N', String(2 ** 14))
    const provider = defaultProvider()
    const bob = await party()
    closing.push(async () => { await bob.store.close() })
    const bundleOf = async (): Promise<Uint8Array> => encodeBundle(await bob.prekeys.issueBundle())
    const alice = await party({ bundleOf })
    closing.push(async () => { await alice.store.close() })
    const aliceId = alice.ctx.peerId

    const [m1, m2] = await write(alice, bob, ['one', 'two'])
    await bob.incoming.receive(aliceId, [m1, m2])
    const passphrase = new TextEncoder().encode('backup passphrase')
    const { file } = await createBackup(alice.store, alice.identity, provider, { passphrase, withHistory: true })
    const [m3, m4] = await write(alice, bob, ['three', 'four'])
    await bob.incoming.receive(aliceId, [m4])
    expect(await holeEvents(bob, alice)).toEqual([HOLE_OPEN])

    // alice's machine is lost; the backup made before 'three' and 'four' is restored.
    const { dir, home } = await makeHome('murmur-restored-numbers-')
    closing.push(async () => { await removeDir(dir) })
    const restoredAt = Date.now()
    await restoreHome(home, file, { passphrase, provider, protection: { noPassphrase: true } })
    const store = await openStore({ path: homePath(home, 'store') }, { pidFile: false })
    closing.push(async () => { await store.close() })
    const restored = await party({ store, identity: alice.identity, bundleOf })
    expect(await store.sublevels.settings.get(TEXT_NUMBER_STARTS_KEY)).toEqual([expect.any(Number)])

    // What the restore queued: 'one' and 'two' again (bob never acknowledged them to alice),
    // under their old numbers, then the session opener; bob keeps one copy of each text.
    const again = await takeOutbox(restored, bob)
    expect(again).toHaveLength(3)
    expect(await bob.incoming.receive(aliceId, again)).toEqual(again.map(() => ({ status: 'ok' })))
    const [m5] = await write(restored, bob, ['five'])
    const five = (await store.history(bob.ctx.peerId, { limit: 10 })).find(e => e.text === 'five')
    expect(five?.outNumber).toBeGreaterThanOrEqual(restoredAt)
    await bob.incoming.receive(aliceId, [m5])
    expect(await received(bob, alice)).toEqual(['one', 'two', 'four', 'five'])
    // 'five' filled nothing: the hole 'three' left is still open.
    expect(await holeEvents(bob, alice)).toEqual([HOLE_OPEN])

    // 'three' was sent by the old store, under the old session, and comes late (from a relay,
    // say): it fills its hole, in its place.
    expect(await bob.incoming.receive(aliceId, [m3])).toEqual([{ status: 'ok' }])
    expect(await received(bob, alice)).toEqual(['one', 'two', 'three', 'four', 'five'])
    expect(await holeEvents(bob, alice)).toEqual([HOLE_FILLED])

    // The new numbering has holes of its own, seen as any other.
    const [m6, m7] = await write(restored, bob, ['six', 'seven'])
    await bob.incoming.receive(aliceId, [m7])
    expect(await holeEvents(bob, alice)).toEqual([HOLE_FILLED, HOLE_OPEN])
    await bob.incoming.receive(aliceId, [m6])
    expect(await received(bob, alice)).toEqual(['one', 'two', 'three', 'four', 'five', 'six', 'seven'])
    expect(await holeEvents(bob, alice)).toEqual([HOLE_FILLED, HOLE_FILLED])
  })
})
