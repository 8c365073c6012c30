import { describe, expect, it } from 'vitest'
import {
  BaseKeyReusedError, InvalidMessageError, LowOrderPointError, PreKeyNotFoundError, WrongRecipientError
} from '../../../src/crypto/errors.js'
import { identityFromSeed } from '../../../src/crypto/identity.js'
import {
  acceptPreKeyMessage, decodePreKeyMessage, encodePreKeyMessage, pqxdhAssociatedData, pqxdhInitiate, pqxdhRespond,
  type PreKeyMessage
} from '../../../src/crypto/pqxdh/index.js'
import { createProvider, PROVIDER_NAMES } from '../../../src/crypto/providers/index.js'
import { initiateSession, sessionEncrypt } from '../../../src/crypto/session/index.js'
import { hex, LOW_ORDER_POINTS, makeOwner, NOW, seed, type PreKeyOwner } from './fixtures.js'

const text = new TextEncoder()

function snapshot (owner: PreKeyOwner): string {
  return JSON.stringify([[...owner.oneTimePreKeys.keys()], [...owner.kemPreKeys.keys()], [...owner.usedLastResortBaseKeys]])
}

describe.each(PROVIDER_NAMES)('PQXDH first message (%s)', (name) => {
  const provider = createProvider(name)
  const alice = identityFromSeed(seed(1), provider)

  function firstMessage (bob: PreKeyOwner, options?: { oneTime?: boolean, oneTimeKem?: boolean }, body = 'hello bob'): PreKeyMessage {
    const record = initiateSession(provider, undefined, alice, bob.bundle(options), { now: NOW })
    const { message } = sessionEncrypt(provider, record, text.encode(body))
    expect(message.kind).toBe('prekey')
    return decodePreKeyMessage(message.bytes)
  }

  it('both roles derive the same keys and AD, with and without one-time prekeys', () => {
    const bob = makeOwner(provider, seed(2), { oneTime: 1, oneTimeKem: 1 })
    for (const opts of [{}, { oneTime: false }, { oneTimeKem: false }, { oneTime: false, oneTimeKem: false }]) {
      const bundle = bob.bundle(opts)
      const sent = pqxdhInitiate(provider, alice, bundle, { expectedIdentityKey: bob.identity.publicKey })
      const kem = bob.kemPreKeys.get(sent.header.kemPreKeyId)
      if (kem == null) throw new Error('kem prekey')
      const got = pqxdhRespond(provider, bob.identity, {
        signedPreKey: bob.signedPreKeys.get(1)!.keyPair,
        kemPreKey: kem.keyPair,
        oneTimePreKey: sent.header.oneTimePreKeyId != null ? bob.oneTimePreKeys.get(sent.header.oneTimePreKeyId)!.keyPair : undefined
      }, sent.header)
      expect(hex(got.keyMaterial)).toBe(hex(sent.keyMaterial))
      expect(got.keyMaterial.length).toBe(96)
      expect(hex(got.ad)).toBe(hex(sent.ad))
      expect(hex(sent.ad)).toBe(hex(pqxdhAssociatedData(alice.publicKey, bob.identity.publicKey)))
      expect(sent.dh4 != null).toBe(bundle.oneTimePreKey != null)
      expect(sent.header.kemPreKeyKind).toBe(bundle.oneTimeKemPreKey != null ? 'one-time' : 'last-resort')
      expect(hex(sent.kemSharedSecret)).toBe(hex(got.kemSharedSecret))
    }
  })

  it('accepts a first message and names what to consume (one-time keys)', () => {
    const bob = makeOwner(provider, seed(2), { oneTime: 2, oneTimeKem: 2 })
    const msg = firstMessage(bob)
    const before = snapshot(bob)
    const accepted = acceptPreKeyMessage(provider, bob.context, encodePreKeyMessage(msg))
    expect(new TextDecoder().decode(accepted.plaintext)).toBe('hello bob')
    expect(accepted.consumed).toEqual({ oneTimePreKeyId: 200, oneTimeKemPreKeyId: 100 })
    expect(snapshot(bob)).toBe(before) // pure: the caller consumes
  })

  it('a last-resort first message names its base key; a replay after the session is gone -> BaseKeyReusedError', () => {
    const bob = makeOwner(provider, seed(2))
    const msg = firstMessage(bob, { oneTime: false, oneTimeKem: false })
    const accepted = acceptPreKeyMessage(provider, bob.context, msg)
    expect(accepted.consumed).toEqual({ lastResortBaseKey: { kemPreKeyId: 2, baseKey: msg.baseKey } })
    bob.consume(accepted.consumed)
    expect(() => acceptPreKeyMessage(provider, bob.context, msg)).toThrow(BaseKeyReusedError)
    // A fresh base key under the same last-resort prekey is fine.
    expect(acceptPreKeyMessage(provider, bob.context, firstMessage(bob, { oneTime: false, oneTimeKem: false })).consumed.lastResortBaseKey?.kemPreKeyId).toBe(2)
  })

  it('a corrupted first message consumes nothing, and the genuine one still works', () => {
    const bob = makeOwner(provider, seed(2), { oneTime: 1, oneTimeKem: 1 })
    const msg = firstMessage(bob)
    const before = snapshot(bob)
    const corruptions: PreKeyMessage[] = []
    const body = msg.message.slice(); body[body.length - 1] ^= 1
    corruptions.push({ ...msg, message: body })
    const header = msg.message.slice(); header[10] ^= 1
    corruptions.push({ ...msg, message: header })
    const ct = msg.kemCiphertext.slice(); ct[0] ^= 1
    corruptions.push({ ...msg, kemCiphertext: ct })
    const other = identityFromSeed(seed(3), provider)
    corruptions.push({ ...msg, identityKey: other.publicKey }) // claims another sender: DH1/AD differ
    for (const bad of corruptions) {
      let failed = false
      try {
        acceptPreKeyMessage(provider, bob.context, bad)
      } catch (err) {
        failed = true
        expect((err as Error).name).toMatch(/DecryptionError|HeaderDecryptionError/)
      }
      expect(failed).toBe(true)
      expect(snapshot(bob)).toBe(before)
    }
    const accepted = acceptPreKeyMessage(provider, bob.context, msg)
    expect(new TextDecoder().decode(accepted.plaintext)).toBe('hello bob')
  })

  it('wrong recipient, unknown prekeys and low-order base keys are refused before any work', () => {
    const bob = makeOwner(provider, seed(2), { oneTime: 1, oneTimeKem: 1 })
    const carol = makeOwner(provider, seed(4))
    const msg = firstMessage(bob)
    expect(() => acceptPreKeyMessage(provider, carol.context, msg)).toThrow(WrongRecipientError)
    expect(() => acceptPreKeyMessage(provider, bob.context, { ...msg, signedPreKeyId: 99 })).toThrow(PreKeyNotFoundError)
    expect(() => acceptPreKeyMessage(provider, bob.context, { ...msg, kemPreKeyId: 99 })).toThrow(PreKeyNotFoundError)
    expect(() => acceptPreKeyMessage(provider, bob.context, { ...msg, kemPreKeyKind: 'last-resort' })).toThrow(PreKeyNotFoundError)
    expect(() => acceptPreKeyMessage(provider, bob.context, { ...msg, oneTimePreKeyId: 99 })).toThrow(PreKeyNotFoundError)
    for (const point of LOW_ORDER_POINTS) {
      expect(() => acceptPreKeyMessage(provider, bob.context, { ...msg, baseKey: point })).toThrow(LowOrderPointError)
    }
    // A one-time prekey that was consumed is gone.
    bob.consume(acceptPreKeyMessage(provider, bob.context, msg).consumed)
    expect(() => acceptPreKeyMessage(provider, bob.context, msg)).toThrow(PreKeyNotFoundError)
  })

  it('PreKeyMessage decoding is strict', () => {
    const bob = makeOwner(provider, seed(2))
    const msg = firstMessage(bob, { oneTime: false, oneTimeKem: false })
    const good = encodePreKeyMessage(msg)
    expect(decodePreKeyMessage(good)).toEqual(msg)
    const bad: Uint8Array[] = [
      encodePreKeyMessage({ ...msg, identityKey: msg.identityKey.subarray(1) }),
      encodePreKeyMessage({ ...msg, recipientIdentityKey: Uint8Array.of(...msg.recipientIdentityKey, 0) }),
      encodePreKeyMessage({ ...msg, baseKey: msg.baseKey.subarray(0, 31) }),
      encodePreKeyMessage({ ...msg, kemCiphertext: msg.kemCiphertext.subarray(1) }),
      encodePreKeyMessage({ ...msg, kemCiphertext: Uint8Array.of(...msg.kemCiphertext, 1) }),
      encodePreKeyMessage({ ...msg, message: new Uint8Array(0) }),
      good.subarray(0, good.length - 3),
      Uint8Array.of(0x08, 0x02, ...good.subarray(2)), // version 2
      Uint8Array.of(0xff, 0xff),
      new Uint8Array(0)
    ]
    for (const bytes of bad) {
      expect(() => decodePreKeyMessage(bytes)).toThrow(InvalidMessageError)
      expect(() => acceptPreKeyMessage(provider, bob.context, bytes)).toThrow(InvalidMessageError)
    }
    expect(good[0]).toBe(0x08) // field 1 (version), varint
    expect(good[1]).toBe(0x01)
  })
})
