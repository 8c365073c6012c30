import { describe, expect, it } from 'vitest'
import { InvalidBundleError } from '../../../src/crypto/errors.js'
import { identityFromSeed } from '../../../src/crypto/identity.js'
import {
  decodeBundle, encodeBundle, pqxdhInitiate, preKeySignedMessage, kemPreKeyLabel, verifyBundle,
  SIGNED_PREKEY_SIGNATURE_LABEL, type PreKeyBundle
} from '../../../src/crypto/pqxdh/index.js'
import { createProvider, PROVIDER_NAMES } from '../../../src/crypto/providers/index.js'
import { PreKeyBundle as WirePreKeyBundle } from '../../../src/wire/prekey.js'
import { LOW_ORDER_POINTS, makeOwner, seed } from './fixtures.js'

function reasonOf (fn: () => unknown): string {
  try {
    fn()
  } catch (err) {
    expect(err).toBeInstanceOf(InvalidBundleError)
    return (err as InvalidBundleError).reason
  }
  throw new Error('expected InvalidBundleError')
}

function clone (bundle: PreKeyBundle): PreKeyBundle {
  return decodeBundle(encodeBundle(bundle))
}

describe.each(PROVIDER_NAMES)('prekey bundles (%s)', (name) => {
  const provider = createProvider(name)
  const bob = makeOwner(provider, seed(2), { oneTime: 1, oneTimeKem: 1 })
  const full = bob.bundle()
  const utf8 = new TextEncoder()

  it('a fresh bundle verifies and survives encode/decode', () => {
    expect(() => { verifyBundle(provider, full, bob.identity.publicKey) }).not.toThrow()
    const decoded = decodeBundle(encodeBundle(full))
    expect(decoded).toEqual(full)
    const minimal = bob.bundle({ oneTime: false, oneTimeKem: false })
    expect(decodeBundle(encodeBundle(minimal))).toEqual(minimal)
    expect(minimal.oneTimePreKey).toBeUndefined()
    verifyBundle(provider, minimal)
  })

  it('the signed prekey signature covers label || u32be(id) || publicKey', () => {
    const message = preKeySignedMessage(utf8.encode(SIGNED_PREKEY_SIGNATURE_LABEL), full.signedPreKey.id, full.signedPreKey.publicKey)
    expect(message.length).toBe(23 + 4 + 32)
    expect(provider.ed25519Verify(full.signedPreKey.signature, message, full.identityKey)).toBe(true)
    // A different id breaks it: the id is bound.
    const other = { ...full, signedPreKey: { ...full.signedPreKey, id: full.signedPreKey.id + 1 } }
    expect(reasonOf(() => { verifyBundle(provider, other) })).toBe('signed-prekey-signature')
  })

  const stride = 1
  const signatures: Array<['signedPreKey' | 'lastResortKemPreKey' | 'oneTimeKemPreKey', string]> = [
    ['signedPreKey', 'signed-prekey-signature'],
    ['lastResortKemPreKey', 'kem-prekey-signature'],
    ['oneTimeKemPreKey', 'kem-prekey-signature']
  ]
  for (const [field, reason] of signatures) {
    it(`flipping any bit of the ${field} signature -> ${reason}`, () => {
      let checked = 0
      for (let bit = 0; bit < 512; bit += stride) {
        const bundle = clone(full)
        const key = bundle[field]
        if (key == null) throw new Error('fixture lacks ' + field)
        key.signature[bit >> 3] ^= 1 << (bit & 7)
        expect(reasonOf(() => { verifyBundle(provider, bundle) })).toBe(reason)
        checked++
      }
      expect(checked).toBe(Math.ceil(512 / stride))
    })
  }

  it('a bundle for another identity -> identity-mismatch; a swapped identity key -> signature failure', () => {
    const mallory = identityFromSeed(seed(9), provider)
    expect(reasonOf(() => { verifyBundle(provider, full, mallory.publicKey) })).toBe('identity-mismatch')
    const swapped = { ...clone(full), identityKey: mallory.publicKey }
    expect(reasonOf(() => { verifyBundle(provider, swapped) })).toBe('signed-prekey-signature')
  })

  it('KEM prekeys cannot change kind: the labels differ', () => {
    const b = clone(full)
    const oneTime = b.oneTimeKemPreKey
    if (oneTime == null) throw new Error('fixture')
    // A one-time KEM prekey passed off as the last-resort one, and the reverse.
    expect(reasonOf(() => { verifyBundle(provider, { ...b, lastResortKemPreKey: oneTime, oneTimeKemPreKey: undefined }) })).toBe('kem-prekey-signature')
    expect(reasonOf(() => { verifyBundle(provider, { ...b, oneTimeKemPreKey: b.lastResortKemPreKey }) })).toBe('kem-prekey-signature')
  })

  it('no post-quantum prekey -> missing-kem-prekey (no downgrade)', () => {
    const noKem = { ...clone(full) } as Partial<PreKeyBundle>
    delete noKem.lastResortKemPreKey
    expect(reasonOf(() => { verifyBundle(provider, noKem as PreKeyBundle) })).toBe('missing-kem-prekey')
    const wire = WirePreKeyBundle.decode(encodeBundle(full))
    delete wire.lastResortKemPreKey
    expect(reasonOf(() => decodeBundle(WirePreKeyBundle.encode(wire)))).toBe('missing-kem-prekey')
    // A one-time KEM prekey alone does not stand in for the last-resort one.
    expect(WirePreKeyBundle.decode(WirePreKeyBundle.encode(wire)).oneTimeKemPreKey).toBeDefined()
  })

  it('a properly signed but invalid ML-KEM key -> missing-kem-prekey at initiation', () => {
    const alice = identityFromSeed(seed(1), provider)
    const bad = clone(bob.bundle({ oneTime: false, oneTimeKem: false }))
    // First 12-bit coefficient = 0xfff >= q = 3329: fails the FIPS 203 §7.2 modulus check.
    bad.lastResortKemPreKey.publicKey[0] = 0xff
    bad.lastResortKemPreKey.publicKey[1] |= 0x0f
    bad.lastResortKemPreKey.signature = provider.ed25519Sign(bob.identity.seed,
      preKeySignedMessage(kemPreKeyLabel('last-resort'), bad.lastResortKemPreKey.id, bad.lastResortKemPreKey.publicKey))
    expect(() => { verifyBundle(provider, bad) }).not.toThrow()
    expect(reasonOf(() => pqxdhInitiate(provider, alice, bad))).toBe('missing-kem-prekey')
  })

  it('low-order X25519 keys (signed and one-time) -> low-order-key, even when signed', () => {
    for (const point of LOW_ORDER_POINTS) {
      const b = clone(full)
      b.signedPreKey.publicKey = point
      b.signedPreKey.signature = provider.ed25519Sign(bob.identity.seed, preKeySignedMessage(utf8.encode(SIGNED_PREKEY_SIGNATURE_LABEL), b.signedPreKey.id, point))
      expect(reasonOf(() => { verifyBundle(provider, b) })).toBe('low-order-key')
      const c = clone(full)
      c.oneTimePreKey = { id: 7, publicKey: point }
      expect(reasonOf(() => { verifyBundle(provider, c) })).toBe('low-order-key')
      expect(reasonOf(() => decodeBundle(encodeBundle(c)) && verifyBundle(provider, decodeBundle(encodeBundle(c))))).toBe('low-order-key')
    }
  })

  it('truncated and oversized fields -> field-length, from objects and from bytes', () => {
    const paths: Array<(b: PreKeyBundle) => { get: () => Uint8Array, set: (v: Uint8Array) => void }> = [
      (b) => ({ get: () => b.identityKey, set: (v) => { b.identityKey = v } }),
      (b) => ({ get: () => b.signedPreKey.publicKey, set: (v) => { b.signedPreKey.publicKey = v } }),
      (b) => ({ get: () => b.signedPreKey.signature, set: (v) => { b.signedPreKey.signature = v } }),
      (b) => ({ get: () => b.lastResortKemPreKey.publicKey, set: (v) => { b.lastResortKemPreKey.publicKey = v } }),
      (b) => ({ get: () => b.lastResortKemPreKey.signature, set: (v) => { b.lastResortKemPreKey.signature = v } }),
      (b) => ({ get: () => b.oneTimePreKey!.publicKey, set: (v) => { b.oneTimePreKey!.publicKey = v } }),
      (b) => ({ get: () => b.oneTimeKemPreKey!.publicKey, set: (v) => { b.oneTimeKemPreKey!.publicKey = v } }),
      (b) => ({ get: () => b.oneTimeKemPreKey!.signature, set: (v) => { b.oneTimeKemPreKey!.signature = v } })
    ]
    let cases = 0
    for (const path of paths) {
      for (const delta of [-1, 1]) {
        const b = clone(full)
        const field = path(b)
        const value = field.get()
        field.set(delta < 0 ? value.subarray(0, value.length - 1) : Uint8Array.of(...value, 0))
        expect(reasonOf(() => { verifyBundle(provider, b) })).toBe('field-length')
        expect(reasonOf(() => decodeBundle(encodeBundle(b)))).toBe('field-length')
        cases++
      }
    }
    expect(cases).toBe(16)
    // A missing signed prekey is a structural error too.
    const wire = WirePreKeyBundle.decode(encodeBundle(full))
    delete wire.signedPreKey
    expect(reasonOf(() => decodeBundle(WirePreKeyBundle.encode(wire)))).toBe('field-length')
  })

  it('garbage bytes -> malformed', () => {
    const encoded = encodeBundle(full)
    for (const garbage of [Uint8Array.of(0x0a, 0xff), Uint8Array.of(0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff), encoded.subarray(0, encoded.length - 10), Uint8Array.of(0x0f)]) {
      expect(reasonOf(() => decodeBundle(garbage))).toBe('malformed')
    }
  })
})
