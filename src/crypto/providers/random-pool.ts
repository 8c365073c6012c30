/**
 * The OS random source, batched: one `crypto.randomFillSync` per 4 KiB instead of one
 * `crypto.randomBytes` per call. Every ratchet message asks for 24 bytes (the header nonce),
 * and a call into OpenSSL's DRBG costs about as much as one HMAC; a pool makes it a copy.
 *
 * Used only when a provider runs on the OS default source: a deterministic source (known-answer
 * vectors) is called as given, so the bytes a computation consumes are unchanged. Bytes are
 * handed out once and zeroed in the pool as they are taken, so a later read of the pool cannot
 * reveal a key made from it.
 */
import { randomFillSync } from 'node:crypto'
import type { RandomSource } from '../provider.js'

const POOL_SIZE = 4096
/** Larger requests go straight to the OS: batching gains nothing there. */
const MAX_POOLED_REQUEST = 256

export function pooledOsRandom (): RandomSource {
  const pool = new Uint8Array(POOL_SIZE)
  let offset = POOL_SIZE // empty: the first request fills it

  return (length: number): Uint8Array => {
    if (!Number.isInteger(length) || length < 0) throw new RangeError('randomBytes: length must be a non-negative integer')
    if (length > MAX_POOLED_REQUEST) return randomFillSync(new Uint8Array(length))
    if (offset + length > POOL_SIZE) {
      randomFillSync(pool)
      offset = 0
    }
    const out = pool.slice(offset, offset + length)
    pool.fill(0, offset, offset + length)
    offset += length
    return out
  }
}
