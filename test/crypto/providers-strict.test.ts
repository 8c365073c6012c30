// Adversarial inputs: both providers must refuse exactly the same things, the same way.
import { describe, it, expect } from 'vitest'
import { ed25519, ED25519_TORSION_SUBGROUP, x25519 } from '@noble/curves/ed25519.js'
import { sha512 } from '@noble/hashes/sha2.js'
import { concat, fromHex, toHex } from '../../src/crypto/bytes.js'
import { DecryptionError, InvalidKeyError, LowOrderPointError } from '../../src/crypto/errors.js'
import { isLowOrderX25519 } from '../../src/crypto/low-order.js'
import { createProvider, nodeProvider, PROVIDER_NAMES } from '../../src/crypto/providers/index.js'
import type { CryptoProvider } from '../../src/crypto/provider.js'

const P = (1n << 255n) - 19n
const L = (1n << 252n) + 27742317777372353535851937790883648493n

function leBytes (value: bigint, length = 32): Uint8Array {
  const out = new Uint8Array(length)
  for (let i = 0; i < length; i++) {
    out[i] = Number(value & 0xffn)
    value >>= 8n
  }
  return out
}
function leInt (bytes: Uint8Array): bigint {
  let v = 0n
  for (let i = bytes.length - 1; i >= 0; i--) v = (v << 8n) | BigInt(bytes[i])
  return v
}
const mod = (a: bigint, m: bigint): bigint => ((a % m) + m) % m

// The small-order u-coordinates of Curve25519 and its twist (RFC 7748 section 6.1), found
// independently of src/crypto/low-order.ts: the order-8 points are the u of the Edwards
// torsion points of order 8, via u = (1 + y) / (1 - y).
function edwardsYToMontgomeryU (y: bigint): bigint {
  const inv = (a: bigint): bigint => {
    let result = 1n; let base = mod(a, P); let e = P - 2n
    while (e > 0n) { if ((e & 1n) === 1n) result = (result * base) % P; base = (base * base) % P; e >>= 1n }
    return result
  }
  return mod((1n + y) * inv(1n - y), P)
}
const torsionPoints = ED25519_TORSION_SUBGROUP.map((hex) => fromHex(hex))
const order8U = [...new Set(torsionPoints
  .map((bytes) => ed25519.Point.fromBytes(bytes))
  .filter((point) => !point.multiplyUnsafe(4n).is0())
  .map((point) => edwardsYToMontgomeryU(point.y)))]
const SMALL_ORDER_U = [0n, 1n, P - 1n, ...order8U]

/** Every 32-byte encoding of `u`: canonical, + p when it still fits in 255 bits, and each with the top bit set. */
function encodingsOf (u: bigint): Uint8Array[] {
  const values = [u]
  if (u + P < (1n << 255n)) values.push(u + P)
  return values.flatMap((v) => [leBytes(v), leBytes(v | (1n << 255n))])
}

/** Sign with explicit nonce point `R` (which may carry a torsion component) under public key bytes `A`. */
function forgeSignature (scalar: bigint, r: bigint, torsionR: Uint8Array | undefined, publicKey: Uint8Array, message: Uint8Array): Uint8Array {
  let R = ed25519.Point.BASE.multiply(r)
  if (torsionR !== undefined) R = R.add(ed25519.Point.fromBytes(torsionR))
  const Rbytes = R.toBytes()
  const k = mod(leInt(sha512(concat(Rbytes, publicKey, message))), L)
  return concat(Rbytes, leBytes(mod(r + k * scalar, L)))
}

describe('test setup', () => {
  it('finds the two order-8 u-coordinates, and every listed u is refused by noble itself', () => {
    expect(order8U).toHaveLength(2)
    const scalar = new Uint8Array(32).fill(0x42)
    for (const u of SMALL_ORDER_U) expect(() => x25519.getSharedSecret(scalar, leBytes(u))).toThrow()
  })

  it('isLowOrderX25519 flags exactly those u in every encoding (the first line, before the all-zero check)', () => {
    for (const u of SMALL_ORDER_U) {
      for (const encoding of encodingsOf(u)) expect(isLowOrderX25519(encoding), toHex(encoding)).toBe(true)
    }
    for (let u = 2n; u < 40n; u++) expect(isLowOrderX25519(leBytes(u))).toBe(false)
    const publicKey = x25519.getPublicKey(new Uint8Array(32).fill(0x42))
    expect(isLowOrderX25519(publicKey)).toBe(false)
  })
})

/** Each provider, and the node provider's OpenSSL X25519 (platforms without libsodium's addon). */
const STRICT_PROVIDERS: Array<[string, () => CryptoProvider]> = [
  ...PROVIDER_NAMES.map((name): [string, () => CryptoProvider] => [name, () => createProvider(name)]),
  ['node (OpenSSL X25519)', () => nodeProvider({ opensslX25519: true })]
]

describe.each(STRICT_PROVIDERS)('%s provider: strictness', (_label, makeProvider) => {
  const provider: CryptoProvider = makeProvider()
  const seed = fromHex('9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60')
  const publicKey = provider.ed25519PublicKey(seed)
  const message = new TextEncoder().encode('strict')
  const signature = provider.ed25519Sign(seed, message)

  it('accepts the honest signature (so the refusals below are meaningful)', () => {
    expect(provider.ed25519Verify(signature, message, publicKey)).toBe(true)
  })

  it('refuses S >= L: S = L, S + L, S = 2^256 - 1', () => {
    const s = leInt(signature.subarray(32))
    for (const badS of [L, s + L, (1n << 256n) - 1n]) {
      expect(provider.ed25519Verify(concat(signature.subarray(0, 32), leBytes(badS)), message, publicKey)).toBe(false)
    }
  })

  it('refuses non-canonical R and A (y + p, for the y values where that fits)', () => {
    for (let y = 0n; y < 19n; y++) {
      for (const sign of [0n, 1n << 255n]) {
        const nonCanonical = leBytes((y + P) | sign)
        expect(provider.ed25519Verify(concat(nonCanonical, signature.subarray(32)), message, publicKey)).toBe(false)
        expect(provider.ed25519Verify(signature, message, nonCanonical)).toBe(false)
      }
    }
  })

  it('refuses every small-order A, even with the signature (R = identity, S = 0) that a non-strict verifier accepts', () => {
    const identity = leBytes(1n)
    const trivial = concat(identity, new Uint8Array(32))
    expect(torsionPoints).toHaveLength(8)
    for (const A of torsionPoints) {
      // Under the cofactored equation [8][S]B = [8]R + [8][k]A this holds for every message.
      expect(ed25519.verify(trivial, message, A, { zip215: true })).toBe(true)
      expect(provider.ed25519Verify(trivial, message, A)).toBe(false)
      expect(provider.ed25519Verify(signature, message, A)).toBe(false)
    }
  })

  it('refuses R with a small-order component, which noble\'s cofactored verify accepts', () => {
    const { scalar, pointBytes } = ed25519.utils.getExtendedPublicKey(seed)
    for (const T of torsionPoints.slice(1)) {
      const forged = forgeSignature(scalar, 0x1234567n, T, pointBytes, message)
      expect(ed25519.verify(forged, message, pointBytes, { zip215: false })).toBe(true)
      expect(provider.ed25519Verify(forged, message, pointBytes)).toBe(false)
    }
    // Without the torsion component the same construction is an ordinary valid signature.
    expect(provider.ed25519Verify(forgeSignature(scalar, 0x1234567n, undefined, pointBytes, message), message, pointBytes)).toBe(true)
  })

  it('refuses wrong lengths and non-points without throwing', () => {
    expect(provider.ed25519Verify(signature.subarray(0, 63), message, publicKey)).toBe(false)
    expect(provider.ed25519Verify(concat(signature, Uint8Array.of(0)), message, publicKey)).toBe(false)
    expect(provider.ed25519Verify(signature, message, publicKey.subarray(0, 31))).toBe(false)
    expect(provider.ed25519Verify(signature, message, concat(publicKey, Uint8Array.of(0)))).toBe(false)
    expect(provider.ed25519Verify(new Uint8Array(0), message, publicKey)).toBe(false)
    // y = 2 is not on the curve.
    expect(provider.ed25519Verify(signature, message, leBytes(2n))).toBe(false)
    expect(provider.ed25519Verify(signature, 'strict' as unknown as Uint8Array, publicKey)).toBe(false)
  })

  it('refuses wrong-length Ed25519 seeds with InvalidKeyError', () => {
    expect(() => provider.ed25519PublicKey(new Uint8Array(31))).toThrow(InvalidKeyError)
    expect(() => provider.ed25519Sign(new Uint8Array(33), message)).toThrow(InvalidKeyError)
  })

  it('X25519 refuses every small-order u in every encoding with LowOrderPointError', () => {
    const privateKey = fromHex('77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a')
    let count = 0
    for (const u of SMALL_ORDER_U) {
      for (const encoding of encodingsOf(u)) {
        expect(() => provider.x25519(privateKey, encoding), toHex(encoding)).toThrow(LowOrderPointError)
        count++
      }
    }
    // 0 and 1 have a second encoding below 2^255; p - 1 and the order-8 points do not.
    expect(count).toBe(2 * 2 + 2 * 2 + 3 * 2)
  })

  it('X25519 refuses wrong lengths with InvalidKeyError', () => {
    const key = new Uint8Array(32).fill(9)
    expect(() => provider.x25519(key.subarray(0, 31), key)).toThrow(InvalidKeyError)
    expect(() => provider.x25519(key, concat(key, Uint8Array.of(1)))).toThrow(InvalidKeyError)
    expect(() => provider.x25519PublicKey(new Uint8Array(0))).toThrow(InvalidKeyError)
  })

  describe.each([
    ['ChaCha20-Poly1305', 12, (k: Uint8Array, n: Uint8Array, p: Uint8Array, a: Uint8Array) => provider.chacha20poly1305Seal(k, n, p, a),
      (k: Uint8Array, n: Uint8Array, c: Uint8Array, a: Uint8Array) => provider.chacha20poly1305Open(k, n, c, a)],
    ['XChaCha20-Poly1305', 24, (k: Uint8Array, n: Uint8Array, p: Uint8Array, a: Uint8Array) => provider.xchacha20poly1305Seal(k, n, p, a),
      (k: Uint8Array, n: Uint8Array, c: Uint8Array, a: Uint8Array) => provider.xchacha20poly1305Open(k, n, c, a)]
  ] as const)('%s tampering', (_aead, nonceLength, seal, open) => {
    const key = new Uint8Array(32).fill(7)
    const nonce = new Uint8Array(nonceLength).fill(3)
    const plaintext = new TextEncoder().encode('attack at dawn')
    const ad = Uint8Array.of(1, 2, 3)
    const sealed = seal(key, nonce, plaintext, ad)
    const flip = (bytes: Uint8Array, index: number): Uint8Array => {
      const copy = bytes.slice()
      copy[index] ^= 0x01
      return copy
    }

    it('opens the untampered message', () => {
      expect(open(key, nonce, sealed, ad)).toEqual(plaintext)
    })
    it('refuses a flipped bit in the ciphertext body, the tag, the AD, the nonce or the key', () => {
      expect(() => open(key, nonce, flip(sealed, 0), ad)).toThrow(DecryptionError)
      expect(() => open(key, nonce, flip(sealed, sealed.length - 1), ad)).toThrow(DecryptionError)
      expect(() => open(key, nonce, sealed, flip(ad, 0))).toThrow(DecryptionError)
      expect(() => open(key, nonce, sealed, new Uint8Array(0))).toThrow(DecryptionError)
      expect(() => open(key, flip(nonce, nonceLength - 1), sealed, ad)).toThrow(DecryptionError)
      expect(() => open(flip(key, 31), nonce, sealed, ad)).toThrow(DecryptionError)
    })
    it('refuses truncated and extended ciphertexts, down to nothing', () => {
      expect(() => open(key, nonce, sealed.subarray(0, sealed.length - 1), ad)).toThrow(DecryptionError)
      expect(() => open(key, nonce, concat(sealed, Uint8Array.of(0)), ad)).toThrow(DecryptionError)
      expect(() => open(key, nonce, sealed.subarray(0, 15), ad)).toThrow(DecryptionError)
      expect(() => open(key, nonce, new Uint8Array(0), ad)).toThrow(DecryptionError)
    })
    it('refuses wrong key and nonce lengths with InvalidKeyError', () => {
      expect(() => seal(key.subarray(1), nonce, plaintext, ad)).toThrow(InvalidKeyError)
      expect(() => seal(key, nonce.subarray(1), plaintext, ad)).toThrow(InvalidKeyError)
      expect(() => open(key, concat(nonce, Uint8Array.of(0)), sealed, ad)).toThrow(InvalidKeyError)
    })
    it('seals and opens an empty plaintext (tag only)', () => {
      const empty = seal(key, nonce, new Uint8Array(0), ad)
      expect(empty).toHaveLength(16)
      expect(open(key, nonce, empty, ad)).toEqual(new Uint8Array(0))
    })
  })
})
