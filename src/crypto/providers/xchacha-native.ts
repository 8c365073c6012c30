/**
 * XChaCha20-Poly1305 for the `node` provider: HChaCha20 (from @noble/ciphers) turns the key
 * and the first 16 nonce bytes into a subkey, then OpenSSL's ChaCha20-Poly1305 runs with the
 * 12-byte nonce 0x00000000 || nonce[16..24]. That is the construction itself
 * (draft-irtf-cfrg-xchacha §2.3), so the bytes are those of noble's XChaCha20-Poly1305 (checked
 * in the tests); only the bulk ChaCha20 and Poly1305 run natively. A 40-byte header seal took
 * ~8 µs this way against ~14 µs in pure JS on the benchmark machine. Short inputs go to
 * libsodium's XChaCha20-Poly1305 instead (chacha-sodium.ts says why): 2-4 µs.
 */
import { hchacha } from '@noble/ciphers/chacha.js'
import { DecryptionError, InvalidKeyError } from '../errors.js'
import { chachaSealOpenSsl, chachaTryOpenOpenSsl } from './chacha-native.js'
import { sodiumFor, xchachaSealSodium, xchachaTryOpenSodium } from './chacha-sodium.js'
import { AEAD_TAG_LENGTH, CHACHA_KEY_LENGTH, XCHACHA_NONCE_LENGTH } from '../provider.js'

// "expand 32-byte k" (RFC 8439 §2.3), the ChaCha constants HChaCha20 starts from.
const SIGMA = new Uint32Array([0x61707865, 0x3320646e, 0x79622d32, 0x6b206574])

function check (key: Uint8Array, nonce: Uint8Array): void {
  if (key.length !== CHACHA_KEY_LENGTH) throw new InvalidKeyError('XChaCha20-Poly1305 key must be 32 bytes')
  if (nonce.length !== XCHACHA_NONCE_LENGTH) throw new InvalidKeyError('XChaCha20-Poly1305 nonce must be 24 bytes')
}

/**
 * Bytes as 32-bit words in host order: noble's exported `hchacha` reads words as views of the
 * bytes (and byte-swaps on big-endian hosts itself), as its own XChaCha does. An aligned input
 * is viewed in place (hchacha only reads it); an unaligned one is copied.
 */
function words (bytes: Uint8Array, count: number): Uint32Array {
  if (bytes.byteOffset % 4 === 0) return new Uint32Array(bytes.buffer, bytes.byteOffset, count)
  const out = new Uint32Array(count)
  new Uint8Array(out.buffer).set(bytes.subarray(0, count * 4))
  return out
}

/** The HChaCha20 subkey and the 12-byte ChaCha20-Poly1305 nonce (draft §2.3). */
function derive (key: Uint8Array, nonce: Uint8Array): { subkey: Uint8Array, nonce12: Uint8Array } {
  const out = new Uint32Array(8)
  hchacha(SIGMA, words(key, 8), words(nonce, 4), out)
  const nonce12 = new Uint8Array(12)
  nonce12.set(nonce.subarray(16, 24), 4)
  return { subkey: new Uint8Array(out.buffer), nonce12 }
}

export function xchachaSealNative (key: Uint8Array, nonce: Uint8Array, plaintext: Uint8Array, ad: Uint8Array): Uint8Array {
  check(key, nonce)
  const sodium = sodiumFor(plaintext.length, ad.length)
  if (sodium !== undefined) return xchachaSealSodium(sodium, key, nonce, plaintext, ad)
  const { subkey, nonce12 } = derive(key, nonce)
  try {
    return chachaSealOpenSsl(subkey, nonce12, plaintext, ad)
  } finally {
    subkey.fill(0)
  }
}

/** The plaintext, or null when the tag does not verify. */
export function xchachaTryOpenNative (key: Uint8Array, nonce: Uint8Array, ciphertext: Uint8Array, ad: Uint8Array): Uint8Array | null {
  check(key, nonce)
  if (!(ciphertext instanceof Uint8Array) || ciphertext.length < AEAD_TAG_LENGTH) return null
  const sodium = sodiumFor(ciphertext.length - AEAD_TAG_LENGTH, ad.length)
  if (sodium !== undefined) return xchachaTryOpenSodium(sodium, key, nonce, ciphertext, ad)
  const { subkey, nonce12 } = derive(key, nonce)
  try {
    return chachaTryOpenOpenSsl(subkey, nonce12, ciphertext, ad)
  } finally {
    subkey.fill(0)
  }
}

export function xchachaOpenNative (key: Uint8Array, nonce: Uint8Array, ciphertext: Uint8Array, ad: Uint8Array): Uint8Array {
  const plaintext = xchachaTryOpenNative(key, nonce, ciphertext, ad)
  if (plaintext === null) throw new DecryptionError()
  return plaintext
}
