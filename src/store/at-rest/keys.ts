/**
 * The key hierarchy of an encrypted home (docs/store.md, "Keys"):
 *
 *   passphrase --scrypt--> KEK --wraps--> data key (32 random bytes)
 *   data key --HKDF-SHA256--> value key, name key, key check, identity-seed key
 *
 * Changing the passphrase rewraps the data key only: nothing encrypted under it changes.
 * Wrapping is XChaCha20-Poly1305 with a random 24-byte nonce, the associated data binding the
 * wrapped key to what it belongs to (a home's key file, a backup) and to the KDF parameters.
 */
import type { CryptoProvider } from '../../crypto/provider.js'

export const DATA_KEY_LENGTH = 32
export const WRAP_NONCE_LENGTH = 24

/** The subkeys of a data key, one per use, so that no key serves two purposes. */
export interface HomeKeys {
  /** ChaCha20-Poly1305 key of every stored value. */
  values: Uint8Array
  /** AES-GCM-SIV key of the key parts that name peers. */
  names: Uint8Array
  /** 16 bytes recorded in the store, so a store opened under another key is told apart from a damaged one. */
  check: Uint8Array
  /** XChaCha20-Poly1305 key of the identity seed in the key file. */
  seed: Uint8Array
}

const LABELS = {
  values: 'murmur/at-rest/store-values/v1',
  names: 'murmur/at-rest/store-names/v1',
  check: 'murmur/at-rest/store-key-check/v1',
  seed: 'murmur/at-rest/identity-seed/v1'
} as const

const text = new TextEncoder()

export function generateDataKey (provider: CryptoProvider): Uint8Array {
  return provider.randomBytes(DATA_KEY_LENGTH)
}

/** HKDF-SHA256 (RFC 5869) of the data key, with an empty salt and one label per subkey. */
export function deriveHomeKeys (provider: CryptoProvider, dataKey: Uint8Array): HomeKeys {
  const derive = (label: string, length: number): Uint8Array =>
    provider.hkdfSha256(dataKey, new Uint8Array(32), text.encode(label), length)
  return { values: derive(LABELS.values, 32), names: derive(LABELS.names, 32), check: derive(LABELS.check, 16), seed: derive(LABELS.seed, 32) }
}

export function wipeHomeKeys (keys: HomeKeys): void {
  keys.values.fill(0)
  keys.names.fill(0)
  keys.check.fill(0)
  keys.seed.fill(0)
}

export interface Sealed {
  nonce: Uint8Array
  ciphertext: Uint8Array
}

/** XChaCha20-Poly1305 under `key` with a fresh random nonce. */
export function seal (provider: CryptoProvider, key: Uint8Array, plaintext: Uint8Array, ad: Uint8Array): Sealed {
  const nonce = provider.randomBytes(WRAP_NONCE_LENGTH)
  return { nonce, ciphertext: provider.xchacha20poly1305Seal(key, nonce, plaintext, ad) }
}

/** The plaintext, or undefined when the tag does not verify (wrong key, or altered bytes). */
export function open (provider: CryptoProvider, key: Uint8Array, sealed: Sealed, ad: Uint8Array): Uint8Array | undefined {
  if (sealed.nonce.length !== WRAP_NONCE_LENGTH) return undefined
  try {
    return provider.xchacha20poly1305Open(key, sealed.nonce, sealed.ciphertext, ad)
  } catch {
    return undefined
  }
}
