import { describe, it, expect } from 'vitest'
import { ratchetDecrypt, ratchetEncrypt, type RatchetState } from '../../../src/crypto/ratchet/index.js'
import { encryptHeader } from '../../../src/crypto/ratchet/header.js'
import {
  DecryptionError, HeaderDecryptionError, InvalidMessageError, LowOrderPointError
} from '../../../src/crypto/errors.js'
import { expectFailure, makePair, providers, text } from './helpers.js'

const HEADER_START = 1
const BODY_START = 85

function flipped (message: Uint8Array, index: number): Uint8Array {
  const copy = message.slice()
  copy[index] ^= 0x01
  return copy
}

describe.each(providers)('tampering (%s)', (_name, provider) => {
  /** Bob in mid-conversation, about to receive one message on his current chain and one on a new chain. */
  function scenario (): { bob: RatchetState, sameChain: Uint8Array, newChain: Uint8Array, plaintext: Uint8Array } {
    let { alice, bob } = makePair(provider)
    const first = ratchetEncrypt(provider, alice, text('first'))
    alice = first.state
    bob = ratchetDecrypt(provider, bob, first.message).state
    const plaintext = text('the genuine message')
    const sameChain = ratchetEncrypt(provider, alice, plaintext)
    // A second party state where Alice has turned the ratchet, for the new-chain message.
    const reply = ratchetEncrypt(provider, bob, text('reply'))
    const aliceTurned = ratchetDecrypt(provider, sameChain.state, reply.message).state
    const newChain = ratchetEncrypt(provider, aliceTurned, plaintext).message
    return { bob, sameChain: sameChain.message, newChain, plaintext }
  }

  it('rejects every flipped byte of header, body and tag with a typed error and no state change', () => {
    const { bob, sameChain, plaintext } = scenario()
    expectFailure(bob, () => ratchetDecrypt(provider, bob, flipped(sameChain, 0)), InvalidMessageError.name)
    for (let i = HEADER_START; i < BODY_START; i++) {
      expectFailure(bob, () => ratchetDecrypt(provider, bob, flipped(sameChain, i)), HeaderDecryptionError.name)
    }
    // Body ciphertext, then the 16-byte tag at the end.
    for (let i = BODY_START; i < sameChain.length; i++) {
      expectFailure(bob, () => ratchetDecrypt(provider, bob, flipped(sameChain, i)), DecryptionError.name)
    }
    expect(ratchetDecrypt(provider, bob, sameChain).plaintext).toEqual(plaintext)
  })

  it('rejects tampering with a message that turns the ratchet, committing no step', () => {
    const { bob, newChain, plaintext } = scenario()
    // Every 5th byte: each attempt costs a DH ratchet step on the copy.
    for (let i = HEADER_START; i < newChain.length; i += 5) {
      const name = i < BODY_START ? HeaderDecryptionError.name : DecryptionError.name
      expectFailure(bob, () => ratchetDecrypt(provider, bob, flipped(newChain, i)), name)
    }
    expectFailure(bob, () => ratchetDecrypt(provider, bob, flipped(newChain, newChain.length - 1)), DecryptionError.name)
    expect(ratchetDecrypt(provider, bob, newChain).plaintext).toEqual(plaintext)
  })

  it('rejects a message under a changed session AD', () => {
    const { bob, sameChain } = scenario()
    for (let i = 0; i < bob.ad.length; i++) {
      const ad = bob.ad.slice()
      ad[i] ^= 0x80
      const changed: RatchetState = { ...bob, ad }
      expectFailure(changed, () => ratchetDecrypt(provider, changed, sameChain), HeaderDecryptionError.name)
    }
    const longer: RatchetState = { ...bob, ad: new Uint8Array([...bob.ad, 0]) }
    expectFailure(longer, () => ratchetDecrypt(provider, longer, sameChain), HeaderDecryptionError.name)
  })

  it('rejects malformed lengths and versions', () => {
    const { bob, sameChain } = scenario()
    // One byte short of the smallest padded message, and one byte too many (the tag no longer verifies).
    expectFailure(bob, () => ratchetDecrypt(provider, bob, sameChain.subarray(0, sameChain.length - 1)), InvalidMessageError.name)
    expectFailure(bob, () => ratchetDecrypt(provider, bob, new Uint8Array([...sameChain, 0])), DecryptionError.name)
    expectFailure(bob, () => ratchetDecrypt(provider, bob, sameChain.subarray(0, 100)), InvalidMessageError.name)
    expectFailure(bob, () => ratchetDecrypt(provider, bob, new Uint8Array(0)), InvalidMessageError.name)
    // Version 0x01 (the Double Ratchet alone, before the Triple Ratchet) is refused: no downgrade.
    for (const version of [0x01, 0x03]) {
      const other = sameChain.slice()
      other[0] = version
      expectFailure(bob, () => ratchetDecrypt(provider, bob, other), InvalidMessageError.name)
    }
    expectFailure(bob, () => ratchetDecrypt(provider, bob, new Uint8Array(300 * 1024)), InvalidMessageError.name)
  })

  it('rejects a forged header under the real next header key; a header under a random key; a low-order ratchet key', () => {
    const { bob, sameChain, newChain, plaintext } = scenario()
    const forge = (ratchetPublicKey: Uint8Array, headerKey: Uint8Array): Uint8Array => {
      const header = encryptHeader(provider, headerKey, provider.randomBytes(24), { ratchetPublicKey, previousChainLength: 1, messageNumber: 0, epoch: 0 }, bob.ad)
      return new Uint8Array([0x02, ...header, ...provider.randomBytes(256 + 16)])
    }
    const attacker = provider.x25519GenerateKeyPair()
    // The attacker somehow holds NHKr: the header decrypts and asks for a ratchet step, but the body is forged.
    expectFailure(bob, () => ratchetDecrypt(provider, bob, forge(attacker.publicKey, bob.receivingNextHeaderKey)), DecryptionError.name)
    expectFailure(bob, () => ratchetDecrypt(provider, bob, forge(attacker.publicKey, provider.randomBytes(32))), HeaderDecryptionError.name)
    const lowOrder = new Uint8Array(32)
    lowOrder[0] = 1 // u = 1, a point of order 4
    expectFailure(bob, () => ratchetDecrypt(provider, bob, forge(lowOrder, bob.receivingNextHeaderKey)), LowOrderPointError.name)
    // Nothing was committed: the genuine messages of both chains still decrypt.
    const afterSame = ratchetDecrypt(provider, bob, sameChain)
    expect(afterSame.plaintext).toEqual(plaintext)
    expect(ratchetDecrypt(provider, afterSame.state, newChain).plaintext).toEqual(plaintext)
  })
})
