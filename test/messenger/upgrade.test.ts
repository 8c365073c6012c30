// No downgrade, no dead sessions: two nodes whose stores hold session records made by the
// Double Ratchet before the Triple Ratchet (test/crypto/fixtures/legacy-session-v1.json)
// start, drop those records (docs/protocol.md part 4 "Upgrade from the Double Ratchet") and
// talk through a new PQXDH session that runs the Triple Ratchet.
import { readFileSync } from 'node:fs'
import { mkdir, writeFile } from 'node:fs/promises'
import { afterAll, describe, expect, it } from 'vitest'
import { identityFromSeed, peerIdFromIdentityKey } from '../../src/crypto/identity.js'
import { deserializeSessionRecord, LegacySessionRecordError } from '../../src/crypto/session/index.js'
import { homePath } from '../../src/messenger/home.js'
import { openStore } from '../../src/store/index.js'
import { eventually, makeHome, removeDir, startNode, type TestNode } from './helpers.js'

interface LegacyFixture { aliceIdentitySeed: string, bobIdentitySeed: string, aliceRecord: string, bobRecord: string }
const fixture = JSON.parse(readFileSync(new URL('../crypto/fixtures/legacy-session-v1.json', import.meta.url), 'utf8')) as LegacyFixture
const fromHex = (value: string): Uint8Array => Uint8Array.from(Buffer.from(value, 'hex'))

/** A home as the previous version left it: its identity file and a store holding a v1 session record. */
async function previousVersionHome (home: string, seedHex: string, peerId: string, recordHex: string): Promise<void> {
  await mkdir(home, { recursive: true, mode: 0o700 })
  await writeFile(homePath(home, 'identityKey'), JSON.stringify({ version: 1, type: 'ed25519', seed: Buffer.from(fromHex(seedHex)).toString('base64') }), { mode: 0o600 })
  const store = await openStore({ path: homePath(home, 'store') })
  const batch = store.batch()
  batch.put(store.sublevels.sessions, peerId, fromHex(recordHex))
  await store.write(batch)
  await store.close()
}

async function storedRecord (home: string, peerId: string): Promise<Uint8Array | undefined> {
  const store = await openStore({ path: homePath(home, 'store') })
  try {
    return await store.sublevels.sessions.get(peerId)
  } finally {
    await store.close()
  }
}

describe('upgrade from the Double Ratchet (real nodes, stores made by the previous version)', () => {
  const dirs: string[] = []
  const nodes: TestNode[] = []
  const alicePeerId = peerIdFromIdentityKey(identityFromSeed(fromHex(fixture.aliceIdentitySeed)).publicKey)
  const bobPeerId = peerIdFromIdentityKey(identityFromSeed(fromHex(fixture.bobIdentitySeed)).publicKey)

  afterAll(async () => {
    await Promise.allSettled(nodes.map(async (n) => await n.murmur.stop()))
    await Promise.all(dirs.map(removeDir))
  })

  it('legacy records are reset: a new session starts, messages flow both ways, the stores then hold Triple Ratchet records', async () => {
    const [a, b] = await Promise.all([makeHome(), makeHome()])
    dirs.push(a.dir, b.dir)
    await previousVersionHome(a.home, fixture.aliceIdentitySeed, bobPeerId, fixture.aliceRecord)
    await previousVersionHome(b.home, fixture.bobIdentitySeed, alicePeerId, fixture.bobRecord)
    // What the stores hold is what the previous version wrote, and this version refuses to run it.
    expect(() => deserializeSessionRecord(fromHex(fixture.aliceRecord))).toThrow(LegacySessionRecordError)

    const bob = await startNode(b.home)
    nodes.push(bob)
    const alice = await startNode(a.home, { bootstrap: bob.addresses })
    nodes.push(alice)
    expect(alice.murmur.peerId).toBe(alicePeerId)
    expect(bob.murmur.peerId).toBe(bobPeerId)
    await alice.murmur.contacts.add('bob', bobPeerId)
    await bob.murmur.contacts.add('alice', alicePeerId)

    const sent = await alice.murmur.send('bob', 'after the upgrade')
    expect((await alice.murmur.waitForState('bob', sent.id, ['delivered', 'read'], { timeoutMs: 20_000 })).state).toMatch(/delivered|read/)
    const received = await eventually(async () => (await bob.murmur.history(alicePeerId)).find((m) => m.id === sent.id), 10_000, 'bob to store the message')
    expect(received.text).toBe('after the upgrade')
    const reply = await bob.murmur.send('alice', 'and back')
    expect((await bob.murmur.waitForState('alice', reply.id, ['delivered', 'read'], { timeoutMs: 20_000 })).state).toMatch(/delivered|read/)

    await Promise.all(nodes.splice(0).map(async (n) => await n.murmur.stop()))
    for (const [home, peer] of [[a.home, bobPeerId], [b.home, alicePeerId]]) {
      const bytes = await storedRecord(home, peer)
      expect(bytes).toBeDefined()
      const record = deserializeSessionRecord(bytes as Uint8Array)
      expect(record.current.ratchet.pq.epoch).toBe(0)
      expect(record.archived).toEqual([])
    }
  }, 60_000)
})
