// Forwarding: a depositor the relay trusts leaves envelopes for a recipient without a mailbox
// there; the relay delivers them to the recipient's node (Deliver request) once it comes
// online, or through the application's callback, and deletes them only once delivered.
import { generateKeyPair } from '@libp2p/crypto/keys'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { openStore, type Store } from '../../src/store/index.js'
import { MailboxNotFoundError } from '../../src/relay/index.js'
import { hex, makeEnvelope, startNode, type RelayNode } from './helpers.js'

describe('forwarding', () => {
  let store: Store
  let relay: RelayNode
  let trusted: RelayNode
  let stranger: RelayNode
  let recipient: RelayNode | undefined

  beforeAll(async () => {
    store = await openStore({ memory: true })
    relay = await startNode({ store, sweepIntervalMs: 0, forward: { backoffMinMs: 200, backoffMaxMs: 1000, attemptTimeoutMs: 2000 } });
    [trusted, stranger] = await Promise.all([startNode(), startNode()])
    await relay.services.mailbox.trust.add(trusted.peerId)
    await Promise.all([trusted, stranger].map(async (n) => n.dial(relay.getMultiaddrs())))
  })

  afterAll(async () => {
    await Promise.all([relay, trusted, stranger, recipient].map(async (n) => n?.stop()))
    await store?.close()
  })

  it('delivers a trusted depositor\'s envelopes to the recipient once it comes online', async () => {
    const recipientKey = await generateKeyPair('Ed25519')
    const recipientId = peerIdFromPrivateKey(recipientKey)
    const envelopes = [makeEnvelope(recipientId), makeEnvelope(recipientId)]
    for (const env of envelopes) {
      expect(await trusted.services.mailbox.deposit(relay.peerId, env.bytes)).toEqual({ status: 'stored', duplicate: false })
    }
    expect(await trusted.services.mailbox.deposit(relay.peerId, envelopes[0].bytes)).toMatchObject({ duplicate: true })
    // An untrusted depositor cannot use the relay as a forwarder.
    await expect(stranger.services.mailbox.deposit(relay.peerId, makeEnvelope(recipientId).bytes)).rejects.toBeInstanceOf(MailboxNotFoundError)
    expect(relay.services.mailbox.stats().forwardQueued).toBe(2)
    // Two attempts fail while the recipient is offline (the fallback sees them); the queue
    // keeps both envelopes through them.
    let failedAttempts = 0
    relay.services.mailbox.setForwarder(async () => { failedAttempts++; return 'unreachable' })
    await expect.poll(() => failedAttempts, { timeout: 10_000, message: 'two failed forward attempts' }).toBeGreaterThanOrEqual(2)
    relay.services.mailbox.setForwarder(undefined)
    expect(relay.services.mailbox.stats().forwardQueued).toBe(2)

    const received: string[] = []
    recipient = await startNode({}, recipientKey)
    recipient.services.mailbox.setDeliveryHandler(async (from, list) => {
      expect(from.toString()).toBe(relay.peerId.toString())
      received.push(...list.map(hex))
    })
    await recipient.dial(relay.getMultiaddrs())
    await expect.poll(() => received.length === 2, { timeout: 10_000, interval: 20, message: 'forwarded delivery' }).toBe(true)
    expect(received).toEqual(envelopes.map((e) => hex(e.bytes)))
    await expect.poll(() => relay.services.mailbox.stats().forwardQueued === 0, { timeout: 10_000, interval: 20, message: 'forward queue emptied' }).toBe(true)
    expect(relay.services.mailbox.stats().forwarded).toBe(2)
  })

  it('falls back to the application callback when the recipient cannot be reached directly', async () => {
    const offline = peerIdFromPrivateKey(await generateKeyPair('Ed25519'))
    const calls: Array<{ recipient: string, count: number }> = []
    let answer: 'delivered' | 'unreachable' = 'unreachable'
    relay.services.mailbox.setForwarder(async (to, list) => {
      calls.push({ recipient: to.toString(), count: list.length })
      return answer
    })
    const before = relay.services.mailbox.stats().forwarded
    await trusted.services.mailbox.deposit(relay.peerId, makeEnvelope(offline).bytes)
    await expect.poll(() => calls.length >= 1, { timeout: 10_000, interval: 20, message: 'first callback' }).toBe(true)
    expect(relay.services.mailbox.stats().forwardQueued).toBe(1)
    answer = 'delivered'
    await expect.poll(() => relay.services.mailbox.stats().forwardQueued === 0, { timeout: 10_000, interval: 20, message: 'delivered by callback' }).toBe(true)
    expect(calls.every((c) => c.recipient === offline.toString() && c.count === 1)).toBe(true)
    expect(calls.length).toBeGreaterThanOrEqual(2)
    expect(relay.services.mailbox.stats().forwarded).toBe(before + 1)
    relay.services.mailbox.setForwarder(undefined)
  })
})
