/**
 * The `node` provider: native code where Node can reach it, the same bytes and typed errors as
 * `nobleProvider` for every input, because the same pre-checks (lengths, low-order points,
 * strict Ed25519 encodings) run before any engine sees the input.
 * - X25519: libsodium's native addon where its prebuilt binary loads (x25519-sodium-native.ts),
 *   OpenSSL elsewhere; Ed25519, SHA-2: OpenSSL.
 * - HMAC, HKDF, ChaCha20-Poly1305, XChaCha20-Poly1305 and ML-KEM-768: libsodium in WebAssembly
 *   once it has loaded and the inputs fit its arenas (hmac-sodium.ts, chacha-sodium.ts,
 *   mlkem-native.ts); OpenSSL (with noble's HChaCha20 for XChaCha) and noble's ML-KEM before
 *   that and for longer inputs.
 *
 * Speed of the OpenSSL paths: OpenSSL needs keys as KeyObjects. Importing raw keys through
 * PKCS#8/SPKI DER goes through OpenSSL 3's decoder framework (~3,000 private imports/s here);
 * JWK import builds the key straight from its raw bytes (~34,000/s). So keys are imported as
 * JWK (DER remains the fallback) and kept in small per-provider LRU caches keyed by the key's
 * content: ratchet state is copied on every step, so the same key arrives in new arrays, and a
 * cache keyed by content (rather than by array identity) is also immune to callers that reuse
 * or wipe a buffer. Private keys are looked up by a keyed hash of their bytes, never by the
 * bytes (caches.ts).
 */
import {
  createHash, createHmac, createPrivateKey, createPublicKey,
  diffieHellman, sign as nodeSign, verify as nodeVerify, type KeyObject
} from 'node:crypto'
import type { LRUCache } from 'lru-cache'
import { DecryptionError, InvalidKeyError, LowOrderPointError } from '../errors.js'
import { isAllZero, isLowOrderX25519 } from '../low-order.js'
import { checkEd25519Strict } from './ed25519-strict.js'
import { boundedCache, publicBytesKey } from './caches.js'
import { SecretKeyedCache } from './secret-keyed-cache.js'
import { mlkem768Native } from './mlkem-native.js'
import { hkdfSha256Sodium, hmacSha256Native } from './hmac-sodium.js'
import { pooledOsRandom } from './random-pool.js'
import { x25519SodiumNative } from './x25519-sodium-native.js'
import { assertHkdfLength, assertOpenOutput, assertSealOutput } from './noble.js'
import { chachaSealNative, chachaTryOpenNative } from './chacha-native.js'
import { xchachaOpenNative, xchachaSealNative, xchachaTryOpenNative } from './xchacha-native.js'
import {
  CHACHA_KEY_LENGTH, CHACHA_NONCE_LENGTH, ED25519_SEED_LENGTH, X25519_KEY_LENGTH,
  type CryptoProvider, type KeyPair, type RandomSource
} from '../provider.js'

export interface NodeProviderOptions {
  /** Replace the OS random source, e.g. with a deterministic one for known-answer vectors. */
  randomBytes?: RandomSource
  /** Entries per key cache (four caches: X25519 and Ed25519, private and public). Default 256. */
  keyCacheSize?: number
  /**
   * X25519 through OpenSSL even where libsodium's native addon loads (x25519-sodium-native.ts):
   * the path of platforms without it, which tests check against the default one. Default false.
   */
  opensslX25519?: boolean
}

type OkpCurve = 'X25519' | 'Ed25519'

/** Signed messages longer than this are not memoized (prekey messages are 1,200 bytes or less). */
const MAX_MEMO_MESSAGE_LENGTH = 2048

// DER prefixes of the RFC 8410 encodings, for the fallback import path.
const PKCS8_PREFIX: Record<OkpCurve, Uint8Array> = {
  X25519: Buffer.from('302e020100300506032b656e04220420', 'hex'),
  Ed25519: Buffer.from('302e020100300506032b657004220420', 'hex')
}
const SPKI_PREFIX: Record<OkpCurve, Uint8Array> = {
  X25519: Buffer.from('302a300506032b656e032100', 'hex'),
  Ed25519: Buffer.from('302a300506032b6570032100', 'hex')
}
// Node's JWK import demands an `x` member on private keys but derives the public key from
// `d` itself (EVP_PKEY_new_raw_private_key); the placeholder is never used. Should a later
// Node check it, the import throws and the DER path below takes over.
const PLACEHOLDER_X = Buffer.alloc(32).toString('base64url')

function asBuffer (bytes: Uint8Array): Buffer {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)
}

/**
 * A plain Uint8Array with the bytes of `buf`. Callers must not get a Buffer: Buffer#slice is
 * a view where Uint8Array#slice is a copy, and small Buffers share an 8 KiB pool.
 */
function toUint8Array (buf: Buffer): Uint8Array {
  if (buf.byteOffset === 0 && buf.byteLength === buf.buffer.byteLength) return new Uint8Array(buf.buffer)
  const out = new Uint8Array(buf.byteLength)
  out.set(buf)
  return out
}

function assertLength (bytes: Uint8Array, length: number, what: string): void {
  if (!(bytes instanceof Uint8Array) || bytes.length !== length) {
    throw new InvalidKeyError(`${what} must be ${length} bytes`)
  }
}

function importPrivateKey (curve: OkpCurve, raw: Uint8Array): KeyObject {
  try {
    return createPrivateKey({
      key: { kty: 'OKP', crv: curve, d: asBuffer(raw).toString('base64url'), x: PLACEHOLDER_X },
      format: 'jwk'
    })
  } catch {
    const der = Buffer.concat([PKCS8_PREFIX[curve], raw])
    return createPrivateKey({ key: der, format: 'der', type: 'pkcs8' })
  }
}

function importPublicKey (curve: OkpCurve, raw: Uint8Array): KeyObject {
  try {
    return createPublicKey({ key: { kty: 'OKP', crv: curve, x: asBuffer(raw).toString('base64url') }, format: 'jwk' })
  } catch {
    const der = Buffer.concat([SPKI_PREFIX[curve], raw])
    return createPublicKey({ key: der, format: 'der', type: 'spki' })
  }
}

/** The raw public key of a private KeyObject: a private key's JWK carries `x` (one export). */
function rawPublicKey (privateKey: KeyObject): Uint8Array {
  const jwk = privateKey.export({ format: 'jwk' })
  if (typeof jwk.x !== 'string') throw new InvalidKeyError('OpenSSL returned no public key')
  return toUint8Array(Buffer.from(jwk.x, 'base64url'))
}

/**
 * HKDF-SHA256 (RFC 5869 sections 2.2 and 2.3): libsodium's when it has loaded and the inputs fit
 * its arena (hmac-sodium.ts), else from node:crypto's HMAC rather than `crypto.hkdfSync`: the
 * latter refuses `info` longer than 1024 bytes, which noble accepts, and is slower for the
 * 32 to 96 bytes the ratchet asks for. An empty salt means HashLen zero bytes (section 2.2);
 * HMAC pads any key shorter than a block with zeros, so passing it empty is the same.
 */
function hkdfSha256 (ikm: Uint8Array, salt: Uint8Array, info: Uint8Array, length: number): Uint8Array {
  assertHkdfLength(length)
  const fast = hkdfSha256Sodium(ikm, salt, info, length)
  if (fast !== undefined) return fast
  const prk = createHmac('sha256', salt).update(ikm).digest()
  const out = new Uint8Array(length)
  let previous: Buffer = Buffer.alloc(0)
  for (let offset = 0, counter = 1; offset < length; counter++) {
    const block = createHmac('sha256', prk).update(previous).update(info).update(Uint8Array.of(counter)).digest()
    previous.fill(0)
    previous = block
    const take = Math.min(block.length, length - offset)
    out.set(block.subarray(0, take), offset)
    offset += take
  }
  // PRK and the T blocks are key material (a T block's tail past `length` is key material no
  // caller sees); wiped as noble's hkdf wipes its own.
  previous.fill(0)
  prk.fill(0)
  return out
}

export function nodeProvider (options: NodeProviderOptions = {}): CryptoProvider {
  // On the OS source random bytes come from a pool (random-pool.ts); a given source (vectors)
  // is called as given.
  const randomBytes: RandomSource = options.randomBytes ?? pooledOsRandom()
  const cacheSize = options.keyCacheSize ?? 256
  const x25519Sodium = options.opensslX25519 === true ? undefined : x25519SodiumNative

  const caches: Record<OkpCurve, { priv: SecretKeyedCache<KeyObject>, pub: LRUCache<string, KeyObject> }> = {
    X25519: { priv: new SecretKeyedCache(cacheSize), pub: boundedCache(cacheSize) },
    Ed25519: { priv: new SecretKeyedCache(cacheSize), pub: boundedCache(cacheSize) }
  }

  const cacheKey = publicBytesKey
  // Signatures that verified, keyed by (publicKey, signature, message): a contact's bundle
  // repeats its signed prekey and last-resort KEM prekey signatures in every fetch, and a
  // verification is the costliest step of a bundle check. Only successes are remembered, so a
  // bad signature is always checked in full; the key holds every input byte, so a hit is
  // exactly the same question.
  const verified = boundedCache<true>(cacheSize)

  function privateKeyObject (curve: OkpCurve, raw: Uint8Array): KeyObject {
    let keyObject = caches[curve].priv.get(raw)
    if (keyObject === undefined) {
      keyObject = importPrivateKey(curve, raw)
      caches[curve].priv.set(raw, keyObject)
    }
    return keyObject
  }

  function publicKeyObject (curve: OkpCurve, raw: Uint8Array): KeyObject {
    const key = cacheKey(raw)
    let keyObject = caches[curve].pub.get(key)
    if (keyObject === undefined) {
      keyObject = importPublicKey(curve, raw)
      caches[curve].pub.set(key, keyObject)
    }
    return keyObject
  }

  /** X25519(privateKey, 9): libsodium's from raw bytes where its addon loads, else OpenSSL's. */
  function x25519PublicKeyOf (privateKey: Uint8Array): Uint8Array {
    return x25519Sodium?.publicKey(privateKey) ?? rawPublicKey(privateKeyObject('X25519', privateKey))
  }

  const provider: CryptoProvider = {
    name: 'node',
    randomBytes,

    sha256: (data) => toUint8Array(createHash('sha256').update(data).digest()),
    sha512: (data) => toUint8Array(createHash('sha512').update(data).digest()),
    hmacSha256: hmacSha256Native,
    hkdfSha256,

    x25519GenerateKeyPair (): KeyPair {
      // The private key comes from `randomBytes`, not from OpenSSL's keygen: a deterministic
      // source must reproduce vectors, and on this Node (v20.20) `generateKeyPairSync('x25519')`
      // followed by an export of the key deadlocked (a futex wait, never returning) within a
      // few thousand calls in a loop. Both engines clamp the key as RFC 7748 section 5 says. On
      // the OpenSSL path the imported KeyObject stays in the cache for the agreements that
      // follow at once (the ratchet uses each new key immediately, Double Ratchet spec §3.5).
      const privateKey = randomBytes(X25519_KEY_LENGTH)
      assertLength(privateKey, X25519_KEY_LENGTH, 'X25519 private key')
      return { privateKey, publicKey: x25519PublicKeyOf(privateKey) }
    },
    x25519PublicKey (privateKey) {
      assertLength(privateKey, X25519_KEY_LENGTH, 'X25519 private key')
      return x25519PublicKeyOf(privateKey)
    },
    x25519 (privateKey, publicKey) {
      assertLength(privateKey, X25519_KEY_LENGTH, 'X25519 private key')
      assertLength(publicKey, X25519_KEY_LENGTH, 'X25519 public key')
      // RFC 7748 section 6.1: refuse small-order points before an engine sees them, exactly as
      // the noble provider does, so all fail with the same error.
      if (isLowOrderX25519(publicKey)) throw new LowOrderPointError()
      if (x25519Sodium !== undefined) {
        // libsodium refuses an all-zero result itself (agree gives undefined).
        const shared = x25519Sodium.agree(privateKey, publicKey)
        if (shared === undefined) throw new LowOrderPointError('X25519 agreement gave an all-zero result')
        return shared
      }
      let shared: Uint8Array
      try {
        shared = toUint8Array(diffieHellman({
          privateKey: privateKeyObject('X25519', privateKey),
          publicKey: publicKeyObject('X25519', publicKey)
        }))
      } catch {
        // OpenSSL fails the derivation when the result is all zeros.
        throw new LowOrderPointError('X25519 agreement gave an all-zero result')
      }
      if (isAllZero(shared)) throw new LowOrderPointError('X25519 agreement gave an all-zero result')
      return shared
    },

    ed25519PublicKey (seed) {
      assertLength(seed, ED25519_SEED_LENGTH, 'Ed25519 seed')
      return rawPublicKey(privateKeyObject('Ed25519', seed))
    },
    ed25519Sign (seed, message) {
      assertLength(seed, ED25519_SEED_LENGTH, 'Ed25519 seed')
      return toUint8Array(nodeSign(null, message, privateKeyObject('Ed25519', seed)))
    },
    ed25519Verify (signature, message, publicKey) {
      if (!checkEd25519Strict(signature, publicKey)) return false
      if (!(message instanceof Uint8Array)) return false
      const memoKey = message.length <= MAX_MEMO_MESSAGE_LENGTH ? cacheKey(publicKey) + cacheKey(signature) + cacheKey(message) : undefined
      if (memoKey !== undefined && verified.get(memoKey) === true) return true
      let valid: boolean
      try {
        // OpenSSL's equation is cofactorless ([S]B - [k]A encoded and compared with R).
        valid = nodeVerify(null, message, publicKeyObject('Ed25519', publicKey), signature)
      } catch {
        valid = false
      }
      if (valid && memoKey !== undefined) verified.set(memoKey, true)
      return valid
    },

    chacha20poly1305Seal (key, nonce, plaintext, ad) {
      assertLength(key, CHACHA_KEY_LENGTH, 'ChaCha20-Poly1305 key')
      assertLength(nonce, CHACHA_NONCE_LENGTH, 'ChaCha20-Poly1305 nonce')
      return chachaSealNative(key, nonce, plaintext, ad)
    },
    chacha20poly1305SealInto (key, nonce, plaintext, ad, output) {
      assertLength(key, CHACHA_KEY_LENGTH, 'ChaCha20-Poly1305 key')
      assertLength(nonce, CHACHA_NONCE_LENGTH, 'ChaCha20-Poly1305 nonce')
      assertSealOutput(plaintext, output)
      chachaSealNative(key, nonce, plaintext, ad, output)
    },
    chacha20poly1305Open (key, nonce, ciphertext, ad) {
      assertLength(key, CHACHA_KEY_LENGTH, 'ChaCha20-Poly1305 key')
      assertLength(nonce, CHACHA_NONCE_LENGTH, 'ChaCha20-Poly1305 nonce')
      const plaintext = chachaTryOpenNative(key, nonce, ciphertext, ad)
      if (plaintext === null) throw new DecryptionError()
      return plaintext
    },
    chacha20poly1305OpenInto (key, nonce, ciphertext, ad, output) {
      assertLength(key, CHACHA_KEY_LENGTH, 'ChaCha20-Poly1305 key')
      assertLength(nonce, CHACHA_NONCE_LENGTH, 'ChaCha20-Poly1305 nonce')
      assertOpenOutput(ciphertext, output)
      return chachaTryOpenNative(key, nonce, ciphertext, ad, output) !== null
    },
    xchacha20poly1305Seal: (key, nonce, plaintext, ad) => xchachaSealNative(key, nonce, plaintext, ad),
    xchacha20poly1305Open: (key, nonce, ciphertext, ad) => xchachaOpenNative(key, nonce, ciphertext, ad),
    xchacha20poly1305TryOpen: (key, nonce, ciphertext, ad) => xchachaTryOpenNative(key, nonce, ciphertext, ad),

    mlkem768GenerateKeyPair: () => mlkem768Native.generateKeyPair(randomBytes(64)),
    mlkem768Encapsulate: (publicKey) => mlkem768Native.encapsulate(publicKey, randomBytes(32)),
    mlkem768Decapsulate: (ciphertext, secretKey) => mlkem768Native.decapsulate(ciphertext, secretKey)
  }
  return provider
}
