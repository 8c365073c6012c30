import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { generateIdentity, peerIdFromIdentityKey } from '../../src/crypto/identity.js'
import { makeHome, removeDir, startNode, type TestNode } from './helpers.js'

describe('outbox time to live', () => {
  const dirs: string[] = []
  let alice: TestNode

  beforeAll(async () => {
    const h = await makeHome()
    dirs.push(h.dir)
    alice = await startNode(h.home, { messageTtlMs: 1_500 })
  })

  afterAll(async () => {
    await alice?.murmur.stop()
    await Promise.all(dirs.map(removeDir))
  })

  // Generous bounds: the first attempt may spend its whole 10 s looking for the peer (DHT,
  // contact record) on a loaded machine before the expiry check runs again.
  it('a message to a peer that never appears is retried, then marked expired with a reason', { timeout: 90_000 }, async () => {
    const nobody = peerIdFromIdentityKey(generateIdentity().publicKey)
    await alice.murmur.contacts.add('ghost', nobody)
    const sent = await alice.murmur.send('ghost', 'are you there?')
    expect(sent.state).toBe('queued')
    const final = await alice.murmur.waitForState('ghost', sent.id, ['expired'], { timeoutMs: 50_000 })
    expect(final.state).toBe('expired')
    expect(final.reason).toMatch(/time to live/)
    expect((await alice.murmur.status()).outbox).toBe(0)
  })
})
