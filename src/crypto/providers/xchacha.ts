/**
 * XChaCha20-Poly1305 (draft-irtf-cfrg-xchacha §2.3: HChaCha20 subkey, then the RFC 8439 AEAD)
 * for the noble provider, from @noble/ciphers' public AEAD: Node 20's OpenSSL binding has no
 * XChaCha (the node provider builds it in xchacha-native.ts). Used for ratchet headers, whose
 * nonces are random (24 bytes make random nonces safe).
 *
 * Header decryption is trial decryption (Double Ratchet spec §4), where a failed trial is an
 * expected outcome, so `xchachaTryOpen` returns null rather than throwing. noble's AEAD throws
 * on a bad tag; the catch costs one Error per failed trial, which happens about once per
 * ratchet turn (the node provider's OpenSSL open throws internally the same way).
 */
import { xchacha20poly1305 } from '@noble/ciphers/chacha.js'
import { DecryptionError, InvalidKeyError } from '../errors.js'
import { AEAD_TAG_LENGTH, CHACHA_KEY_LENGTH, XCHACHA_NONCE_LENGTH } from '../provider.js'

function check (key: Uint8Array, nonce: Uint8Array): void {
  if (key.length !== CHACHA_KEY_LENGTH) throw new InvalidKeyError('XChaCha20-Poly1305 key must be 32 bytes')
  if (nonce.length !== XCHACHA_NONCE_LENGTH) throw new InvalidKeyError('XChaCha20-Poly1305 nonce must be 24 bytes')
}

export function xchachaSeal (key: Uint8Array, nonce: Uint8Array, plaintext: Uint8Array, ad: Uint8Array): Uint8Array {
  check(key, nonce)
  return xchacha20poly1305(key, nonce, ad).encrypt(plaintext)
}

/**
 * The plaintext, or null when the tag does not verify (the expected result of a trial with
 * the wrong key). Throws only InvalidKeyError, for wrong key or nonce lengths.
 */
export function xchachaTryOpen (key: Uint8Array, nonce: Uint8Array, ciphertext: Uint8Array, ad: Uint8Array): Uint8Array | null {
  check(key, nonce)
  if (!(ciphertext instanceof Uint8Array) || ciphertext.length < AEAD_TAG_LENGTH) return null
  try {
    return xchacha20poly1305(key, nonce, ad).decrypt(ciphertext)
  } catch {
    return null
  }
}

export function xchachaOpen (key: Uint8Array, nonce: Uint8Array, ciphertext: Uint8Array, ad: Uint8Array): Uint8Array {
  const plaintext = xchachaTryOpen(key, nonce, ciphertext, ad)
  if (plaintext === null) throw new DecryptionError()
  return plaintext
}
