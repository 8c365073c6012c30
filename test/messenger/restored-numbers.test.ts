// Text numbers across a restore from an older backup (docs/messaging.md, "Gaps"), with the real
// backup and restore (createBackup, restoreHome: a LevelDB store on disk), real session crypto
// and stores; envelopes handed over in a chosen order (test/messenger/parties.ts).
// - Ours: alice backs up, writes two more texts, and the first never reaches bob (a hole there);
//   her machine is lost and the backup restored. Numbered on from the backup, her next text took
//   the missing one's number: bob placed it inside the old hole, above an older message, and
//   showed the hole as filled. It is numbered from a new start now (src/messenger/text-numbers.ts).
// - Theirs: the texts bob sent after alice's backup reached her old store only. His next text
//   told the restored alice that they had "not arrived yet" and "may still come through a relay",
//   and after the time to live that they "never arrived"; it says that they came after the backup.
import { afterEach, describe, expect, it, vi } from 'vitest'
import { encodeBundle } from '../../src/crypto/pqxdh/index.js'
import { defaultProvider } from '../../src/crypto/providers/index.js'
import { createBackup } from '../../src/messenger/backup.js'
import { gapKey, type GapState } from '../../src/messenger/gaps.js'
import { TEXT_NUMBER_STARTS_KEY } from '../../src/messenger/text-numbers.js'
import { parseEnvelope, type ParsedEnvelope } from '../../src/wire/strict/envelope.js'
import { party, received, restoreParty, write, type Party } from './parties.js'

/** parties.ts' default time to live of a message. */
const TTL = 60_000
const HOLE_OPEN = '1 earlier message from this contact has not arrived yet; it may still come through a relay.'
const HOLE_FILLED = 'The missing messages from this contact arrived.'
const AFTER_BACKUP = '2 earlier messages from this contact came after the backup this home was restored from, and are not in it.'

describe('a home restored from an older backup', () => {
  const closing: Array<() => Promise<void>> = []
  afterEach(async () => {
    vi.unstubAllEnvs()
    for (const close of closing.splice(0).reverse()) await close()
  })

  /** The bodies of `of`'s event entries about the numbering of `from`'s texts, oldest first. */
  async function holeEvents (of: Party, from: Party): Promise<string[]> {
    return (await of.store.history(from.ctx.peerId, { limit: 100, order: 'oldest' }))
      .filter(e => e.direction === 'event' && /earlier message|missing messages/.test(e.text)).map(e => e.text)
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
    await alice.ctx.contacts.add('bob', bob.ctx.peerId)

    const [m1, m2] = await write(alice, bob, ['one', 'two'])
    await bob.incoming.receive(aliceId, [m1, m2])
    const passphrase = new TextEncoder().encode('backup passphrase')
    const { file } = await createBackup(alice.store, alice.identity, provider, { passphrase, withHistory: true })
    const [m3, m4] = await write(alice, bob, ['three', 'four'])
    await bob.incoming.receive(aliceId, [m4])
    expect(await holeEvents(bob, alice)).toEqual([HOLE_OPEN])

    // alice's machine is lost; the backup made before 'three' and 'four' is restored.
    const restoredAt = Date.now()
    const restored = await restoreParty(alice, file, passphrase, closing, { bundleOf })
    const store = restored.store
    expect(await store.sublevels.settings.get(TEXT_NUMBER_STARTS_KEY)).toEqual([expect.any(Number)])

    // What the restore queued: 'one' and 'two' again (bob never acknowledged them to alice),
    // under their old numbers, and the session opener; bob keeps one copy of each text.
    const again = await takeOutbox(restored, bob)
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

  it('a contact\'s texts that reached only the old store are shown as not in the backup, not as on their way', async () => {
    vi.stubEnv('MURMUR_SCRYPT_N', String(2 ** 14))
    // Each takes the other's bundle when it first writes to it.
    const bobsBundle = async (): Promise<Uint8Array> => encodeBundle(await bob.prekeys.issueBundle())
    const alice = await party({ bundleOf: bobsBundle })
    closing.push(async () => { await alice.store.close() })
    const bob = await party({ bundleOf: async () => encodeBundle(await alice.prekeys.issueBundle()) })
    closing.push(async () => { await bob.store.close() })
    const bobId = bob.ctx.peerId
    await alice.ctx.contacts.add('bob', bobId)

    await alice.incoming.receive(bobId, await write(bob, alice, ['one']))
    const passphrase = new TextEncoder().encode('backup passphrase')
    const { file } = await createBackup(alice.store, alice.identity, defaultProvider(), { passphrase, withHistory: true })
    // Received and acknowledged by alice's old store, after the backup: bob holds nothing to send again.
    await alice.incoming.receive(bobId, await write(bob, alice, ['two', 'three']))
    expect(await holeEvents(alice, bob)).toEqual([])

    const restored = await restoreParty(alice, file, passphrase, closing, { bundleOf: bobsBundle })
    // The restore's opener: bob sees a session reset (and has nothing unacknowledged to send again).
    await bob.incoming.receive(restored.ctx.peerId, await takeOutbox(restored, bob))
    await restored.incoming.receive(bobId, await write(bob, alice, ['four']))
    expect(await received(restored, bob)).toEqual(['one', 'four'])
    expect(await holeEvents(restored, bob)).toEqual([AFTER_BACKUP])

    // Only that first hole is the restore's: later ones are holes as any other.
    const [m5, m6] = await write(bob, alice, ['five', 'six'])
    await restored.incoming.receive(bobId, [m6])
    expect(await holeEvents(restored, bob)).toEqual([AFTER_BACKUP, HOLE_OPEN])
    await restored.incoming.receive(bobId, [m5])
    expect(await received(restored, bob)).toEqual(['one', 'four', 'five', 'six'])
    expect(await holeEvents(restored, bob)).toEqual([AFTER_BACKUP, HOLE_FILLED])

    // Past the time to live the restore's hole is forgotten, its line left as it is: it never said
    // that its texts may come, so it does not say now that they never did.
    expect((await restored.store.sublevels.settings.get(gapKey(bobId)) as unknown as GapState).missing).toHaveLength(1)
    await restored.incoming.receive(bobId, await write(bob, alice, ['seven']), Date.now() + TTL + 1_000)
    expect((await restored.store.sublevels.settings.get(gapKey(bobId)) as unknown as GapState).missing).toEqual([])
    expect(await holeEvents(restored, bob)).toEqual([AFTER_BACKUP, HOLE_FILLED])
  })
})
