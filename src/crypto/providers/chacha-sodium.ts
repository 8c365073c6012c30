/**
 * ChaCha20-Poly1305 (RFC 8439) and XChaCha20-Poly1305 (draft-irtf-cfrg-xchacha-03) from
 * libsodium, compiled to WebAssembly (libsodium-wrappers): the node provider's engine for
 * short inputs (chacha-native.ts chooses). Same constructions as OpenSSL's and noble's, so the
 * same bytes (test/crypto/fast-paths.test.ts).
 *
 * Why a second engine: each node:crypto AEAD call builds an OpenSSL cipher context
 * (createCipheriv), some 6 µs before a byte is encrypted. murmur's AEAD inputs are mostly short
 * (a 40-byte ratchet header, a 150-byte history record in an encrypted store), where that setup
 * is most of the cost: measured here, a 150-byte seal takes 9.1 µs through node:crypto and 3.7 µs
 * in libsodium, an open 5.4 µs and 1.7 µs. OpenSSL's vectorised ChaCha20 wins from about 2 KiB
 * (4 KiB: 9 µs against 14 µs), so longer inputs stay there.
 *
 * libsodium's WebAssembly module loads asynchronously (some 30 ms, once per process); until it
 * has, every input goes to OpenSSL. Which engine ran is never visible: both give the same bytes
 * and the same verdicts. libsodium checks the tag before it decrypts and writes no plaintext
 * for a forgery.
 */
import sodium from 'libsodium-wrappers'
import { logger } from '@libp2p/logger'

const log = logger('murmur:crypto:sodium')

/** Inputs up to this many bytes go to libsodium (the crossover measured above). */
export const SODIUM_MAX_INPUT = 2048

let engine: typeof sodium | undefined

/** Resolves once libsodium serves short inputs (or has failed to load: OpenSSL then serves all). */
export const sodiumReady: Promise<void> = sodium.ready.then(() => {
  engine = sodium
}, (err: unknown) => {
  log.error('libsodium did not load; every AEAD call runs on OpenSSL: %s', (err as Error).message)
})

/** libsodium, when it is loaded and `length` is short enough for it to be the faster engine. */
export function sodiumFor (length: number): typeof sodium | undefined {
  return length <= SODIUM_MAX_INPUT ? engine : undefined
}

/** ciphertext || tag. */
export function chachaSealSodium (s: typeof sodium, key: Uint8Array, nonce: Uint8Array, plaintext: Uint8Array, ad: Uint8Array): Uint8Array {
  return s.crypto_aead_chacha20poly1305_ietf_encrypt(plaintext, ad, null, nonce, key)
}

/** The plaintext, or null when the tag does not verify (libsodium throws then). */
export function chachaTryOpenSodium (s: typeof sodium, key: Uint8Array, nonce: Uint8Array, ciphertext: Uint8Array, ad: Uint8Array): Uint8Array | null {
  return orNull(() => s.crypto_aead_chacha20poly1305_ietf_decrypt(null, ciphertext, ad, nonce, key))
}

export function xchachaSealSodium (s: typeof sodium, key: Uint8Array, nonce: Uint8Array, plaintext: Uint8Array, ad: Uint8Array): Uint8Array {
  return s.crypto_aead_xchacha20poly1305_ietf_encrypt(plaintext, ad, null, nonce, key)
}

export function xchachaTryOpenSodium (s: typeof sodium, key: Uint8Array, nonce: Uint8Array, ciphertext: Uint8Array, ad: Uint8Array): Uint8Array | null {
  return orNull(() => s.crypto_aead_xchacha20poly1305_ietf_decrypt(null, ciphertext, ad, nonce, key))
}

function orNull (open: () => Uint8Array): Uint8Array | null {
  try {
    return open()
  } catch {
    return null
  }
}
