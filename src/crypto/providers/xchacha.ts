/**
 * XChaCha20-Poly1305 from @noble/ciphers, shared by both providers: Node 20's OpenSSL
 * binding has no XChaCha. Used for ratchet headers, whose nonces are random (24 bytes make
 * random nonces safe).
 */
import { xchacha20poly1305 } from '@noble/ciphers/chacha.js'
import { DecryptionError, InvalidKeyError } from '../errors.js'
import { CHACHA_KEY_LENGTH, XCHACHA_NONCE_LENGTH } from '../provider.js'

function check (key: Uint8Array, nonce: Uint8Array): void {
  if (key.length !== CHACHA_KEY_LENGTH) throw new InvalidKeyError('XChaCha20-Poly1305 key must be 32 bytes')
  if (nonce.length !== XCHACHA_NONCE_LENGTH) throw new InvalidKeyError('XChaCha20-Poly1305 nonce must be 24 bytes')
}

export function xchachaSeal (key: Uint8Array, nonce: Uint8Array, plaintext: Uint8Array, ad: Uint8Array): Uint8Array {
  check(key, nonce)
  return xchacha20poly1305(key, nonce, ad).encrypt(plaintext)
}

export function xchachaOpen (key: Uint8Array, nonce: Uint8Array, ciphertext: Uint8Array, ad: Uint8Array): Uint8Array {
  check(key, nonce)
  try {
    return xchacha20poly1305(key, nonce, ad).decrypt(ciphertext)
  } catch {
    throw new DecryptionError()
  }
}
