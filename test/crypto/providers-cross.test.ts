// The node provider must give the noble provider's bytes for every method and input.
import { describe, it, expect } from 'vitest'
import fc from 'fast-check'
import { ed25519 } from '@noble/curves/ed25519.js'
import { fromHex, toHex } from '../../src/crypto/bytes.js'
import { deterministicRandom } from '../../src/crypto/deterministic-random.js'
import { DecryptionError, InvalidKeyError, InvalidMessageError } from '../../src/crypto/errors.js'
import { createProvider, nobleProvider, nodeProvider } from '../../src/crypto/providers/index.js'
import { x25519SodiumNative } from '../../src/crypto/providers/x25519-sodium-native.js'

const node = nodeProvider()
const noble = nobleProvider()
const RUNS = { numRuns: 40 }
const bytes = (length: number): fc.Arbitrary<Uint8Array> => fc.uint8Array({ minLength: length, maxLength: length })
const anyBytes = fc.uint8Array({ minLength: 0, maxLength: 300 })

describe('node and noble give identical bytes', () => {
  it('sha256, sha512, hmacSha256', () => {
    fc.assert(fc.property(anyBytes, anyBytes, (key, data) => {
      expect(node.sha256(data)).toEqual(noble.sha256(data))
      expect(node.sha512(data)).toEqual(noble.sha512(data))
      expect(node.hmacSha256(key, data)).toEqual(noble.hmacSha256(key, data))
    }), RUNS)
  })

  it('hkdfSha256, including empty salt and ikm, and info beyond 1024 bytes', () => {
    fc.assert(fc.property(anyBytes, anyBytes, fc.uint8Array({ maxLength: 1500 }), fc.integer({ min: 0, max: 300 }), (ikm, salt, info, length) => {
      expect(node.hkdfSha256(ikm, salt, info, length)).toEqual(noble.hkdfSha256(ikm, salt, info, length))
    }), RUNS)
  })

  it('x25519 runs on libsodium\'s native addon on this platform (the path the node provider takes)', () => {
    expect(x25519SodiumNative).toBeDefined()
  })

  it.each([
    ['libsodium\'s addon', node],
    ['OpenSSL', nodeProvider({ opensslX25519: true })]
  ])('x25519 public keys and agreement on %s, also for top-bit-set and non-canonical (u + p) public keys', (_engine, node) => {
    fc.assert(fc.property(bytes(32), bytes(32), (a, b) => {
      const publicB = noble.x25519PublicKey(b)
      expect(node.x25519PublicKey(b)).toEqual(publicB)
      expect(node.x25519(a, publicB)).toEqual(noble.x25519(a, publicB))
      const topBit = publicB.slice()
      topBit[31] |= 0x80
      expect(node.x25519(a, topBit)).toEqual(noble.x25519(a, topBit))
      // Masking the top bit is what RFC 7748 section 5 asks: same result as without it.
      expect(node.x25519(a, topBit)).toEqual(node.x25519(a, publicB))
    }), { numRuns: 20 })
    const privateKey = new Uint8Array(32).fill(0x55)
    for (let u = 2; u <= 18; u++) {
      const plain = new Uint8Array(32); plain[0] = u
      // u + p, little-endian: p = 2^255 - 19.
      const nonCanonical = fromHex('edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f')
      nonCanonical[0] += u
      expect(node.x25519(privateKey, nonCanonical)).toEqual(noble.x25519(privateKey, nonCanonical))
      expect(node.x25519(privateKey, nonCanonical)).toEqual(node.x25519(privateKey, plain))
    }
  })

  it('ed25519 public keys, signatures and verification', () => {
    fc.assert(fc.property(bytes(32), anyBytes, (seed, message) => {
      const publicKey = noble.ed25519PublicKey(seed)
      expect(node.ed25519PublicKey(seed)).toEqual(publicKey)
      const signature = noble.ed25519Sign(seed, message)
      expect(node.ed25519Sign(seed, message)).toEqual(signature)
      expect(node.ed25519Verify(signature, message, publicKey)).toBe(true)
      expect(noble.ed25519Verify(signature, message, publicKey)).toBe(true)
      const bad = signature.slice()
      bad[0] ^= 1
      expect(node.ed25519Verify(bad, message, publicKey)).toBe(noble.ed25519Verify(bad, message, publicKey))
    }), { numRuns: 20 })
  })

  it('ed25519 verification agrees on random garbage and on keys with a torsion component', () => {
    fc.assert(fc.property(bytes(64), bytes(32), anyBytes, (signature, publicKey, message) => {
      expect(node.ed25519Verify(signature, message, publicKey)).toBe(noble.ed25519Verify(signature, message, publicKey))
    }), RUNS)
    // A = aB + T8: the cofactorless equation holds only when k is a multiple of 8, and both
    // providers must agree message by message.
    const seed = new Uint8Array(32).fill(3)
    const { scalar, prefix } = ed25519.utils.getExtendedPublicKey(seed)
    const T8 = ed25519.Point.fromBytes(fromHex('c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a'))
    const mixedA = ed25519.Point.BASE.multiply(scalar).add(T8).toBytes()
    let accepted = 0
    for (let i = 0; i < 48; i++) {
      const message = Uint8Array.of(i)
      const signature = signWithKey(scalar, prefix, mixedA, message)
      const verdict = node.ed25519Verify(signature, message, mixedA)
      expect(noble.ed25519Verify(signature, message, mixedA)).toBe(verdict)
      if (verdict) accepted++
    }
    // About 1 in 8 are accepted (2 of these 48): both outcomes occur, and both agree.
    expect(accepted).toBeGreaterThan(0)
    expect(accepted).toBeLessThan(24)
  })

  it('chacha20poly1305 seal and open', () => {
    fc.assert(fc.property(bytes(32), bytes(12), anyBytes, anyBytes, (key, nonce, plaintext, ad) => {
      const sealed = noble.chacha20poly1305Seal(key, nonce, plaintext, ad)
      expect(node.chacha20poly1305Seal(key, nonce, plaintext, ad)).toEqual(sealed)
      expect(node.chacha20poly1305Open(key, nonce, sealed, ad)).toEqual(plaintext)
      expect(noble.chacha20poly1305Open(key, nonce, sealed, ad)).toEqual(plaintext)
    }), RUNS)
  })

  it('xchacha20poly1305 seal and open', () => {
    fc.assert(fc.property(bytes(32), bytes(24), anyBytes, anyBytes, (key, nonce, plaintext, ad) => {
      const sealed = noble.xchacha20poly1305Seal(key, nonce, plaintext, ad)
      expect(node.xchacha20poly1305Seal(key, nonce, plaintext, ad)).toEqual(sealed)
      expect(node.xchacha20poly1305Open(key, nonce, sealed, ad)).toEqual(plaintext)
    }), RUNS)
  })

  it('deterministic key generation: the same seed gives the same keys and randomness in both', () => {
    const seed = new TextEncoder().encode('murmur cross-provider keygen')
    const a = createProvider('node', { randomBytes: deterministicRandom(seed) })
    const b = createProvider('noble', { randomBytes: deterministicRandom(seed) })
    for (let i = 0; i < 3; i++) {
      expect(a.x25519GenerateKeyPair()).toEqual(b.x25519GenerateKeyPair())
      const kemA = a.mlkem768GenerateKeyPair()
      const kemB = b.mlkem768GenerateKeyPair()
      expect(kemA).toEqual(kemB)
      expect(a.mlkem768Encapsulate(kemA.publicKey)).toEqual(b.mlkem768Encapsulate(kemB.publicKey))
      expect(a.randomBytes(7)).toEqual(b.randomBytes(7))
    }
    // And the keys are really drawn from the source: a fresh source repeats the first pair.
    const first = createProvider('node', { randomBytes: deterministicRandom(seed) }).x25519GenerateKeyPair()
    expect(first.privateKey).toEqual(deterministicRandom(seed)(32))
  })
})

function signWithKey (scalar: bigint, prefix: Uint8Array, publicKey: Uint8Array, message: Uint8Array): Uint8Array {
  const L = ed25519.Point.Fn.ORDER
  const leInt = (b: Uint8Array): bigint => b.reduceRight((acc, byte) => (acc << 8n) | BigInt(byte), 0n)
  const r = leInt(noble.sha512(Uint8Array.of(...prefix, ...message))) % L
  const R = ed25519.Point.BASE.multiply(r).toBytes()
  const k = leInt(noble.sha512(Uint8Array.of(...R, ...publicKey, ...message))) % L
  const s = (r + k * scalar) % L
  const sBytes = new Uint8Array(32)
  let v = s
  for (let i = 0; i < 32; i++) { sBytes[i] = Number(v & 0xffn); v >>= 8n }
  return Uint8Array.of(...R, ...sBytes)
}

describe('ML-KEM-768 in both providers', () => {
  for (const provider of [node, noble]) {
    it(`${provider.name}: round trip, implicit rejection, length checks`, () => {
      const { publicKey, privateKey } = provider.mlkem768GenerateKeyPair()
      expect(publicKey).toHaveLength(1184)
      expect(privateKey).toHaveLength(2400)
      const { ciphertext, sharedSecret } = provider.mlkem768Encapsulate(publicKey)
      expect(ciphertext).toHaveLength(1088)
      expect(provider.mlkem768Decapsulate(ciphertext, privateKey)).toEqual(sharedSecret)
      const tampered = ciphertext.slice()
      tampered[0] ^= 1
      const rejected = provider.mlkem768Decapsulate(tampered, privateKey)
      expect(rejected).toHaveLength(32)
      expect(toHex(rejected)).not.toBe(toHex(sharedSecret))
      // Implicit rejection is deterministic, and identical across providers.
      expect(node.mlkem768Decapsulate(tampered, privateKey)).toEqual(noble.mlkem768Decapsulate(tampered, privateKey))
      expect(() => provider.mlkem768Encapsulate(publicKey.subarray(1))).toThrow(InvalidKeyError)
      expect(() => provider.mlkem768Decapsulate(ciphertext.subarray(1), privateKey)).toThrow(InvalidMessageError)
      expect(() => provider.mlkem768Decapsulate(ciphertext, privateKey.subarray(1))).toThrow(InvalidKeyError)
      // A public key whose coefficients are not reduced mod q (FIPS 203 section 7.2) is refused.
      const unreduced = publicKey.slice()
      unreduced.fill(0xff, 0, 3)
      expect(() => provider.mlkem768Encapsulate(unreduced)).toThrow(InvalidKeyError)
    })
  }

  it('an AEAD open failure stays a DecryptionError in both (no OpenSSL error leaks)', () => {
    const key = new Uint8Array(32)
    const nonce = new Uint8Array(12)
    for (const provider of [node, noble]) {
      expect(() => provider.chacha20poly1305Open(key, nonce, new Uint8Array(40), new Uint8Array(0))).toThrow(DecryptionError)
    }
  })
})
