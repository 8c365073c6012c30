import { describe, it, expect } from 'vitest'
import {
  MAX_SKIP, MAX_SKIPPED_KEYS, SKIPPED_KEY_MAX_AGE_MS, ratchetDecrypt, ratchetEncrypt, type RatchetState
} from '../../../src/crypto/ratchet/index.js'
import {
  DuplicateMessageError, HeaderDecryptionError, MessageKeyUnavailableError, TooManySkippedMessagesError
} from '../../../src/crypto/errors.js'
import type { CryptoProvider } from '../../../src/crypto/provider.js'
import { expectFailure, fastProvider, makePair, providers, shuffled, text } from './helpers.js'

interface Sent { message: Uint8Array, plaintext: Uint8Array }

function sendMany (provider: CryptoProvider, state: RatchetState, count: number, label: string, options?: { now?: number }): { state: RatchetState, sent: Sent[] } {
  const sent: Sent[] = []
  let current = state
  for (let i = 0; i < count; i++) {
    const plaintext = text(`${label} ${i}`)
    const result = ratchetEncrypt(provider, current, plaintext, options)
    current = result.state
    sent.push({ message: result.message, plaintext })
  }
  return { state: current, sent }
}

function deliver (provider: CryptoProvider, state: RatchetState, item: Sent, options?: { now?: number }): RatchetState {
  const result = ratchetDecrypt(provider, state, item.message, options)
  expect(result.plaintext).toEqual(item.plaintext)
  return result.state
}

describe.each(providers)('out-of-order delivery (%s)', (_name, provider) => {
  it('decrypts a shuffled 50-message transcript spread over several chains', () => {
    let { alice, bob } = makePair(provider)
    const toBob: Sent[] = []
    const toAlice: Sent[] = []
    // Three rounds, each: Alice sends a run, Bob reads all of it and replies with a run.
    for (let round = 0; round < 3; round++) {
      const a = sendMany(provider, alice, 9, `a${round}`)
      alice = a.state
      toBob.push(...a.sent)
      for (const item of a.sent) bob = deliver(provider, bob, item)
      const b = sendMany(provider, bob, 8, `b${round}`)
      bob = b.state
      toAlice.push(...b.sent)
      // Alice needs one message of each new chain to turn her ratchet before her next run.
      alice = deliver(provider, alice, b.sent[0])
    }
    // A fresh receiver sees Alice's 27 messages shuffled... and Alice, Bob's 24 minus the 3 seen.
    const seen = new Set([0, 8, 16])
    const rest = toAlice.filter((_, i) => !seen.has(i))
    let count = 0
    for (const item of shuffled(rest, 7)) {
      alice = deliver(provider, alice, item)
      count++
    }
    expect(count + seen.size).toBe(24)
    expect(alice.skippedMessageKeys).toHaveLength(0)

    // And a 50-message shuffle within one new conversation.
    const pair = makePair(provider)
    const burst = sendMany(provider, pair.alice, 50, 'shuffled')
    let receiver = pair.bob
    for (const item of shuffled(burst.sent, 42)) receiver = deliver(provider, receiver, item)
    expect(receiver.skippedMessageKeys).toHaveLength(0)
    expect(receiver.receivingMessageNumber).toBe(50)
  })

  it('handles interleaved replies and messages dropped for good', () => {
    let { alice, bob } = makePair(provider)
    const a1 = sendMany(provider, alice, 5, 'a1')
    alice = a1.state
    bob = deliver(provider, bob, a1.sent[3]) // 0..2 skipped
    const b1 = sendMany(provider, bob, 3, 'b1')
    bob = b1.state
    alice = deliver(provider, alice, b1.sent[1])
    const a2 = sendMany(provider, alice, 2, 'a2')
    alice = a2.state
    bob = deliver(provider, bob, a2.sent[1]) // new chain: skips a1[4] (pn = 5) and a2[0]
    bob = deliver(provider, bob, a1.sent[0]) // late, from the previous chain
    alice = deliver(provider, alice, b1.sent[2])
    bob = deliver(provider, bob, a2.sent[0])
    alice = deliver(provider, alice, b1.sent[0])
    // a1[1], a1[2], a1[4] are never delivered: their keys wait, nothing else is affected.
    expect(bob.skippedMessageKeys.map((key) => key.messageNumber).sort()).toEqual([1, 2, 4])
    const b2 = sendMany(provider, bob, 1, 'b2')
    alice = deliver(provider, alice, b2.sent[0])
    expect(alice.skippedMessageKeys).toHaveLength(0)
  })

  it('refuses a duplicate or replayed message, on the current and on earlier chains', () => {
    let { alice, bob } = makePair(provider)
    const a1 = sendMany(provider, alice, 3, 'a1')
    alice = a1.state
    bob = deliver(provider, bob, a1.sent[0])
    bob = deliver(provider, bob, a1.sent[2])
    const current = bob
    expectFailure(current, () => ratchetDecrypt(provider, current, a1.sent[0].message), DuplicateMessageError.name)
    expectFailure(current, () => ratchetDecrypt(provider, current, a1.sent[2].message), DuplicateMessageError.name)
    bob = deliver(provider, bob, a1.sent[1]) // a skipped key, used once
    const afterSkipped = bob
    expectFailure(afterSkipped, () => ratchetDecrypt(provider, afterSkipped, a1.sent[1].message), DuplicateMessageError.name)

    // Turn the ratchet twice; the first chain is now an earlier chain.
    const b1 = sendMany(provider, bob, 1, 'b1')
    bob = b1.state
    alice = deliver(provider, alice, b1.sent[0])
    const a2 = sendMany(provider, alice, 1, 'a2')
    bob = deliver(provider, bob, a2.sent[0])
    const later = bob
    expectFailure(later, () => ratchetDecrypt(provider, later, a1.sent[1].message), DuplicateMessageError.name)
    expectFailure(later, () => ratchetDecrypt(provider, later, a2.sent[0].message), DuplicateMessageError.name)
  })

  it('refuses a jump of MAX_SKIP + 1 without deriving any key, and accepts MAX_SKIP', () => {
    const { alice, bob } = makePair(fastProvider)
    const burst = sendMany(fastProvider, alice, MAX_SKIP + 2, 'jump')
    expectFailure(bob, () => ratchetDecrypt(provider, bob, burst.sent[MAX_SKIP + 1].message), TooManySkippedMessagesError.name)
    const accepted = deliver(provider, bob, burst.sent[MAX_SKIP])
    expect(accepted.skippedMessageKeys).toHaveLength(MAX_SKIP)
  })

  it('refuses a new chain whose previous-chain length asks for too many keys', () => {
    let { alice, bob } = makePair(fastProvider)
    const a1 = sendMany(fastProvider, alice, 2, 'a1')
    alice = a1.state
    bob = deliver(provider, bob, a1.sent[0])
    const b1 = sendMany(fastProvider, bob, 1, 'b1')
    bob = b1.state
    // Alice keeps sending on her first chain past MAX_SKIP before she sees Bob's reply.
    const more = sendMany(fastProvider, alice, MAX_SKIP + 1, 'more')
    alice = deliver(fastProvider, more.state, b1.sent[0])
    const a2 = sendMany(fastProvider, alice, 1, 'a2')
    // pn = MAX_SKIP + 3 while Bob has Nr = 1: a jump of MAX_SKIP + 2.
    const stuck = bob
    expectFailure(stuck, () => ratchetDecrypt(provider, stuck, a2.sent[0].message), TooManySkippedMessagesError.name)
  })
})

describe('bounded skipped keys (node provider)', () => {
  const provider = fastProvider

  it('evicts the oldest keys past MAX_SKIPPED_KEYS and says so', () => {
    const { alice, bob } = makePair(provider)
    const burst = sendMany(provider, alice, 2300, 'evict')
    let receiver = bob
    for (const index of [1000, 2000, 2299]) receiver = deliver(provider, receiver, burst.sent[index])
    expect(receiver.skippedMessageKeys).toHaveLength(MAX_SKIPPED_KEYS)
    const final = receiver
    expectFailure(final, () => ratchetDecrypt(provider, final, burst.sent[5].message), MessageKeyUnavailableError.name, 'evicted')
    expectFailure(final, () => ratchetDecrypt(provider, final, burst.sent[296].message), MessageKeyUnavailableError.name, 'evicted')
    // #297 is the oldest key kept; #1000 was decrypted.
    receiver = deliver(provider, final, burst.sent[297])
    expectFailure(receiver, () => ratchetDecrypt(provider, receiver, burst.sent[1000].message), DuplicateMessageError.name)

    // A direct #1000 -> #2299 jump is refused.
    const direct = deliver(provider, bob, burst.sent[1000])
    expectFailure(direct, () => ratchetDecrypt(provider, direct, burst.sent[2299].message), TooManySkippedMessagesError.name)
  })

  it('drops skipped keys older than SKIPPED_KEY_MAX_AGE_MS', () => {
    const start = 1_700_000_000_000
    const { alice, bob } = makePair(provider)
    const burst = sendMany(provider, alice, 6, 'expire', { now: start })
    let receiver = deliver(provider, bob, burst.sent[3], { now: start }) // keys 0..2 stored at start
    receiver = deliver(provider, receiver, burst.sent[1], { now: start + SKIPPED_KEY_MAX_AGE_MS }) // exactly the limit: kept
    const late = start + SKIPPED_KEY_MAX_AGE_MS + 1
    const stale = receiver
    expectFailure(stale, () => ratchetDecrypt(provider, stale, burst.sent[0].message, { now: late }), MessageKeyUnavailableError.name, 'expired')
    // The next successful use drops them for good and remembers why.
    receiver = deliver(provider, receiver, burst.sent[4], { now: late })
    expect(receiver.skippedMessageKeys).toHaveLength(0)
    expect(receiver.receivingUnavailable).toEqual([{ first: 0, last: 0, reason: 'expired' }, { first: 2, last: 2, reason: 'expired' }])
    const after = receiver
    expectFailure(after, () => ratchetDecrypt(provider, after, burst.sent[2].message, { now: late }), MessageKeyUnavailableError.name, 'expired')
    expectFailure(after, () => ratchetDecrypt(provider, after, burst.sent[1].message, { now: late }), DuplicateMessageError.name)
  })

  it('forgets chains older than the last five, with their keys', () => {
    let { alice, bob } = makePair(provider)
    const firstRun = sendMany(provider, alice, 3, 'old')
    alice = firstRun.state
    bob = deliver(provider, bob, firstRun.sent[2])
    for (let round = 0; round < 5; round++) {
      const b = sendMany(provider, bob, 1, `b${round}`)
      bob = b.state
      alice = deliver(provider, alice, b.sent[0])
      const a = sendMany(provider, alice, 1, `a${round}`)
      alice = a.state
      bob = deliver(provider, bob, a.sent[0])
    }
    expect(bob.previousReceivingChains).toHaveLength(4)
    expect(bob.skippedMessageKeys).toHaveLength(0)
    const final = bob
    expectFailure(final, () => ratchetDecrypt(provider, final, firstRun.sent[0].message), HeaderDecryptionError.name)
  })
})
