/**
 * ChaCha20-Poly1305 (RFC 8439) on OpenSSL, shared by the node provider's ChaCha20-Poly1305
 * and its XChaCha20-Poly1305 (which runs it under an HChaCha20 subkey); short inputs go to
 * libsodium instead (chacha-sodium.ts says why). Callers check key and nonce lengths.
 */
import { createCipheriv, createDecipheriv } from 'node:crypto'
import { AEAD_TAG_LENGTH } from '../provider.js'
import { chachaSealSodium, chachaTryOpenSodium, sodiumFor } from './chacha-sodium.js'

/** ciphertext || tag, in `output` (plaintext.length + 16 bytes, checked by the caller) when given. */
export function chachaSealNative (key: Uint8Array, nonce: Uint8Array, plaintext: Uint8Array, ad: Uint8Array, output?: Uint8Array): Uint8Array {
  const sodium = sodiumFor(plaintext.length, ad.length)
  if (sodium !== undefined) return chachaSealSodium(sodium, key, nonce, plaintext, ad, output)
  const sealed = chachaSealOpenSsl(key, nonce, plaintext, ad)
  if (output === undefined) return sealed
  output.set(sealed)
  return output
}

/** The OpenSSL engine alone (for longer inputs, and before libsodium has loaded). */
export function chachaSealOpenSsl (key: Uint8Array, nonce: Uint8Array, plaintext: Uint8Array, ad: Uint8Array): Uint8Array {
  const cipher = createCipheriv('chacha20-poly1305', key, nonce, { authTagLength: AEAD_TAG_LENGTH })
  cipher.setAAD(ad, { plaintextLength: plaintext.length })
  const body = cipher.update(plaintext)
  const tail = cipher.final()
  const out = new Uint8Array(body.length + tail.length + AEAD_TAG_LENGTH)
  out.set(body, 0)
  out.set(tail, body.length)
  out.set(cipher.getAuthTag(), body.length + tail.length)
  return out
}

/**
 * The plaintext (in `output`, ciphertext.length - 16 bytes checked by the caller, when given),
 * or null when the input is shorter than a tag or the tag does not verify; then nothing is
 * written to `output`.
 */
export function chachaTryOpenNative (key: Uint8Array, nonce: Uint8Array, ciphertext: Uint8Array, ad: Uint8Array, output?: Uint8Array): Uint8Array | null {
  if (!(ciphertext instanceof Uint8Array) || ciphertext.length < AEAD_TAG_LENGTH) return null
  const sodium = sodiumFor(ciphertext.length - AEAD_TAG_LENGTH, ad.length)
  if (sodium !== undefined) return chachaTryOpenSodium(sodium, key, nonce, ciphertext, ad, output)
  const opened = chachaTryOpenOpenSsl(key, nonce, ciphertext, ad)
  if (opened === null || output === undefined) return opened
  output.set(opened)
  return output
}

/** The OpenSSL engine alone. */
export function chachaTryOpenOpenSsl (key: Uint8Array, nonce: Uint8Array, ciphertext: Uint8Array, ad: Uint8Array): Uint8Array | null {
  if (!(ciphertext instanceof Uint8Array) || ciphertext.length < AEAD_TAG_LENGTH) return null
  const bodyLength = ciphertext.length - AEAD_TAG_LENGTH
  const decipher = createDecipheriv('chacha20-poly1305', key, nonce, { authTagLength: AEAD_TAG_LENGTH })
  decipher.setAuthTag(ciphertext.subarray(bodyLength))
  decipher.setAAD(ad, { plaintextLength: bodyLength })
  const body = decipher.update(ciphertext.subarray(0, bodyLength))
  try {
    decipher.final() // throws when the tag does not verify
  } catch {
    body.fill(0) // unauthenticated plaintext never leaves
    return null
  }
  // A plain Uint8Array (not a pooled Buffer view).
  const out = new Uint8Array(bodyLength)
  out.set(body)
  return out
}
