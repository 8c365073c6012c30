/**
 * A deterministic random source for known-answer vectors (docs/protocol.md part 1,
 * "Deterministic random source"). Never use it for real keys.
 *
 * The stream is SHA-256(seed || u32be(0)) || SHA-256(seed || u32be(1)) || ..., and calls
 * consume it in order: two calls of 16 bytes return the same bytes as one call of 32. Any
 * implementation that hashes the same way reproduces every vector that names a seed.
 */
import { sha256 } from '@noble/hashes/sha2.js'
import { concat, u32be } from './bytes.js'
import type { RandomSource } from './provider.js'

const BLOCK_LENGTH = 32
// The counter is a u32, so one seed yields at most 2^32 blocks (128 GiB): far beyond any vector.
const MAX_COUNTER = 0xffffffff

export function deterministicRandom (seed: Uint8Array): RandomSource {
  const seedCopy = seed.slice()
  let counter = 0
  let block = new Uint8Array(0)
  let used = 0

  return (length: number): Uint8Array => {
    if (!Number.isInteger(length) || length < 0) throw new RangeError('randomBytes: length must be a non-negative integer')
    const out = new Uint8Array(length)
    let filled = 0
    while (filled < length) {
      if (used === block.length) {
        if (counter > MAX_COUNTER) throw new RangeError('deterministicRandom: stream exhausted')
        block = sha256(concat(seedCopy, u32be(counter)))
        counter++
        used = 0
      }
      const take = Math.min(length - filled, BLOCK_LENGTH - used)
      out.set(block.subarray(used, used + take), filled)
      used += take
      filled += take
    }
    return out
  }
}
