// RatchetDecryptHE tries HKr, then NHKr, then the kept previous chains' header keys: a reply
// that turns the ratchet costs one failed header trial, not one per kept chain, and no
// exception. Late messages of earlier chains still decrypt or fail with the same errors.
import { describe, it, expect } from 'vitest'
import type { CryptoProvider } from '../../../src/crypto/provider.js'
import { ratchetDecrypt, ratchetEncrypt, type RatchetState } from '../../../src/crypto/ratchet/index.js'
import { expectFailure, makePair, providers, text } from './helpers.js'

interface Counts { failedTrials: number, throwingOpens: number }

/** The provider, counting failed non-throwing header opens and calls of the throwing open. */
function counting (provider: CryptoProvider): { provider: CryptoProvider, counts: Counts } {
  const counts: Counts = { failedTrials: 0, throwingOpens: 0 }
  const tryOpen = provider.xchacha20poly1305TryOpen
  if (tryOpen === undefined) throw new Error('provider has no xchacha20poly1305TryOpen')
  return {
    counts,
    provider: {
      ...provider,
      xchacha20poly1305Open: (...args) => {
        counts.throwingOpens++
        return provider.xchacha20poly1305Open(...args)
      },
      xchacha20poly1305TryOpen: (...args) => {
        const result = tryOpen(...args)
        if (result === null) counts.failedTrials++
        return result
      }
    }
  }
}

describe.each(providers)('header trials (%s)', (_name, base) => {
  it('one failed trial per message that turns the ratchet, even with every previous chain kept', () => {
    const { provider, counts } = counting(base)
    let { alice, bob } = makePair(provider)
    const send = (from: RatchetState, to: RatchetState, body: string): [RatchetState, RatchetState] => {
      const sent = ratchetEncrypt(provider, from, text(body))
      const received = ratchetDecrypt(provider, to, sent.message)
      expect(received.plaintext).toEqual(text(body))
      return [sent.state, received.state]
    }
    // Warm up until both sides hold the maximum of previous receiving chains.
    for (let i = 0; i < 8; i++) {
      [alice, bob] = send(alice, bob, `a${i}`);
      [bob, alice] = send(bob, alice, `b${i}`)
    }
    expect(bob.previousReceivingChains.length).toBeGreaterThan(1)
    counts.failedTrials = 0
    for (let i = 0; i < 6; i++) {
      [alice, bob] = send(alice, bob, `ping${i}`);
      [bob, alice] = send(bob, alice, `pong${i}`)
    }
    // 12 messages, each failing under HKr once, then opening under NHKr.
    expect(counts.failedTrials).toBe(12)
    expect(counts.throwingOpens).toBe(0)
  })

  it('late messages of an earlier chain still decrypt, and replays still fail as duplicates', () => {
    let { alice, bob } = makePair(base)
    const first = ratchetEncrypt(base, alice, text('first'))
    alice = first.state
    const late = ratchetEncrypt(base, alice, text('late'))
    alice = late.state
    bob = ratchetDecrypt(base, bob, first.message).state
    // Two ratchet turns, so the chain of `late` is a previous receiving chain at Bob.
    for (let i = 0; i < 2; i++) {
      const reply = ratchetEncrypt(base, bob, text('reply'))
      bob = reply.state
      alice = ratchetDecrypt(base, alice, reply.message).state
      const next = ratchetEncrypt(base, alice, text('next'))
      alice = next.state
      bob = ratchetDecrypt(base, bob, next.message).state
    }
    expect(bob.previousReceivingChains.length).toBeGreaterThan(0)
    const received = ratchetDecrypt(base, bob, late.message)
    expect(received.plaintext).toEqual(text('late'))
    expectFailure(received.state, () => ratchetDecrypt(base, received.state, late.message), 'DuplicateMessageError')
    expectFailure(received.state, () => ratchetDecrypt(base, received.state, first.message), 'DuplicateMessageError')
  })
})
