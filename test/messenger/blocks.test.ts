// Blocking, at the receiving side and in the capability (src/messenger/blocks.ts, docs/messaging.md
// "Blocking"): real session crypto and stores, envelopes handed over by hand (parties.ts), so that
// what a blocked peer's envelopes change (nothing) is read straight from the store.
import { afterEach, describe, expect, it, vi } from 'vitest'
import { encodeBundle } from '../../src/crypto/pqxdh/index.js'
import { capabilityHash } from '../../src/relay/index.js'
import { createBackup } from '../../src/messenger/backup.js'
import { revokedCapabilityHashes } from '../../src/messenger/blocks.js'
import { defaultProvider } from '../../src/crypto/providers/index.js'
import { fromHexId } from '../../src/messenger/envelopes.js'
import { capabilityKey, peerCapabilityKey } from '../../src/messenger/outgoing.js'
import { parseEnvelope, type ParsedEnvelope } from '../../src/wire/strict/envelope.js'
import { party, received, restoreParty, write, type Party } from './parties.js'

const DROPPED = '2 earlier messages from this contact came while you had blocked it, and were dropped unread.'

describe('blocking a peer', () => {
  const closing: Party[] = []
  const restores: Array<() => Promise<void>> = []
  afterEach(async () => {
    vi.unstubAllEnvs()
    for (const p of closing.splice(0)) await p.store.close()
    for (const close of restores.splice(0).reverse()) await close()
  })

  async function pair (): Promise<{ alice: Party, bob: Party }> {
    const bob = await party()
    const alice = await party({ bundleOf: async () => encodeBundle(await bob.prekeys.issueBundle()) })
    closing.push(alice, bob)
    return { alice, bob }
  }

  /** `from` writes `texts` to `to`; returns every envelope of its outbox for `to` (receipts and capabilities too), in order, and empties it. */
  async function writeAll (from: Party, to: Party, texts: string[]): Promise<ParsedEnvelope[]> {
    const peerId = to.ctx.peerId
    for (const text of texts) await from.outgoing.sendText(peerId, text)
    for (const entry of await from.store.outbox(peerId)) if (entry.envelope.length === 0) await from.outgoing.prepare(entry, AbortSignal.timeout(5_000))
    const entries = await from.store.outbox(peerId)
    await from.store.commit((b) => { for (const e of entries) b.deleteOutbox(e) })
    return entries.map(e => parseEnvelope(e.envelope))
  }

  /** Everything `of` stores about `from`: history, outbox, session, settings. */
  async function footprint (of: Party, from: Party): Promise<string> {
    const peerId = from.ctx.peerId
    const settings = (await of.store.sublevels.settings.list()).filter(e => e.key.endsWith(peerId))
    return JSON.stringify({
      history: await of.store.history(peerId, { limit: 100, order: 'oldest' }),
      outbox: (await of.store.outbox(peerId)).length,
      session: await of.store.sublevels.sessions.get(peerId),
      settings,
      // Records, not just the unissued count: a first message that names a one-time prekey deletes it.
      oneTimePrekeys: (await of.store.sublevels.oneTimePrekeys.list()).length,
      oneTimeKemPrekeys: (await of.store.sublevels.oneTimeKemPrekeys.list()).length
    }, (_k, v: unknown) => v instanceof Uint8Array ? Buffer.from(v).toString('hex') : v)
  }

  it('a blocked peer\'s texts are acknowledged and dropped unread; after the unblock, its next text says the ones between were dropped', async () => {
    const { alice, bob } = await pair()
    const aliceId = alice.ctx.peerId
    expect(await bob.incoming.receive(aliceId, await write(alice, bob, ['one']))).toEqual([{ status: 'ok' }])
    expect(await received(bob, alice)).toEqual(['one'])

    await bob.blocks.add(aliceId, Date.now())
    expect(bob.blocks.has(aliceId)).toBe(true)
    const before = await footprint(bob, alice)
    // Acknowledged (neither alice nor a relay sends them again), and not a byte of bob's store changed.
    expect(await bob.incoming.receive(aliceId, await write(alice, bob, ['two', 'three']))).toEqual([{ status: 'ok' }, { status: 'ok' }])
    expect(await footprint(bob, alice)).toBe(before)

    expect(await bob.blocks.remove(aliceId)).toBeTypeOf('number')
    expect(await bob.incoming.receive(aliceId, await write(alice, bob, ['four']))).toEqual([{ status: 'ok' }])
    expect(await received(bob, alice)).toEqual(['one', 'four'])
    const events = (await bob.store.history(aliceId, { limit: 100, order: 'oldest' })).filter(e => e.direction === 'event').map(e => e.text)
    expect(events).toEqual([DROPPED])
  })

  it('a blocked stranger\'s first message spends no prekey of ours and starts no session', async () => {
    const { bob } = await pair()
    const carol = await party({ bundleOf: async () => encodeBundle(await bob.prekeys.issueBundle()) })
    closing.push(carol)
    await bob.blocks.add(carol.ctx.peerId, Date.now())
    // Written first: handing carol a bundle counts its one-time prekey as issued, at bob's end.
    const first = await write(carol, bob, ['hello, stranger'])
    expect(first[0].kind).toBe('PREKEY')
    const before = await footprint(bob, carol)
    expect(await bob.incoming.receive(carol.ctx.peerId, first)).toEqual([{ status: 'ok' }])
    expect(await footprint(bob, carol)).toBe(before)
    expect(await bob.store.sublevels.sessions.get(carol.ctx.peerId)).toBeUndefined()
  })

  it('the capability we gave the peer is revoked (its hash kept for our relays to forget); after the unblock our next text gives it a new one', async () => {
    const { alice, bob } = await pair()
    const aliceId = alice.ctx.peerId
    const bobId = bob.ctx.peerId
    // alice's first text starts the session; bob's answer carries his capability for her.
    await bob.incoming.receive(aliceId, await writeAll(alice, bob, ['hi bob']))
    await alice.incoming.receive(bobId, await writeAll(bob, alice, ['hi alice']))
    const given = await bob.store.sublevels.settings.get(capabilityKey(aliceId))
    expect(typeof given).toBe('string')
    expect(await alice.store.sublevels.settings.get(peerCapabilityKey(bobId))).toBe(given)

    const { revoked } = await bob.blocks.add(aliceId, Date.now())
    expect(revoked).toEqual(capabilityHash(fromHexId(given as string)))
    expect(await bob.store.sublevels.settings.get(capabilityKey(aliceId))).toBeUndefined()
    expect(await revokedCapabilityHashes(bob.store)).toEqual([revoked])

    await bob.blocks.remove(aliceId)
    await alice.incoming.receive(bobId, await writeAll(bob, alice, ['back again']))
    const renewed = await alice.store.sublevels.settings.get(peerCapabilityKey(bobId))
    expect(renewed).toBe(await bob.store.sublevels.settings.get(capabilityKey(aliceId)))
    expect(typeof renewed).toBe('string')
    expect(renewed).not.toBe(given)
    // The old one stays revoked: alice holds only the new one, and the relays go on forgetting the old.
    expect(await revokedCapabilityHashes(bob.store)).toEqual([revoked])
  })

  it('a home restored from a backup keeps its blocks, and the capabilities they revoked', async () => {
    // The backup's scrypt at its lowest: what is tested here is what the backup carries, not the KDF.
    vi.stubEnv('MURMUR_SCRYPT_N', String(2 ** 14))
    const { alice, bob } = await pair()
    const aliceId = alice.ctx.peerId
    await bob.incoming.receive(aliceId, await writeAll(alice, bob, ['hi bob']))
    await alice.incoming.receive(bob.ctx.peerId, await writeAll(bob, alice, ['hi alice']))
    const { at, revoked } = await bob.blocks.add(aliceId, Date.now())
    const passphrase = new TextEncoder().encode('backup passphrase')
    const { file } = await createBackup(bob.store, bob.identity, defaultProvider(), { passphrase, withHistory: true })

    const restored = await restoreParty(bob, file, passphrase, restores)
    expect(await restored.blocks.list()).toEqual([{ peerId: aliceId, at }])
    expect(restored.blocks.has(aliceId)).toBe(true)
    expect(await revokedCapabilityHashes(restored.store)).toEqual([revoked])
    const before = await footprint(restored, alice)
    expect(await restored.incoming.receive(aliceId, await write(alice, restored, ['still there?']))).toEqual([{ status: 'ok' }])
    expect(await footprint(restored, alice)).toBe(before)
  })
})
