/**
 * The bounded caches of the providers (imported keys, prepared ML-KEM keys, verified
 * signatures, identity conversions): LRU caches from `lru-cache`, so none of them grows with
 * the number of contacts or messages.
 *
 * Two kinds of key. Public bytes (public keys, signatures, signed messages) are keyed by
 * `publicBytesKey`, an exact latin1 string of the bytes. Secrets (private keys, seeds) never
 * are: they go through SecretKeyedCache (secret-keyed-cache.ts).
 */
import { LRUCache } from 'lru-cache'

/** latin1 maps each byte to one code unit: an exact, cheap key. For PUBLIC bytes only. */
export function publicBytesKey (bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1')
}

/** A least-recently-used cache of at most `max` entries keyed by strings. */
export function boundedCache<V extends NonNullable<unknown>> (max: number): LRUCache<string, V> {
  return new LRUCache<string, V>({ max })
}
