/**
 * XChaCha20-Poly1305 (draft-irtf-cfrg-xchacha §2.3: HChaCha20 subkey, then the RFC 8439 AEAD),
 * shared by both providers: Node 20's OpenSSL binding has no XChaCha. Used for ratchet
 * headers, whose nonces are random (24 bytes make random nonces safe).
 *
 * Opening is written out here (RFC 8439 §2.8: Poly1305 one-time key from block 0, tag over
 * AD || pad16 || ciphertext || pad16 || u64le(len AD) || u64le(len ciphertext), then decrypt
 * from block 1) instead of calling noble's AEAD, for one reason: header decryption is trial
 * decryption (Double Ratchet spec §4), and a failed trial is the expected outcome there. noble's
 * AEAD throws on a bad tag, and building two Error objects per failed trial was a measurable
 * share of a ratchet step; `xchachaTryOpen` returns null instead. The bytes are noble's own
 * (its `xchacha20` stream and `poly1305`), checked against noble's AEAD in the tests.
 */
import { xchacha20, xchacha20poly1305 } from '@noble/ciphers/chacha.js'
import { poly1305 } from '@noble/ciphers/_poly1305.js'
import { DecryptionError, InvalidKeyError } from '../errors.js'
import { AEAD_TAG_LENGTH, CHACHA_KEY_LENGTH, XCHACHA_NONCE_LENGTH } from '../provider.js'

const ZEROS32 = new Uint8Array(32)
const ZEROS16 = new Uint8Array(16)

function check (key: Uint8Array, nonce: Uint8Array): void {
  if (key.length !== CHACHA_KEY_LENGTH) throw new InvalidKeyError('XChaCha20-Poly1305 key must be 32 bytes')
  if (nonce.length !== XCHACHA_NONCE_LENGTH) throw new InvalidKeyError('XChaCha20-Poly1305 nonce must be 24 bytes')
}

export function xchachaSeal (key: Uint8Array, nonce: Uint8Array, plaintext: Uint8Array, ad: Uint8Array): Uint8Array {
  check(key, nonce)
  return xchacha20poly1305(key, nonce, ad).encrypt(plaintext)
}

/** RFC 8439 §2.8 tag of `ciphertext` under the one-time key of block 0 (XChaCha stream). */
function tagOf (key: Uint8Array, nonce: Uint8Array, ciphertext: Uint8Array, ad: Uint8Array): Uint8Array {
  const oneTimeKey = xchacha20(key, nonce, ZEROS32, new Uint8Array(32), 0)
  const lengths = new Uint8Array(16)
  const view = new DataView(lengths.buffer)
  // u64le lengths; both are far below 2^32 (messages are bounded long before that).
  view.setUint32(0, ad.length, true)
  view.setUint32(8, ciphertext.length, true)
  const mac = poly1305.create(oneTimeKey)
  mac.update(ad)
  if (ad.length % 16 !== 0) mac.update(ZEROS16.subarray(ad.length % 16))
  mac.update(ciphertext)
  if (ciphertext.length % 16 !== 0) mac.update(ZEROS16.subarray(ciphertext.length % 16))
  mac.update(lengths)
  return mac.digest()
}

/**
 * The plaintext, or null when the tag does not verify (the expected result of a trial with
 * the wrong key). Throws only InvalidKeyError, for wrong key or nonce lengths.
 */
export function xchachaTryOpen (key: Uint8Array, nonce: Uint8Array, ciphertext: Uint8Array, ad: Uint8Array): Uint8Array | null {
  check(key, nonce)
  if (!(ciphertext instanceof Uint8Array) || ciphertext.length < AEAD_TAG_LENGTH) return null
  const bodyLength = ciphertext.length - AEAD_TAG_LENGTH
  const body = ciphertext.subarray(0, bodyLength)
  const tag = tagOf(key, nonce, body, ad)
  // Constant time over the 16 tag bytes (RFC 8439 §4).
  let diff = 0
  for (let i = 0; i < AEAD_TAG_LENGTH; i++) diff |= tag[i] ^ ciphertext[bodyLength + i]
  if (diff !== 0) return null
  // Payload from block 1: block 0 gave the one-time key (RFC 8439 §2.8).
  return xchacha20(key, nonce, body, new Uint8Array(bodyLength), 1)
}

export function xchachaOpen (key: Uint8Array, nonce: Uint8Array, ciphertext: Uint8Array, ad: Uint8Array): Uint8Array {
  const plaintext = xchachaTryOpen(key, nonce, ciphertext, ad)
  if (plaintext === null) throw new DecryptionError()
  return plaintext
}
