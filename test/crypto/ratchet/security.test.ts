import { describe, it, expect } from 'vitest'
import { ratchetDecrypt, ratchetEncrypt, type RatchetState } from '../../../src/crypto/ratchet/index.js'
import { deriveMessageKeys, kdfChain } from '../../../src/crypto/ratchet/kdf.js'
import { DecryptionError, DuplicateMessageError, HeaderDecryptionError } from '../../../src/crypto/errors.js'
import { expectFailure, makePair, providers, sameBytes, text } from './helpers.js'

describe.each(providers)('ratchet security properties (%s)', (_name, provider) => {
  it('never reuses a body key/nonce pair after a sender rollback', () => {
    const { alice, bob } = makePair(provider)
    const snapshot = alice
    const first = ratchetEncrypt(provider, snapshot, text('before the restore'))
    const second = ratchetEncrypt(provider, snapshot, text('after the restore'))
    if (snapshot.sendingChainKey === null) throw new Error('initiator must have a sending chain')
    // Both messages come from the same messageKey (same chain position)...
    const { messageKey } = kdfChain(provider, snapshot.sendingChainKey)
    const nonce1 = first.message.subarray(1, 25)
    const nonce2 = second.message.subarray(1, 25)
    expect(sameBytes(nonce1, nonce2)).toBe(false)
    // ...but the header-nonce salt makes different body keys and nonces.
    const keys1 = deriveMessageKeys(provider, messageKey, nonce1)
    const keys2 = deriveMessageKeys(provider, messageKey, nonce2)
    expect(sameBytes(keys1.bodyKey, keys2.bodyKey)).toBe(false)
    expect(sameBytes(keys1.bodyNonce, keys2.bodyNonce)).toBe(false)
    // The receiver takes the first and refuses the second as a duplicate position.
    const received = ratchetDecrypt(provider, bob, first.message)
    expect(received.plaintext).toEqual(text('before the restore'))
    expectFailure(received.state, () => ratchetDecrypt(provider, received.state, second.message), DuplicateMessageError.name)
  })

  it('forward secrecy: a state that decrypted a message cannot decrypt it again', () => {
    let { alice, bob } = makePair(provider)
    const messages: Uint8Array[] = []
    for (let i = 0; i < 3; i++) {
      const sent = ratchetEncrypt(provider, alice, text(`m${i}`))
      alice = sent.state
      messages.push(sent.message)
    }
    for (const message of messages) bob = ratchetDecrypt(provider, bob, message).state
    const after = bob
    for (const message of messages) expectFailure(after, () => ratchetDecrypt(provider, after, message), DuplicateMessageError.name)
    // Neither a skipped key nor the old chain key remains for them.
    expect(after.skippedMessageKeys).toHaveLength(0)
  })

  it('post-compromise security: after a round trip with fresh ratchet keys an old state copy is useless', () => {
    let { alice, bob } = makePair(provider)
    const exchange = (from: RatchetState, to: RatchetState, label: string): [RatchetState, RatchetState, Uint8Array] => {
      const sent = ratchetEncrypt(provider, from, text(label))
      const received = ratchetDecrypt(provider, to, sent.message)
      return [sent.state, received.state, sent.message]
    }
    ;[alice, bob] = exchange(alice, bob, 'hello')
    ;[bob, alice] = exchange(bob, alice, 'hi')
    // The attacker copies Bob's whole state here.
    let stolen = structuredClone(bob)
    let message: Uint8Array
    ;[alice, bob, message] = exchange(alice, bob, 'still readable by the thief')
    // The copy can follow the chain it was stolen in (no secret has changed yet)...
    stolen = ratchetDecrypt(provider, stolen, message).state
    // ...but Bob's receive turned his ratchet with a fresh key the thief never saw.
    ;[bob, alice] = exchange(bob, alice, 'reply with a fresh ratchet key')
    ;[alice, bob, message] = exchange(alice, bob, 'after healing')
    // Header keys run one DH step ahead of chain keys (spec §4), so the thief still opens this
    // header, but not the body: the message keys now depend on a DH secret it does not have.
    const thief = stolen
    expectFailure(thief, () => ratchetDecrypt(provider, thief, message), DecryptionError.name)
    // One more round trip and the headers are out of reach too.
    ;[bob, alice] = exchange(bob, alice, 'another reply')
    ;[alice, bob, message] = exchange(alice, bob, 'fully healed')
    const lastMessage = message
    expectFailure(thief, () => ratchetDecrypt(provider, thief, lastMessage), HeaderDecryptionError.name)
    expect(ratchetDecrypt(provider, alice, ratchetEncrypt(provider, bob, text('ok')).message).plaintext).toEqual(text('ok'))
  })
})
