/**
 * How the store turns values and key parts into stored bytes (docs/store.md, "Encryption at
 * rest"). Two implementations:
 *
 * - `plainCipher`: values and key parts as they are (a home made with --no-passphrase);
 * - `sealedCipher`: every value under ChaCha20-Poly1305 (the provider's; on the node provider
 *   libsodium for values up to 4 KiB, OpenSSL above) with a random 96-bit nonce and the sublevel name and stored key as associated
 *   data, so a value moved to another key no longer opens; key parts that name a peer under
 *   AES-GCM-SIV (RFC 8452) with a fixed nonce: deterministic, so equal peer IDs give equal
 *   stored keys and lookups and range scans still work, and decryptable, so the code that reads
 *   keys back (trust lists, expiry index) sees real peer IDs.
 *
 * A random 96-bit nonce per value is safe for 2^32 writes under one data key (NIST SP 800-38D's
 * bound for random nonces), some hundreds of millions of messages.
 */
import { gcmsiv } from '@noble/ciphers/aes.js'
import type { CryptoProvider } from '../../crypto/provider.js'
import { CorruptRecordError } from '../errors.js'
import { deriveHomeKeys, wipeHomeKeys, type HomeKeys } from './keys.js'

export interface StoreCipher {
  /** True when values are encrypted. */
  readonly encrypted: boolean
  /** Hex of the key check recorded in the store (encrypted stores only). */
  readonly keyCheck: string | undefined
  sealValue: (sublevel: string, key: string, plaintext: Uint8Array) => Uint8Array
  /** Throws CorruptRecordError when the value does not authenticate under this key and place. */
  openValue: (sublevel: string, key: string, stored: Uint8Array) => Uint8Array
  /** A key part naming a peer, as stored. */
  sealName: (name: string) => string
  /** Throws CorruptRecordError when the stored part was not sealed under this key. */
  openName: (stored: string, sublevel: string) => string
  /** Wipes the keys (after the store is closed). */
  dispose: () => void
}

export const plainCipher: StoreCipher = Object.freeze({
  encrypted: false,
  keyCheck: undefined,
  sealValue: (_sublevel: string, _key: string, plaintext: Uint8Array) => plaintext,
  openValue: (_sublevel: string, _key: string, stored: Uint8Array) => stored,
  sealName: (name: string) => name,
  openName: (stored: string) => stored,
  dispose: () => {}
})

/** The first byte of an encrypted value: the format, so a later one can be told apart. */
const VALUE_FORMAT = 1
const NONCE_LENGTH = 12
const TAG_LENGTH = 16
const AD_PREFIX = 'murmur/store/v2\u0000'
/** AES-GCM-SIV with one fixed nonce is a deterministic AEAD; the label is its associated data. */
const NAME_NONCE = new Uint8Array(12)
const NAME_AD = new TextEncoder().encode('murmur/store/name/v1')
const NOT_AUTHENTIC = 'the value does not authenticate (altered, moved from another key, or another data key)'
/** Sealed names are cached both ways (peer IDs recur on every message); bounded. */
const NAME_CACHE_SIZE = 10_000

const encoder = new TextEncoder()
const decoder = new TextDecoder('utf-8', { fatal: true })

export function sealedCipher (provider: CryptoProvider, keys: HomeKeys): StoreCipher {
  const valueKey = keys.values.slice()
  const nameKey = keys.names.slice()
  const sealedNames = new Map<string, string>()
  const openedNames = new Map<string, string>()
  const remember = (name: string, stored: string): void => {
    if (sealedNames.size >= NAME_CACHE_SIZE) {
      sealedNames.clear()
      openedNames.clear()
    }
    sealedNames.set(name, stored)
    openedNames.set(stored, name)
  }
  // The associated data is built in one reusable buffer (it is used synchronously by each call):
  // the prefix and sublevel name as bytes made once per sublevel, then the key encoded after them.
  const scratch = new Uint8Array(4096)
  const adHeads = new Map<string, Uint8Array>()
  const ad = (sublevel: string, key: string): Uint8Array => {
    let head = adHeads.get(sublevel)
    if (head === undefined) {
      head = encoder.encode(`${AD_PREFIX}${sublevel}\u0000`)
      adHeads.set(sublevel, head)
    }
    scratch.set(head)
    const { read, written } = encoder.encodeInto(key, scratch.subarray(head.length))
    if (read === key.length) return scratch.subarray(0, head.length + written)
    // A key longer than the buffer (none of the store's keys are): its own array.
    const tail = encoder.encode(key)
    const whole = new Uint8Array(head.length + tail.length)
    whole.set(head)
    whole.set(tail, head.length)
    return whole
  }

  return {
    encrypted: true,
    keyCheck: Buffer.from(keys.check).toString('hex'),
    sealValue (sublevel, key, plaintext) {
      // One allocation: the stored value, sealed in place behind its format byte and nonce. From
      // Node's buffer pool (Buffer.allocUnsafe: no zero-fill, and most values share a pooled
      // ArrayBuffer instead of each having their own for the collector to sweep; docs/store.md,
      // "Cost"); every byte is written below. A plain Uint8Array view, as the store's values are.
      const size = 1 + NONCE_LENGTH + plaintext.length + TAG_LENGTH
      const pooled = Buffer.allocUnsafe(size)
      const out = new Uint8Array(pooled.buffer, pooled.byteOffset, size)
      out[0] = VALUE_FORMAT
      const nonce = provider.randomBytes(NONCE_LENGTH)
      out.set(nonce, 1)
      const body = out.subarray(1 + NONCE_LENGTH)
      if (provider.chacha20poly1305SealInto !== undefined) provider.chacha20poly1305SealInto(valueKey, nonce, plaintext, ad(sublevel, key), body)
      else body.set(provider.chacha20poly1305Seal(valueKey, nonce, plaintext, ad(sublevel, key)))
      return out
    },
    openValue (sublevel, key, stored) {
      if (stored.length < 1 + NONCE_LENGTH + TAG_LENGTH || stored[0] !== VALUE_FORMAT) {
        throw new CorruptRecordError(sublevel, 'not an encrypted value of this format')
      }
      const nonce = stored.subarray(1, 1 + NONCE_LENGTH)
      const sealed = stored.subarray(1 + NONCE_LENGTH)
      if (provider.chacha20poly1305OpenInto !== undefined) {
        // Into a slice of Node's buffer pool, as sealValue does: an array of its own per value
        // read was ~2.5 us of collector work per envelope a relay drains (docs/store.md, "Cost").
        const length = sealed.length - TAG_LENGTH
        const pooled = Buffer.allocUnsafe(length)
        const plaintext = new Uint8Array(pooled.buffer, pooled.byteOffset, length)
        if (provider.chacha20poly1305OpenInto(valueKey, nonce, sealed, ad(sublevel, key), plaintext)) return plaintext
        throw new CorruptRecordError(sublevel, NOT_AUTHENTIC)
      }
      try {
        return provider.chacha20poly1305Open(valueKey, nonce, sealed, ad(sublevel, key))
      } catch (err) {
        throw new CorruptRecordError(sublevel, NOT_AUTHENTIC, { cause: err })
      }
    },
    sealName (name) {
      const cached = sealedNames.get(name)
      if (cached !== undefined) return cached
      const stored = Buffer.from(gcmsiv(nameKey, NAME_NONCE, NAME_AD).encrypt(encoder.encode(name))).toString('base64url')
      remember(name, stored)
      return stored
    },
    openName (stored, sublevel) {
      const cached = openedNames.get(stored)
      if (cached !== undefined) return cached
      let name: string
      try {
        if (!/^[A-Za-z0-9_-]+$/.test(stored)) throw new Error('not base64url')
        name = decoder.decode(gcmsiv(nameKey, NAME_NONCE, NAME_AD).decrypt(Buffer.from(stored, 'base64url')))
      } catch (err) {
        throw new CorruptRecordError(sublevel, 'a key part does not decrypt under this store\'s key', { cause: err })
      }
      remember(name, stored)
      return name
    },
    dispose () {
      valueKey.fill(0)
      nameKey.fill(0)
      sealedNames.clear()
      openedNames.clear()
    }
  }
}

/**
 * The cipher of a home: sealed under the subkeys of `dataKey`, or plain when the home has no
 * passphrase (no data key). The subkeys are copied into the cipher and wiped here; the caller
 * wipes the data key.
 */
export function homeCipher (provider: CryptoProvider, dataKey: Uint8Array | undefined): StoreCipher {
  if (dataKey === undefined) return plainCipher
  const keys = deriveHomeKeys(provider, dataKey)
  try {
    return sealedCipher(provider, keys)
  } finally {
    wipeHomeKeys(keys)
  }
}
