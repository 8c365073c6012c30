/**
 * The one interface through which murmur reaches every cryptographic primitive
 * (DESIGN.md "Crypto providers"). Two implementations give identical bytes:
 *
 * - `node`: node:crypto (OpenSSL) for X25519, Ed25519, SHA-2, HMAC, HKDF, ChaCha20-Poly1305;
 *   the default on Node, because an X25519 agreement is ~30x faster native.
 * - `noble`: @noble/curves, @noble/ciphers, @noble/hashes; pure JS, audited; the reference.
 *
 * ML-KEM-768 comes from noble in both (Node 20 has none); XChaCha20-Poly1305 is noble's in
 * `noble` and noble's HChaCha20 + OpenSSL's ChaCha20-Poly1305 in `node` (same construction).
 *
 * All randomness flows through `randomBytes`, and every key generation draws from it, so a
 * provider built with a deterministic source reproduces the known-answer vectors exactly.
 */

export interface KeyPair {
  publicKey: Uint8Array
  privateKey: Uint8Array
}

export interface KemEncapsulation {
  ciphertext: Uint8Array
  sharedSecret: Uint8Array
}

export type ProviderName = 'node' | 'noble'

/** A source of random bytes; the default is the operating system's CSPRNG. */
export type RandomSource = (length: number) => Uint8Array

export interface CryptoProvider {
  readonly name: ProviderName

  /** `length` bytes from this provider's random source. */
  randomBytes(length: number): Uint8Array

  sha256(data: Uint8Array): Uint8Array
  sha512(data: Uint8Array): Uint8Array
  hmacSha256(key: Uint8Array, data: Uint8Array): Uint8Array
  /** HKDF-SHA256 (RFC 5869), extract then expand to `length` bytes. */
  hkdfSha256(ikm: Uint8Array, salt: Uint8Array, info: Uint8Array, length: number): Uint8Array

  /** A fresh X25519 key pair; the private key is 32 random bytes from `randomBytes`. */
  x25519GenerateKeyPair(): KeyPair
  /** The public key of a 32-byte X25519 private key (clamped as RFC 7748 says). */
  x25519PublicKey(privateKey: Uint8Array): Uint8Array
  /**
   * X25519 agreement. Throws LowOrderPointError when the public key is of small order or the
   * result is all zeros, InvalidKeyError on wrong lengths.
   */
  x25519(privateKey: Uint8Array, publicKey: Uint8Array): Uint8Array

  /** The Ed25519 public key of a 32-byte seed. */
  ed25519PublicKey(seed: Uint8Array): Uint8Array
  ed25519Sign(seed: Uint8Array, message: Uint8Array): Uint8Array
  /**
   * Strict Ed25519 verification (RFC 8032, not ZIP-215): non-canonical encodings, S >= L and
   * small-order public keys are rejected, identically in both providers.
   */
  ed25519Verify(signature: Uint8Array, message: Uint8Array, publicKey: Uint8Array): boolean

  /** ChaCha20-Poly1305 (RFC 8439), 32-byte key, 12-byte nonce; returns ciphertext || tag. */
  chacha20poly1305Seal(key: Uint8Array, nonce: Uint8Array, plaintext: Uint8Array, ad: Uint8Array): Uint8Array
  /**
   * Like chacha20poly1305Seal, but writes ciphertext || tag into `output` (exactly
   * plaintext.length + 16 bytes; a RangeError otherwise) instead of a new array: the store seals
   * every value into the buffer it writes, behind its format byte and nonce, in one allocation.
   * Optional so that wrapping providers need not implement it; callers fall back to the seal.
   */
  chacha20poly1305SealInto?(key: Uint8Array, nonce: Uint8Array, plaintext: Uint8Array, ad: Uint8Array, output: Uint8Array): void
  /** Throws DecryptionError when the tag does not verify. */
  chacha20poly1305Open(key: Uint8Array, nonce: Uint8Array, ciphertext: Uint8Array, ad: Uint8Array): Uint8Array
  /**
   * Like chacha20poly1305Open, but writes the plaintext into `output` (exactly
   * ciphertext.length - 16 bytes; a RangeError otherwise) and returns whether the tag verified;
   * when it did not, nothing is written. The store opens every value it reads into a slice of
   * Node's buffer pool this way, not into an array of its own per value, each of which the
   * collector had to track and free (docs/store.md, "Cost"). Optional, as SealInto is.
   */
  chacha20poly1305OpenInto?(key: Uint8Array, nonce: Uint8Array, ciphertext: Uint8Array, ad: Uint8Array, output: Uint8Array): boolean
  /** XChaCha20-Poly1305, 32-byte key, 24-byte nonce; returns ciphertext || tag. */
  xchacha20poly1305Seal(key: Uint8Array, nonce: Uint8Array, plaintext: Uint8Array, ad: Uint8Array): Uint8Array
  /** Throws DecryptionError when the tag does not verify. */
  xchacha20poly1305Open(key: Uint8Array, nonce: Uint8Array, ciphertext: Uint8Array, ad: Uint8Array): Uint8Array
  /**
   * Like xchacha20poly1305Open, but returns null when the tag does not verify. For trial
   * decryption (ratchet headers, Double Ratchet spec §4), where failure is the expected case
   * and an exception per trial would cost more than the trial. Optional so that wrapping
   * providers need not implement it; callers fall back to the throwing open.
   */
  xchacha20poly1305TryOpen?(key: Uint8Array, nonce: Uint8Array, ciphertext: Uint8Array, ad: Uint8Array): Uint8Array | null

  /** A fresh ML-KEM-768 key pair from 64 bytes of `randomBytes` (FIPS 203 keygen seed d || z). */
  mlkem768GenerateKeyPair(): KeyPair
  /** Encapsulate to a 1184-byte public key with 32 bytes from `randomBytes`. */
  mlkem768Encapsulate(publicKey: Uint8Array): KemEncapsulation
  /** Decapsulate a 1088-byte ciphertext with a 2400-byte secret key. */
  mlkem768Decapsulate(ciphertext: Uint8Array, secretKey: Uint8Array): Uint8Array
}

export const X25519_KEY_LENGTH = 32
export const ED25519_SEED_LENGTH = 32
export const ED25519_PUBLIC_KEY_LENGTH = 32
export const ED25519_SIGNATURE_LENGTH = 64
export const CHACHA_KEY_LENGTH = 32
export const CHACHA_NONCE_LENGTH = 12
export const XCHACHA_NONCE_LENGTH = 24
export const AEAD_TAG_LENGTH = 16
export const MLKEM768_PUBLIC_KEY_LENGTH = 1184
export const MLKEM768_SECRET_KEY_LENGTH = 2400
export const MLKEM768_CIPHERTEXT_LENGTH = 1088
export const MLKEM768_SHARED_SECRET_LENGTH = 32
