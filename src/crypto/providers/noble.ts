/**
 * The `noble` provider: pure JavaScript from @noble/curves, @noble/ciphers, @noble/hashes and
 * @noble/post-quantum. It runs anywhere (browsers too) and is the reference the `node`
 * provider is checked against byte for byte.
 */
import { chacha20poly1305 } from '@noble/ciphers/chacha.js'
import { ed25519, x25519 } from '@noble/curves/ed25519.js'
import { hkdf } from '@noble/hashes/hkdf.js'
import { hmac } from '@noble/hashes/hmac.js'
import { sha256, sha512 } from '@noble/hashes/sha2.js'
import { randomBytes as osRandomBytes } from '@noble/hashes/utils.js'
import { DecryptionError, InvalidKeyError, LowOrderPointError } from '../errors.js'
import { isAllZero, isLowOrderX25519 } from '../low-order.js'
import { checkEd25519Strict, verifyEd25519Cofactorless } from './ed25519-strict.js'
import { mlkem768 } from './mlkem.js'
import { xchachaOpen, xchachaSeal, xchachaTryOpen } from './xchacha.js'
import {
  AEAD_TAG_LENGTH, CHACHA_KEY_LENGTH, CHACHA_NONCE_LENGTH, X25519_KEY_LENGTH,
  type CryptoProvider, type KeyPair, type RandomSource
} from '../provider.js'

export interface NobleProviderOptions {
  /** Replace the OS random source, e.g. with a deterministic one for known-answer vectors. */
  randomBytes?: RandomSource
}

function assertLength (bytes: Uint8Array, length: number, what: string): void {
  if (!(bytes instanceof Uint8Array) || bytes.length !== length) {
    throw new InvalidKeyError(`${what} must be ${length} bytes`)
  }
}

/** RFC 5869 section 2.3: L <= 255 * HashLen. Both providers throw the same RangeError. */
export function assertHkdfLength (length: number): void {
  if (!Number.isInteger(length) || length < 0 || length > 255 * 32) {
    throw new RangeError('HKDF-SHA256 length must be an integer from 0 to 8160')
  }
}

/** chacha20poly1305SealInto's output holds exactly ciphertext || tag. Both providers throw the same RangeError. */
export function assertSealOutput (plaintext: Uint8Array, output: Uint8Array): void {
  if (!(plaintext instanceof Uint8Array) || !(output instanceof Uint8Array) || output.length !== plaintext.length + AEAD_TAG_LENGTH) {
    throw new RangeError('the output of a seal must be the plaintext\'s length plus 16 bytes')
  }
}

/** chacha20poly1305OpenInto's output holds exactly the plaintext. Both providers throw the same RangeError. */
export function assertOpenOutput (ciphertext: Uint8Array, output: Uint8Array): void {
  if (!(ciphertext instanceof Uint8Array) || !(output instanceof Uint8Array) || ciphertext.length < AEAD_TAG_LENGTH || output.length !== ciphertext.length - AEAD_TAG_LENGTH) {
    throw new RangeError('the output of an open must be the ciphertext\'s length less 16 bytes')
  }
}

export function nobleProvider (options: NobleProviderOptions = {}): CryptoProvider {
  const randomBytes: RandomSource = options.randomBytes ?? ((n) => osRandomBytes(n))

  const provider: CryptoProvider = {
    name: 'noble',
    randomBytes,

    sha256: (data) => sha256(data),
    sha512: (data) => sha512(data),
    hmacSha256: (key, data) => hmac(sha256, key, data),
    hkdfSha256 (ikm, salt, info, length) {
      assertHkdfLength(length)
      return hkdf(sha256, ikm, salt, info, length)
    },

    x25519GenerateKeyPair (): KeyPair {
      const privateKey = randomBytes(X25519_KEY_LENGTH)
      return { privateKey, publicKey: x25519.getPublicKey(privateKey) }
    },
    x25519PublicKey (privateKey) {
      assertLength(privateKey, X25519_KEY_LENGTH, 'X25519 private key')
      return x25519.getPublicKey(privateKey)
    },
    x25519 (privateKey, publicKey) {
      assertLength(privateKey, X25519_KEY_LENGTH, 'X25519 private key')
      assertLength(publicKey, X25519_KEY_LENGTH, 'X25519 public key')
      if (isLowOrderX25519(publicKey)) throw new LowOrderPointError()
      let shared: Uint8Array
      try {
        shared = x25519.getSharedSecret(privateKey, publicKey)
      } catch {
        // noble refuses an all-zero result itself; report it as the same typed error.
        throw new LowOrderPointError('X25519 agreement gave an all-zero result')
      }
      if (isAllZero(shared)) throw new LowOrderPointError('X25519 agreement gave an all-zero result')
      return shared
    },

    ed25519PublicKey (seed) {
      assertLength(seed, 32, 'Ed25519 seed')
      return ed25519.getPublicKey(seed)
    },
    ed25519Sign (seed, message) {
      assertLength(seed, 32, 'Ed25519 seed')
      return ed25519.sign(message, seed)
    },
    ed25519Verify (signature, message, publicKey) {
      if (!checkEd25519Strict(signature, publicKey)) return false
      if (!(message instanceof Uint8Array)) return false
      // Not ed25519.verify: that one is cofactored and would accept what OpenSSL rejects.
      return verifyEd25519Cofactorless(signature, message, publicKey)
    },

    chacha20poly1305Seal (key, nonce, plaintext, ad) {
      assertLength(key, CHACHA_KEY_LENGTH, 'ChaCha20-Poly1305 key')
      assertLength(nonce, CHACHA_NONCE_LENGTH, 'ChaCha20-Poly1305 nonce')
      return chacha20poly1305(key, nonce, ad).encrypt(plaintext)
    },
    chacha20poly1305SealInto (key, nonce, plaintext, ad, output) {
      assertLength(key, CHACHA_KEY_LENGTH, 'ChaCha20-Poly1305 key')
      assertLength(nonce, CHACHA_NONCE_LENGTH, 'ChaCha20-Poly1305 nonce')
      assertSealOutput(plaintext, output)
      chacha20poly1305(key, nonce, ad).encrypt(plaintext, output)
    },
    chacha20poly1305Open (key, nonce, ciphertext, ad) {
      assertLength(key, CHACHA_KEY_LENGTH, 'ChaCha20-Poly1305 key')
      assertLength(nonce, CHACHA_NONCE_LENGTH, 'ChaCha20-Poly1305 nonce')
      try {
        return chacha20poly1305(key, nonce, ad).decrypt(ciphertext)
      } catch {
        throw new DecryptionError()
      }
    },
    chacha20poly1305OpenInto (key, nonce, ciphertext, ad, output) {
      assertLength(key, CHACHA_KEY_LENGTH, 'ChaCha20-Poly1305 key')
      assertLength(nonce, CHACHA_NONCE_LENGTH, 'ChaCha20-Poly1305 nonce')
      assertOpenOutput(ciphertext, output)
      try {
        // noble checks the tag before it writes a byte (RFC 8439 section 2.8).
        chacha20poly1305(key, nonce, ad).decrypt(ciphertext, output)
        return true
      } catch {
        return false
      }
    },
    xchacha20poly1305Seal: (key, nonce, plaintext, ad) => xchachaSeal(key, nonce, plaintext, ad),
    xchacha20poly1305Open: (key, nonce, ciphertext, ad) => xchachaOpen(key, nonce, ciphertext, ad),
    xchacha20poly1305TryOpen: (key, nonce, ciphertext, ad) => xchachaTryOpen(key, nonce, ciphertext, ad),

    mlkem768GenerateKeyPair: () => mlkem768.generateKeyPair(randomBytes(64)),
    mlkem768Encapsulate: (publicKey) => mlkem768.encapsulate(publicKey, randomBytes(32)),
    mlkem768Decapsulate: (ciphertext, secretKey) => mlkem768.decapsulate(ciphertext, secretKey)
  }
  return provider
}
