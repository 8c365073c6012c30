import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { generateIdentity, peerIdFromIdentityKey } from '../../src/crypto/identity.js'
import { RESOLVE_TIMEOUT_MS } from '../../src/messenger/constants.js'
import type { MurmurEvents } from '../../src/messenger/events.js'
import { SteppedClock } from '../clock.js'
import { makeHome, removeDir, startNode, type TestNode } from './helpers.js'

/** The default time to live is 30 days; this node's is an hour, passed on its own clock. */
const TTL_MS = 60 * 60 * 1000
/**
 * Each attempt's look-up budget (10 s by default): the WAN DHT of a node on loopback has no
 * peer to ask and waits out the whole budget, so the first attempt fails only when it ends.
 */
const RESOLVE_MS = 500

describe('a node\'s budgets: the outbox\'s time to live, a look-up\'s resolveTimeoutMs', () => {
  const dirs: string[] = []
  const clock = new SteppedClock()
  let alice: TestNode

  beforeAll(async () => {
    const h = await makeHome()
    dirs.push(h.dir)
    alice = await startNode(h.home, { messageTtlMs: TTL_MS, clock, resolveTimeoutMs: RESOLVE_MS })
  })

  afterAll(async () => {
    await alice?.murmur.stop()
    await Promise.all(dirs.map(removeDir))
  })

  it('a message to a peer that never appears is retried, then marked expired with a reason once its time to live has passed', async () => {
    const nobody = peerIdFromIdentityKey(generateIdentity().publicKey)
    await alice.murmur.contacts.add('ghost', nobody)
    const states: Array<MurmurEvents['message:state']> = []
    const unsubscribe = alice.murmur.events.on('message:state', (e) => { if (e.peerId === nobody) states.push(e) })
    const sent = await alice.murmur.send('ghost', 'are you there?')
    expect(sent.state).toBe('queued')
    // The first attempt fails and the message waits for a retry, saying why: the barrier
    // before the time to live is passed. That attempt takes the look-up's whole budget
    // (RESOLVE_MS, real time that no clock shortens); the time to live itself is not waited for.
    await expect.poll(() => states.some(e => e.id === sent.id && e.state === 'queued' && e.reason != null), { timeout: 30_000, interval: 20, message: 'the first attempt to fail' }).toBe(true)
    expect((await alice.murmur.status()).outbox).toBe(1)
    // An hour later by the node's clock: the outbox's next look, due within seconds, comes at once.
    clock.advance(TTL_MS)
    const final = await alice.murmur.waitForState('ghost', sent.id, ['expired'], { timeoutMs: 30_000 })
    unsubscribe()
    expect(final.state).toBe('expired')
    expect(final.reason).toMatch(/time to live/)
    expect(states.filter(e => e.state === 'expired')).toHaveLength(1)
    expect((await alice.murmur.status()).outbox).toBe(0)
  })

  it('a look-up that finds nothing ends at the node\'s resolveTimeoutMs with ContactRecordNotFoundError, not a bare TimeoutError', async () => {
    const nobody = peerIdFromIdentityKey(generateIdentity().publicKey)
    const started = Date.now()
    await expect(alice.murmur.lookup(nobody)).rejects.toMatchObject({ name: 'ContactRecordNotFoundError' })
    expect(Date.now() - started).toBeLessThan(RESOLVE_TIMEOUT_MS / 2)
  })
})
