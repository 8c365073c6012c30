/**
 * HMAC-SHA256 (RFC 2104) and HKDF-SHA256 (RFC 5869) from libsodium's WebAssembly module
 * (sodium-module.ts): the node provider's engine once the module has loaded, node:crypto's
 * createHmac before and for inputs longer than the arena. HMAC is HKDF-Extract itself
 * (RFC 5869 §2.2: PRK = HMAC-Hash(salt, IKM)), which is how libsodium exposes it.
 *
 * Why: the ratchet derives every chain and message key with HMAC and HKDF (docs/protocol.md,
 * KDF_RK and KDF_CK), some twenty calls per message that turns the DH ratchet. Each node:crypto
 * call builds an OpenSSL HMAC context: 2.2 µs a call in a tight loop against 1.2 µs here, and in
 * the crypto benchmark's ping-pong profile HMAC was 22% of the time.
 *
 * Same bytes (test/crypto/fast-paths.test.ts). After every call the arena's key, data, PRK and
 * output are zeroed, as the node:crypto path zeroes its PRK and T blocks.
 */
import { createHmac } from 'node:crypto'
import { CryptoEngineError } from '../errors.js'
import { sodiumArena } from './sodium-module.js'

/** Keys (HMAC) and salts (HKDF) up to this many bytes fit the arena; murmur's are 32. */
export const SODIUM_MAX_KEY = 128
/** Data (HMAC) and input key material (HKDF) up to this many bytes fit the arena. */
export const SODIUM_MAX_DATA = 4096
/** HKDF info up to this many bytes fits the arena; murmur's labels are under 100. */
export const SODIUM_MAX_INFO = 1024
/** RFC 5869 §2.3: L <= 255 * HashLen. */
const MAX_OUTPUT = 255 * 32
const PRK = 32

/** libsodium's HMAC engine (its arena's offsets), once the module has loaded. */
export const hmacSodium = sodiumArena({ key: SODIUM_MAX_KEY, data: SODIUM_MAX_DATA, info: SODIUM_MAX_INFO, prk: PRK, output: MAX_OUTPUT })

type HmacEngine = NonNullable<ReturnType<typeof hmacSodium>>

/** libsodium, when it has loaded and the key and data fit its arena. */
function fitting (keyLength: number, dataLength: number, infoLength = 0): HmacEngine | undefined {
  return keyLength <= SODIUM_MAX_KEY && dataLength <= SODIUM_MAX_DATA && infoLength <= SODIUM_MAX_INFO ? hmacSodium() : undefined
}

/** Zeroes what held secrets: the key, the data, the PRK and `outputLength` bytes of output. */
function wipe (heap: Uint8Array, e: HmacEngine, keyLength: number, dataLength: number, outputLength: number): void {
  heap.fill(0, e.key, e.key + keyLength)
  heap.fill(0, e.data, e.data + dataLength)
  heap.fill(0, e.prk, e.prk + PRK + outputLength)
}

/** HMAC-SHA256(key, data), or undefined when libsodium is not loaded or the inputs do not fit. */
export function hmacSha256Sodium (key: Uint8Array, data: Uint8Array): Uint8Array | undefined {
  const e = fitting(key.length, data.length)
  if (e === undefined) return undefined
  const heap = e.module.HEAPU8
  try {
    heap.set(key, e.key)
    heap.set(data, e.data)
    if (e.module._crypto_kdf_hkdf_sha256_extract(e.prk, e.key, key.length, e.data, data.length) !== 0) throw new CryptoEngineError('libsodium refused HMAC-SHA256')
    return heap.slice(e.prk, e.prk + PRK)
  } finally {
    wipe(heap, e, key.length, data.length, 0)
  }
}

/** HMAC-SHA256(key, data): libsodium's when it has loaded and the inputs fit, else node:crypto's. */
export function hmacSha256Native (key: Uint8Array, data: Uint8Array): Uint8Array {
  return hmacSha256Sodium(key, data) ?? new Uint8Array(createHmac('sha256', key).update(data).digest())
}

/**
 * HKDF-SHA256(ikm, salt, info) to `length` bytes, or undefined when libsodium is not loaded or
 * the inputs do not fit. The caller has checked `length` (RFC 5869: at most 255 * 32).
 */
export function hkdfSha256Sodium (ikm: Uint8Array, salt: Uint8Array, info: Uint8Array, length: number): Uint8Array | undefined {
  const e = fitting(salt.length, ikm.length, info.length)
  if (e === undefined || length > MAX_OUTPUT) return undefined
  const heap = e.module.HEAPU8
  try {
    heap.set(salt, e.key)
    heap.set(ikm, e.data)
    heap.set(info, e.info)
    // An empty salt is HashLen zero bytes (§2.2); HMAC pads a shorter key with zeros: the same.
    if (e.module._crypto_kdf_hkdf_sha256_extract(e.prk, e.key, salt.length, e.data, ikm.length) !== 0 ||
      e.module._crypto_kdf_hkdf_sha256_expand(e.output, length, e.info, info.length, e.prk) !== 0) {
      throw new CryptoEngineError('libsodium refused HKDF-SHA256')
    }
    return heap.slice(e.output, e.output + length)
  } finally {
    wipe(heap, e, salt.length, ikm.length, length)
  }
}
