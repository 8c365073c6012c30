import { describe, it, expect } from 'vitest'
import { MAX_SKIPPED_KEYS, ratchetDecrypt, ratchetEncrypt, type RatchetState } from '../../../src/crypto/ratchet/index.js'
import { addUnavailableRange, unavailableReason } from '../../../src/crypto/ratchet/skipped-keys.js'
import { MAX_UNAVAILABLE_RANGES } from '../../../src/crypto/ratchet/constants.js'
import { MessageKeyUnavailableError } from '../../../src/crypto/errors.js'
import { expectFailure, expectSerializable, fastProvider, makePair, text } from './helpers.js'

describe('unavailable ranges', () => {
  it('insert sorted, merge neighbours of the same reason, keep reasons apart', () => {
    let ranges = addUnavailableRange([], 5, 7, 'evicted')
    ranges = addUnavailableRange(ranges, 8, 8, 'evicted')
    ranges = addUnavailableRange(ranges, 0, 2, 'expired')
    ranges = addUnavailableRange(ranges, 3, 4, 'evicted')
    ranges = addUnavailableRange(ranges, 10, 12, 'expired')
    expect(ranges).toEqual([
      { first: 0, last: 2, reason: 'expired' },
      { first: 3, last: 8, reason: 'evicted' },
      { first: 10, last: 12, reason: 'expired' }
    ])
    expect(unavailableReason(ranges, 9)).toBeNull()
    expect(unavailableReason(ranges, 4)).toBe('evicted')
    expect(unavailableReason(ranges, 12)).toBe('expired')
  })

  it('stay bounded by merging the lowest ranges', () => {
    let ranges = addUnavailableRange([], 0, 0, 'evicted')
    for (let i = 1; i < 100; i++) ranges = addUnavailableRange(ranges, 2 * i, 2 * i, 'evicted')
    expect(ranges.length).toBe(MAX_UNAVAILABLE_RANGES)
    expect(ranges[ranges.length - 1]).toEqual({ first: 198, last: 198, reason: 'evicted' })
    expect(unavailableReason(ranges, 0)).toBe('evicted')
  })
})

describe('skipped keys in the ratchet (node provider)', () => {
  const provider = fastProvider

  it('does not copy the skipped-key list for in-order messages', () => {
    const { alice, bob } = makePair(provider)
    let sender = alice
    const send = (): Uint8Array => {
      const sent = ratchetEncrypt(provider, sender, text('m'))
      sender = sent.state
      return sent.message
    }
    for (let i = 0; i < 1000; i++) send()
    let receiver: RatchetState = ratchetDecrypt(provider, bob, send()).state
    const held = receiver.skippedMessageKeys
    expect(held).toHaveLength(1000)
    for (let i = 0; i < 200; i++) receiver = ratchetDecrypt(provider, receiver, send()).state
    // Same array object: no O(skipped) copy on the in-order path.
    expect(receiver.skippedMessageKeys).toBe(held)
  })

  it('records evictions in the chain the keys belonged to, also after the ratchet turned', () => {
    let { alice, bob } = makePair(provider)
    const first: Uint8Array[] = []
    for (let i = 0; i < 1001; i++) {
      const sent = ratchetEncrypt(provider, alice, text(`a${i}`))
      alice = sent.state
      first.push(sent.message)
    }
    bob = ratchetDecrypt(provider, bob, first[1000]).state // holds keys 0..999 of chain 1
    const reply = ratchetEncrypt(provider, bob, text('reply'))
    bob = reply.state
    alice = ratchetDecrypt(provider, alice, reply.message).state
    // Alice's second chain: skip 1000 more keys, which pushes the total past MAX_SKIPPED_KEYS.
    const second: Uint8Array[] = []
    for (let i = 0; i < 1002; i++) {
      const sent = ratchetEncrypt(provider, alice, text(`b${i}`))
      alice = sent.state
      second.push(sent.message)
    }
    bob = ratchetDecrypt(provider, bob, second[1000]).state
    bob = ratchetDecrypt(provider, bob, second[1001]).state
    expect(bob.skippedMessageKeys).toHaveLength(MAX_SKIPPED_KEYS)
    bob = ratchetDecrypt(provider, bob, second[500]).state
    expect(bob.previousReceivingChains[0].unavailable).toEqual([])
    expectSerializable(bob)
    // Now overflow: a third chain of 1000 skipped keys evicts the oldest, from chain 1.
    const back = ratchetEncrypt(provider, bob, text('again'))
    bob = back.state
    alice = ratchetDecrypt(provider, alice, back.message).state
    const third: Uint8Array[] = []
    for (let i = 0; i < 1001; i++) {
      const sent = ratchetEncrypt(provider, alice, text(`c${i}`))
      alice = sent.state
      third.push(sent.message)
    }
    bob = ratchetDecrypt(provider, bob, third[1000]).state
    expect(bob.skippedMessageKeys).toHaveLength(MAX_SKIPPED_KEYS)
    const oldChain = bob.previousReceivingChains[1]
    expect(oldChain.unavailable).toEqual([{ first: 0, last: 998, reason: 'evicted' }])
    expectSerializable(bob)
    const final = bob
    expectFailure(final, () => ratchetDecrypt(provider, final, first[3]), MessageKeyUnavailableError.name, 'evicted')
    expect(ratchetDecrypt(provider, final, first[999]).plaintext).toEqual(text('a999'))
  })
})
