import { describe, it, expect } from 'vitest'
import { ratchetDecrypt, ratchetEncrypt, type RatchetState } from '../../../src/crypto/ratchet/index.js'
import { SendingChainUnavailableError } from '../../../src/crypto/ratchet/errors.js'
import { fastProvider, makePair, providers, text, expectFailure } from './helpers.js'
import type { CryptoProvider } from '../../../src/crypto/provider.js'

/** Send `plaintext` from one state to the other; returns both new states. */
function exchange (provider: CryptoProvider, from: RatchetState, to: RatchetState, plaintext: Uint8Array): [RatchetState, RatchetState] {
  const sent = ratchetEncrypt(provider, from, plaintext)
  const received = ratchetDecrypt(provider, to, sent.message)
  expect(received.plaintext).toEqual(plaintext)
  return [sent.state, received.state]
}

describe.each(providers)('ratchet round trips (%s)', (_name, provider) => {
  it('carries short, empty and 64 KiB plaintexts both ways', () => {
    let { alice, bob } = makePair(provider)
    const big = provider.randomBytes(64 * 1024)
    for (const plaintext of [text('hello bob'), new Uint8Array(0), big]) {
      ;[alice, bob] = exchange(provider, alice, bob, plaintext)
      ;[bob, alice] = exchange(provider, bob, alice, plaintext)
    }
    // Alice received last, so her DH ratchet turned: a fresh sending chain, PN = 1.
    expect(alice.sendingMessageNumber).toBe(0)
    expect(alice.previousSendingChainLength).toBe(1)
    expect(bob.skippedMessageKeys).toHaveLength(0)
  })

  it('refuses to send from a responder that has received nothing', () => {
    const { bob } = makePair(provider)
    expectFailure(bob, () => ratchetEncrypt(provider, bob, text('too early')), SendingChainUnavailableError.name)
  })

  it('never mutates its inputs', () => {
    const { alice, bob } = makePair(provider)
    const aliceCopy = structuredClone(alice)
    const bobCopy = structuredClone(bob)
    const sent = ratchetEncrypt(provider, alice, text('x'))
    ratchetDecrypt(provider, bob, sent.message)
    expect(alice).toEqual(aliceCopy)
    expect(bob).toEqual(bobCopy)
  })

  it('runs a 200-message conversation in runs of varying length', () => {
    let { alice, bob } = makePair(provider)
    let sent = 0
    for (let run = 1; sent < 200; run = (run % 7) + 1) {
      for (let i = 0; i < run; i++, sent++) [alice, bob] = exchange(provider, alice, bob, text(`a${sent}`))
      for (let i = 0; i < run; i++, sent++) [bob, alice] = exchange(provider, bob, alice, text(`b${sent}`))
    }
    expect(sent).toBeGreaterThanOrEqual(200)
  })
})

// The 1000-message conversations and the 3000-message burst turn the DH ratchet hundreds of
// times: run them on the native provider (noble X25519 is ~30x slower; the loops above cover it).
describe('long conversations (node provider)', () => {
  const provider = fastProvider

  it('alternates 1000 messages', () => {
    let { alice, bob } = makePair(provider)
    for (let i = 0; i < 500; i++) {
      ;[alice, bob] = exchange(provider, alice, bob, text(`a${i}`))
      ;[bob, alice] = exchange(provider, bob, alice, text(`b${i}`))
    }
    // Every reply turned the ratchet: one message per sending chain.
    expect(alice.previousSendingChainLength).toBe(1)
    expect(bob.previousSendingChainLength).toBe(1)
    expect(bob.previousReceivingChains.length).toBe(4)
  })

  it('sends 1000 messages in runs both ways', () => {
    let { alice, bob } = makePair(provider)
    let sent = 0
    for (let run = 1; sent < 1000; run = (run * 3) % 17 + 1) {
      for (let i = 0; i < run && sent < 1000; i++, sent++) [alice, bob] = exchange(provider, alice, bob, text(`a${sent}`))
      for (let i = 0; i < run && sent < 1000; i++, sent++) [bob, alice] = exchange(provider, bob, alice, text(`b${sent}`))
    }
    expect(alice.skippedMessageKeys.length + bob.skippedMessageKeys.length).toBe(0)
  })

  it('carries a one-way burst of 3000 messages', () => {
    let { alice, bob } = makePair(provider)
    const started = performance.now()
    for (let i = 0; i < 3000; i++) [alice, bob] = exchange(provider, alice, bob, text(`burst ${i}`))
    expect(alice.sendingMessageNumber).toBe(3000)
    expect(bob.receivingMessageNumber).toBe(3000)
    expect(performance.now() - started).toBeLessThan(20_000)
  })
})
