// The speed-ups of the crypto core (non-throwing XChaCha open, pooled random bytes, prepared
// ML-KEM keys, memoized signature checks, cached identity conversions) must not change a byte
// or a verdict.
import { beforeAll, describe, it, expect } from 'vitest'
import fc from 'fast-check'
import { chacha20poly1305, xchacha20poly1305 } from '@noble/ciphers/chacha.js'
import { ml_kem768 } from '@noble/post-quantum/ml-kem.js'
import { ed25519 } from '@noble/curves/ed25519.js'
import { DecryptionError, InvalidKeyError } from '../../src/crypto/errors.js'
import { identityDhPublicKey } from '../../src/crypto/identity.js'
import { isLowOrderX25519, isLowOrderX25519Reference } from '../../src/crypto/low-order.js'
import { nobleProvider, nodeProvider } from '../../src/crypto/providers/index.js'
import type { CryptoProvider } from '../../src/crypto/provider.js'
import { mlkem768, MLKEM_PREPARED_CACHE_SIZE } from '../../src/crypto/providers/mlkem.js'
import { pooledOsRandom } from '../../src/crypto/providers/random-pool.js'
import { xchachaOpen, xchachaTryOpen } from '../../src/crypto/providers/xchacha.js'
import { xchachaOpenNative, xchachaSealNative, xchachaTryOpenNative } from '../../src/crypto/providers/xchacha-native.js'
import { chachaSealOpenSsl, chachaTryOpenOpenSsl } from '../../src/crypto/providers/chacha-native.js'
import { chachaSealSodium, chachaTryOpenSodium, SODIUM_MAX_AD, SODIUM_MAX_INPUT, sodiumFor, xchachaSealSodium, xchachaTryOpenSodium } from '../../src/crypto/providers/chacha-sodium.js'
import { sodiumReady } from '../../src/crypto/providers/sodium-module.js'
import { mlkem768Native } from '../../src/crypto/providers/mlkem-native.js'
import { mlkemDecapsulateSodium, mlkemEncapsulateSodium, mlkemKeyPairSodium, mlkemSodium } from '../../src/crypto/providers/mlkem-sodium.js'

const RUNS = { numRuns: 60 }
const bytes = (length: number): fc.Arbitrary<Uint8Array> => fc.uint8Array({ minLength: length, maxLength: length })

describe('xchachaTryOpen', () => {
  it('opens exactly what noble AEAD opens, and returns null where noble throws', () => {
    fc.assert(fc.property(bytes(32), bytes(24), fc.uint8Array({ maxLength: 200 }), fc.uint8Array({ maxLength: 100 }), fc.nat(), (key, nonce, plaintext, ad, flip) => {
      const sealed = xchacha20poly1305(key, nonce, ad).encrypt(plaintext)
      expect(xchachaTryOpen(key, nonce, sealed, ad)).toEqual(plaintext)
      expect(xchachaOpen(key, nonce, sealed, ad)).toEqual(plaintext)
      const tampered = sealed.slice()
      tampered[flip % tampered.length] ^= 1 << (flip % 8)
      expect(() => xchacha20poly1305(key, nonce, ad).decrypt(tampered)).toThrow()
      expect(xchachaTryOpen(key, nonce, tampered, ad)).toBeNull()
      expect(() => xchachaOpen(key, nonce, tampered, ad)).toThrow(DecryptionError)
      const wrongKey = key.slice()
      wrongKey[0] ^= 1
      expect(xchachaTryOpen(wrongKey, nonce, sealed, ad)).toBeNull()
    }), RUNS)
  })

  it('the native construction (HChaCha20 + OpenSSL ChaCha20-Poly1305) gives noble\'s bytes and verdicts', () => {
    fc.assert(fc.property(bytes(32), bytes(24), fc.uint8Array({ maxLength: 300 }), fc.uint8Array({ maxLength: 100 }), fc.nat(), (key, nonce, plaintext, ad, flip) => {
      const sealed = xchacha20poly1305(key, nonce, ad).encrypt(plaintext)
      expect(xchachaSealNative(key, nonce, plaintext, ad)).toEqual(sealed)
      expect(xchachaTryOpenNative(key, nonce, sealed, ad)).toEqual(plaintext)
      expect(xchachaOpenNative(key, nonce, sealed, ad)).toEqual(plaintext)
      const tampered = sealed.slice()
      tampered[flip % tampered.length] ^= 1 << (flip % 8)
      expect(xchachaTryOpenNative(key, nonce, tampered, ad)).toBeNull()
      expect(() => xchachaOpenNative(key, nonce, tampered, ad)).toThrow(DecryptionError)
    }), RUNS)
    expect(xchachaTryOpenNative(new Uint8Array(32), new Uint8Array(24), new Uint8Array(15), new Uint8Array(0))).toBeNull()
    // Unaligned key and nonce (views at odd offsets, as in a parsed message), and inputs unchanged.
    const backing = new Uint8Array(1 + 32 + 24).map((_, i) => i * 13)
    const key = backing.subarray(1, 33)
    const nonce = backing.subarray(33)
    const before = backing.slice()
    const sealed = xchachaSealNative(key, nonce, Uint8Array.of(1, 2), Uint8Array.of(3))
    expect(sealed).toEqual(xchacha20poly1305(key.slice(), nonce.slice(), Uint8Array.of(3)).encrypt(Uint8Array.of(1, 2)))
    expect(xchachaOpenNative(key, nonce, sealed, Uint8Array.of(3))).toEqual(Uint8Array.of(1, 2))
    expect(backing).toEqual(before)
    expect(() => xchachaSealNative(new Uint8Array(32), new Uint8Array(23), new Uint8Array(0), new Uint8Array(0))).toThrow(InvalidKeyError)
  })

  it('returns null for a too-short ciphertext and throws InvalidKeyError on bad lengths', () => {
    expect(xchachaTryOpen(new Uint8Array(32), new Uint8Array(24), new Uint8Array(15), new Uint8Array(0))).toBeNull()
    expect(() => xchachaTryOpen(new Uint8Array(31), new Uint8Array(24), new Uint8Array(16), new Uint8Array(0))).toThrow(InvalidKeyError)
    expect(() => xchachaTryOpen(new Uint8Array(32), new Uint8Array(12), new Uint8Array(16), new Uint8Array(0))).toThrow(InvalidKeyError)
  })

  it('is what both providers expose', () => {
    for (const provider of [nodeProvider(), nobleProvider()]) {
      const key = provider.randomBytes(32)
      const nonce = provider.randomBytes(24)
      const sealed = provider.xchacha20poly1305Seal(key, nonce, Uint8Array.of(1, 2, 3), Uint8Array.of(9))
      expect(provider.xchacha20poly1305TryOpen?.(key, nonce, sealed, Uint8Array.of(9))).toEqual(Uint8Array.of(1, 2, 3))
      expect(provider.xchacha20poly1305TryOpen?.(key, nonce, sealed, Uint8Array.of(8))).toBeNull()
    }
  })
})

describe('two AEAD engines in the node provider (libsodium for short inputs, OpenSSL for long ones)', () => {
  beforeAll(async () => { await sodiumReady })

  // Lengths on both sides of the switch, and the switch itself.
  const LENGTHS = [0, 1, 40, 150, SODIUM_MAX_INPUT - 1, SODIUM_MAX_INPUT, SODIUM_MAX_INPUT + 1, 3 * SODIUM_MAX_INPUT]

  it('libsodium is loaded and chosen only up to the switch', () => {
    expect(sodiumFor(SODIUM_MAX_INPUT)).toBeDefined()
    expect(sodiumFor(SODIUM_MAX_INPUT + 1)).toBeUndefined()
  })

  it('each engine, and the provider that chooses between them, gives noble\'s bytes and verdicts at every length', () => {
    const sodium = sodiumFor(0)
    if (sodium === undefined) throw new Error('libsodium did not load')
    const provider = nodeProvider()
    for (const length of LENGTHS) {
      const key = provider.randomBytes(32)
      const nonce12 = provider.randomBytes(12)
      const nonce24 = provider.randomBytes(24)
      const plaintext = provider.randomBytes(length)
      const ad = provider.randomBytes(length % 70)
      const expected = chacha20poly1305(key, nonce12, ad).encrypt(plaintext)
      const expectedX = xchacha20poly1305(key, nonce24, ad).encrypt(plaintext)
      expect(chachaSealSodium(sodium, key, nonce12, plaintext, ad)).toEqual(expected)
      expect(chachaSealOpenSsl(key, nonce12, plaintext, ad)).toEqual(expected)
      expect(provider.chacha20poly1305Seal(key, nonce12, plaintext, ad)).toEqual(expected)
      expect(xchachaSealSodium(sodium, key, nonce24, plaintext, ad)).toEqual(expectedX)
      expect(provider.xchacha20poly1305Seal(key, nonce24, plaintext, ad)).toEqual(expectedX)
      expect(chachaTryOpenSodium(sodium, key, nonce12, expected, ad)).toEqual(plaintext)
      expect(chachaTryOpenOpenSsl(key, nonce12, expected, ad)).toEqual(plaintext)
      expect(provider.chacha20poly1305Open(key, nonce12, expected, ad)).toEqual(plaintext)
      expect(xchachaTryOpenSodium(sodium, key, nonce24, expectedX, ad)).toEqual(plaintext)
      expect(provider.xchacha20poly1305Open(key, nonce24, expectedX, ad)).toEqual(plaintext)
      // A changed byte anywhere (body, tag, associated data) is refused by both engines.
      for (const at of [0, Math.floor(expected.length / 2), expected.length - 1]) {
        const tampered = expected.slice()
        tampered[at] ^= 0x20
        expect(chachaTryOpenSodium(sodium, key, nonce12, tampered, ad)).toBeNull()
        expect(chachaTryOpenOpenSsl(key, nonce12, tampered, ad)).toBeNull()
        expect(() => provider.chacha20poly1305Open(key, nonce12, tampered, ad)).toThrow(DecryptionError)
        const tamperedX = expectedX.slice()
        tamperedX[at] ^= 0x20
        expect(xchachaTryOpenSodium(sodium, key, nonce24, tamperedX, ad)).toBeNull()
        expect(provider.xchacha20poly1305TryOpen?.(key, nonce24, tamperedX, ad)).toBeNull()
      }
      const otherAd = Uint8Array.of(...ad, 1)
      expect(chachaTryOpenSodium(sodium, key, nonce12, expected, otherAd)).toBeNull()
      expect(xchachaTryOpenSodium(sodium, key, nonce24, expectedX, otherAd)).toBeNull()
    }
  })

  /** Both providers, every length: a key, a nonce, a plaintext of that length, and some associated data. */
  function * aeadCases (): Generator<{ provider: CryptoProvider, length: number, key: Uint8Array, nonce: Uint8Array, plaintext: Uint8Array, ad: Uint8Array }> {
    for (const provider of [nodeProvider(), nobleProvider()]) {
      for (const length of LENGTHS) {
        yield { provider, length, key: provider.randomBytes(32), nonce: provider.randomBytes(12), plaintext: provider.randomBytes(length), ad: provider.randomBytes(length % 70) }
      }
    }
  }

  it('seals into a given output (chacha20poly1305SealInto) the same bytes as a seal, in both providers, at every length', () => {
    for (const { provider, length, key, nonce, plaintext, ad } of aeadCases()) {
      // The output as the store passes it: a view behind other bytes, which stay as they were.
      const stored = new Uint8Array(13 + length + 16).fill(0xee)
      provider.chacha20poly1305SealInto?.(key, nonce, plaintext, ad, stored.subarray(13))
      expect(stored.subarray(13)).toEqual(chacha20poly1305(key, nonce, ad).encrypt(plaintext))
      expect(stored.subarray(0, 13).every(b => b === 0xee)).toBe(true)
      // A wrong output length is a RangeError, and nothing is written.
      const short = new Uint8Array(length + 15)
      expect(() => provider.chacha20poly1305SealInto?.(key, nonce, plaintext, ad, short)).toThrow(RangeError)
      expect(short.every(b => b === 0)).toBe(true)
    }
  })

  it('opens into a given output (chacha20poly1305OpenInto) the same bytes as an open, in both providers, at every length; a forgery writes nothing', () => {
    for (const { provider, length, key, nonce, plaintext, ad } of aeadCases()) {
      const sealed = chacha20poly1305(key, nonce, ad).encrypt(plaintext)
      // A view behind other bytes, as a slice of a pool is: those stay as they were.
      const pool = new Uint8Array(7 + length).fill(0xee)
      expect(provider.chacha20poly1305OpenInto?.(key, nonce, sealed, ad, pool.subarray(7))).toBe(true)
      expect(pool.subarray(7)).toEqual(plaintext)
      expect(pool.subarray(0, 7).every(b => b === 0xee)).toBe(true)
      // A changed byte (of the ciphertext, or of the tag) opens nothing and writes nothing.
      const forged = sealed.slice()
      forged[(length * 7) % forged.length] ^= 0x01
      const untouched = new Uint8Array(length).fill(0x5a)
      expect(provider.chacha20poly1305OpenInto?.(key, nonce, forged, ad, untouched)).toBe(false)
      expect(untouched.every(b => b === 0x5a)).toBe(true)
      // A wrong output length is a RangeError, and nothing is written.
      const long = new Uint8Array(length + 1)
      expect(() => provider.chacha20poly1305OpenInto?.(key, nonce, sealed, ad, long)).toThrow(RangeError)
      expect(long.every(b => b === 0)).toBe(true)
      // Shorter than a tag: a RangeError too (there is no plaintext length to give).
      expect(() => provider.chacha20poly1305OpenInto?.(key, nonce, new Uint8Array(15), ad, new Uint8Array(0))).toThrow(RangeError)
    }
  })

  it('sends associated data longer than its arena holds to OpenSSL, with the same bytes', () => {
    expect(sodiumFor(10, SODIUM_MAX_AD)).toBeDefined()
    expect(sodiumFor(10, SODIUM_MAX_AD + 1)).toBeUndefined()
    const provider = nodeProvider()
    const key = provider.randomBytes(32)
    const nonce12 = provider.randomBytes(12)
    const nonce24 = provider.randomBytes(24)
    const plaintext = provider.randomBytes(150)
    const ad = provider.randomBytes(SODIUM_MAX_AD + 1)
    const expected = chacha20poly1305(key, nonce12, ad).encrypt(plaintext)
    const expectedX = xchacha20poly1305(key, nonce24, ad).encrypt(plaintext)
    expect(provider.chacha20poly1305Seal(key, nonce12, plaintext, ad)).toEqual(expected)
    expect(provider.chacha20poly1305Open(key, nonce12, expected, ad)).toEqual(plaintext)
    expect(provider.xchacha20poly1305Seal(key, nonce24, plaintext, ad)).toEqual(expectedX)
    expect(provider.xchacha20poly1305Open(key, nonce24, expectedX, ad)).toEqual(plaintext)
  })

  it('leaves no key, plaintext or ciphertext in libsodium\'s memory after a call', () => {
    const sodium = sodiumFor(0)
    if (sodium === undefined) throw new Error('libsodium did not load')
    const key = new Uint8Array(32).fill(0xa5)
    const nonce = new Uint8Array(12).fill(7)
    const plaintext = new Uint8Array(300).fill(0x5a)
    const arena = (): Uint8Array => sodium.module.HEAPU8.slice(sodium.key, sodium.output + SODIUM_MAX_INPUT + 16)
    const keyAndData = (bytes: Uint8Array): Uint8Array => Uint8Array.of(...bytes.subarray(0, 32), ...bytes.subarray(sodium.input - sodium.key))
    const sealed = chachaSealSodium(sodium, key, nonce, plaintext, new Uint8Array(0))
    expect(keyAndData(arena()).every(b => b === 0)).toBe(true)
    expect(chachaTryOpenSodium(sodium, key, nonce, sealed, new Uint8Array(0))).toEqual(plaintext)
    expect(keyAndData(arena()).every(b => b === 0)).toBe(true)
    sealed[0] ^= 1
    expect(chachaTryOpenSodium(sodium, key, nonce, sealed, new Uint8Array(0))).toBeNull()
    expect(keyAndData(arena()).every(b => b === 0)).toBe(true)
  })

  it('returns fresh arrays: a later call does not change an earlier result', () => {
    const sodium = sodiumFor(0)
    if (sodium === undefined) throw new Error('libsodium did not load')
    const key = new Uint8Array(32).fill(1)
    const nonce = new Uint8Array(12)
    const first = chachaSealSodium(sodium, key, nonce, new Uint8Array(64).fill(2), new Uint8Array(0))
    const copy = first.slice()
    chachaSealSodium(sodium, key, nonce, new Uint8Array(64).fill(3), new Uint8Array(0))
    chachaTryOpenSodium(sodium, key, nonce, first, new Uint8Array(0))
    expect(first).toEqual(copy)
    expect(first.buffer.byteLength).toBe(first.byteLength)
  })
})

describe('two ML-KEM-768 engines in the node provider (libsodium once loaded, noble before and in the noble provider)', () => {
  beforeAll(async () => { await sodiumReady })

  const engine = (): NonNullable<ReturnType<typeof mlkemSodium>> => {
    const e = mlkemSodium()
    if (e === undefined) throw new Error('libsodium did not load')
    return e
  }

  it('gives noble\'s keys, ciphertexts and secrets from the same randomness, implicit rejection included', () => {
    fc.assert(fc.property(bytes(64), bytes(32), fc.nat(1087), (seed, message, flip) => {
      const noble = ml_kem768.keygen(seed)
      const ours = mlkemKeyPairSodium(engine(), seed)
      expect(ours.publicKey).toEqual(noble.publicKey)
      expect(ours.secretKey).toEqual(noble.secretKey)
      const expected = ml_kem768.encapsulate(noble.publicKey, message)
      const encapsulated = mlkemEncapsulateSodium(engine(), noble.publicKey, message)
      expect(encapsulated?.ciphertext).toEqual(expected.cipherText)
      expect(encapsulated?.sharedSecret).toEqual(expected.sharedSecret)
      expect(mlkemDecapsulateSodium(engine(), expected.cipherText, noble.secretKey)).toEqual(expected.sharedSecret)
      // A changed ciphertext decapsulates to the same pseudorandom secret in both (FIPS 203 §6.3).
      const tampered = expected.cipherText.slice()
      tampered[flip] ^= 1
      const rejected = ml_kem768.decapsulate(tampered, noble.secretKey)
      expect(rejected).not.toEqual(expected.sharedSecret)
      expect(mlkem768Native.decapsulate(tampered, noble.secretKey)).toEqual(rejected)
    }), { numRuns: 20 })
  })

  it('refuses the same bad keys as noble, with the same typed errors', () => {
    const { publicKey, secretKey } = ml_kem768.keygen(new Uint8Array(64).fill(5))
    // A coefficient of 4095 (>= q) fails the encapsulation key's modulus check (FIPS 203 §7.2).
    const badPublic = publicKey.slice()
    badPublic[0] = 0xff
    badPublic[1] |= 0x0f
    // A changed H(ek) fails the decapsulation key's hash check (§7.3).
    const badSecret = secretKey.slice()
    badSecret[384 * 3 + 1184 + 3] ^= 1
    const { cipherText } = ml_kem768.encapsulate(publicKey, new Uint8Array(32))
    for (const kem of [mlkem768Native, mlkem768]) {
      expect(() => kem.encapsulate(badPublic, new Uint8Array(32))).toThrow(InvalidKeyError)
      expect(() => kem.encapsulate(publicKey.subarray(1), new Uint8Array(32))).toThrow(InvalidKeyError)
      expect(() => kem.decapsulate(cipherText, badSecret)).toThrow(InvalidKeyError)
      expect(() => kem.generateKeyPair(new Uint8Array(32))).toThrow(InvalidKeyError)
      expect(() => kem.encapsulate(publicKey, new Uint8Array(16))).toThrow(InvalidKeyError)
      expect(kem.decapsulate(cipherText, secretKey)).toEqual(ml_kem768.decapsulate(cipherText, secretKey))
    }
    expect(mlkemEncapsulateSodium(engine(), badPublic, new Uint8Array(32))).toBeUndefined()
  })

  it('leaves no secret key, seed or shared secret in libsodium\'s memory after a call', () => {
    const e = engine()
    const secretsZero = (): boolean => e.module.HEAPU8.subarray(e.secretKey, e.secretKey + 2400).every(b => b === 0) &&
      e.module.HEAPU8.subarray(e.sharedSecret, e.seed + 64).every(b => b === 0)
    const { publicKey, secretKey } = mlkemKeyPairSodium(e, new Uint8Array(64).fill(9))
    expect(secretsZero()).toBe(true)
    const encapsulated = mlkemEncapsulateSodium(e, publicKey, new Uint8Array(32).fill(3))
    expect(secretsZero()).toBe(true)
    if (encapsulated === undefined) throw new Error('encapsulation refused a valid key')
    expect(mlkemDecapsulateSodium(e, encapsulated.ciphertext, secretKey)).toEqual(encapsulated.sharedSecret)
    expect(secretsZero()).toBe(true)
  })
})

describe('pooled OS random source', () => {
  it('gives the requested lengths, never the same bytes twice, and fresh arrays', () => {
    const random = pooledOsRandom()
    const seen = new Set<string>()
    // Enough 24-byte draws to wrap the 4 KiB pool several times.
    for (let i = 0; i < 1000; i++) {
      const out = random(24)
      expect(out).toBeInstanceOf(Uint8Array)
      expect(out.length).toBe(24)
      expect(out.byteOffset).toBe(0)
      expect(out.buffer.byteLength).toBe(24)
      const hex = Buffer.from(out).toString('hex')
      expect(seen.has(hex)).toBe(false)
      seen.add(hex)
    }
    expect(random(0).length).toBe(0)
    expect(random(5000).length).toBe(5000)
    expect(() => random(-1)).toThrow(RangeError)
    expect(() => random(1.5)).toThrow(RangeError)
  })

  it('is not all zeros (the pool is filled before use)', () => {
    const random = pooledOsRandom()
    let nonZero = 0
    for (let i = 0; i < 10; i++) nonZero += random(32).filter((b) => b !== 0).length
    expect(nonZero).toBeGreaterThan(250)
  })
})

describe('prepared ML-KEM keys', () => {
  it('encapsulate and decapsulate give the one-shot bytes, on first use and on cache hits', () => {
    const { publicKey, secretKey } = ml_kem768.keygen(new Uint8Array(64).fill(7))
    for (let i = 0; i < 3; i++) {
      const m = new Uint8Array(32).fill(i)
      const oneShot = ml_kem768.encapsulate(publicKey, m)
      const ours = mlkem768.encapsulate(publicKey, m)
      expect(ours.ciphertext).toEqual(oneShot.cipherText)
      expect(ours.sharedSecret).toEqual(oneShot.sharedSecret)
      expect(mlkem768.decapsulate(ours.ciphertext, secretKey)).toEqual(ml_kem768.decapsulate(oneShot.cipherText, secretKey))
      // Implicit rejection is unchanged too.
      const forged = ours.ciphertext.slice()
      forged[0] ^= 1
      expect(mlkem768.decapsulate(forged, secretKey)).toEqual(ml_kem768.decapsulate(forged, secretKey))
    }
  })

  it('still refuses an invalid encapsulation key after many others filled the cache', () => {
    const bad = new Uint8Array(1184).fill(0xff)
    expect(() => mlkem768.encapsulate(bad, new Uint8Array(32))).toThrow(InvalidKeyError)
    for (let i = 0; i < MLKEM_PREPARED_CACHE_SIZE + 2; i++) {
      const { publicKey } = ml_kem768.keygen(new Uint8Array(64).fill(i + 20))
      mlkem768.encapsulate(publicKey, new Uint8Array(32))
    }
    expect(() => mlkem768.encapsulate(bad, new Uint8Array(32))).toThrow(InvalidKeyError)
  })

  it('a secret key whose embedded ek hash is corrupted is refused as before', () => {
    const { publicKey, secretKey } = ml_kem768.keygen(new Uint8Array(64).fill(3))
    const { ciphertext } = mlkem768.encapsulate(publicKey, new Uint8Array(32))
    const corrupted = secretKey.slice()
    corrupted[2400 - 40] ^= 1 // inside H(ek)
    expect(() => ml_kem768.decapsulate(ciphertext, corrupted)).toThrow()
    expect(() => mlkem768.decapsulate(ciphertext, corrupted)).toThrow()
  })
})

describe('memoized Ed25519 verification (node provider)', () => {
  it('a verified signature stays valid, and any changed byte is still refused', () => {
    const node = nodeProvider()
    const seed = node.randomBytes(32)
    const publicKey = node.ed25519PublicKey(seed)
    const message = node.randomBytes(1200)
    const signature = node.ed25519Sign(seed, message)
    for (let i = 0; i < 3; i++) expect(node.ed25519Verify(signature, message, publicKey)).toBe(true)
    const otherMessage = message.slice()
    otherMessage[1199] ^= 1
    expect(node.ed25519Verify(signature, otherMessage, publicKey)).toBe(false)
    const otherSignature = signature.slice()
    otherSignature[5] ^= 1
    expect(node.ed25519Verify(otherSignature, message, publicKey)).toBe(false)
    const otherKey = node.ed25519PublicKey(node.randomBytes(32))
    expect(node.ed25519Verify(signature, message, otherKey)).toBe(false)
    // Same verdicts as the reference.
    expect(ed25519.verify(signature, message, publicKey)).toBe(true)
  })
})

describe('cached X25519 form of identity keys', () => {
  it('returns the same bytes each time in fresh arrays that callers may overwrite', () => {
    const identityKey = ed25519.getPublicKey(new Uint8Array(32).fill(5))
    const first = identityDhPublicKey(identityKey)
    expect(first).toEqual(ed25519.utils.toMontgomery(identityKey))
    first.fill(0)
    const second = identityDhPublicKey(identityKey)
    expect(second).toEqual(ed25519.utils.toMontgomery(identityKey))
    expect(second).not.toBe(first)
  })

  it('still refuses invalid keys', () => {
    const smallOrder = new Uint8Array(32)
    smallOrder[0] = 1 // the identity point
    expect(() => identityDhPublicKey(smallOrder)).toThrow(InvalidKeyError)
    expect(() => identityDhPublicKey(smallOrder)).toThrow(InvalidKeyError)
  })
})

describe('small-order check by lookup', () => {
  it('agrees with the BigInt definition on random keys and on every small-order encoding with one bit flipped', () => {
    fc.assert(fc.property(bytes(32), (key) => {
      expect(isLowOrderX25519(key)).toBe(isLowOrderX25519Reference(key))
    }), { numRuns: 500 })
    const P = (1n << 255n) - 19n
    const small = [0n, 1n, P - 1n,
      325606250916557431795983626356110631294008115727848805560023387167927233504n,
      39382357235489614581723060781553021112529911719440698176882885853963445705823n]
    let flagged = 0
    for (const u of small) {
      for (const value of [u, u + P, u | (1n << 255n), (u + P) | (1n << 255n)]) {
        if (value >= 1n << 256n) continue
        const encoding = new Uint8Array(32)
        for (let i = 0; i < 32; i++) encoding[i] = Number((value >> BigInt(8 * i)) & 0xffn)
        expect(isLowOrderX25519(encoding)).toBe(isLowOrderX25519Reference(encoding))
        if (isLowOrderX25519(encoding)) flagged++
        // A view at an odd offset gives the same verdict.
        const backing = new Uint8Array(33)
        backing.set(encoding, 1)
        expect(isLowOrderX25519(backing.subarray(1))).toBe(isLowOrderX25519(encoding))
        for (let bit = 0; bit < 256; bit += 37) {
          const flipped = encoding.slice()
          flipped[bit >> 3] ^= 1 << (bit & 7)
          expect(isLowOrderX25519(flipped)).toBe(isLowOrderX25519Reference(flipped))
        }
      }
    }
    expect(flagged).toBeGreaterThanOrEqual(14)
  })
})

describe('supported library paths only', () => {
  it('imports no private (underscore) module of @noble/* anywhere in src/', async () => {
    const { readdir, readFile } = await import('node:fs/promises')
    const { join } = await import('node:path')
    const root = join(import.meta.dirname, '../../src')
    const offenders: string[] = []
    const files = await readdir(root, { recursive: true })
    for (const file of files) {
      if (!file.endsWith('.ts')) continue
      const text = await readFile(join(root, file), 'utf8')
      if (/from '@noble\/[a-z-]+\/_/.test(text)) offenders.push(file)
    }
    expect(files.length).toBeGreaterThan(50) // the walk saw the tree
    expect(offenders).toEqual([])
  })
})
