/**
 * Plaintext padding (docs/protocol.md part 3 "Padding"): plaintext || 0x80 || 0x00...,
 * to the Padmé length of max(len + 1, 256), so that a ciphertext length reveals only a bucket
 * (Padmé: Nikitin et al., "Reducing Metadata Leakage from Encrypted Files and Communication
 * with PURBs", PETS 2019; overhead at most 12 %).
 */
import { InvalidMessageError } from '../errors.js'
import { CHUNK_PAYLOAD_LENGTH } from '../pq-ratchet/constants.js'
import { MAX_PLAINTEXT_LENGTH, MIN_PADDED_LENGTH } from './constants.js'

const PADDING_MARKER = 0x80
/** The longest content inside the padding: a plaintext and the largest post-quantum payload. */
export const MAX_PADDED_CONTENT_LENGTH = MAX_PLAINTEXT_LENGTH + CHUNK_PAYLOAD_LENGTH

/** Padmé(L): round L up so that only its top floor(log2(E)) + 1 bits may be set, E = floor(log2 L). */
export function padme (length: number): number {
  if (!Number.isInteger(length) || length < 2) return length
  // floor(log2 x) computed exactly on integers (x < 2^31) rather than through floating point.
  const e = 31 - Math.clz32(length)
  const s = 31 - Math.clz32(e) + 1
  const z = e - s
  const mask = 2 ** z - 1
  // Lengths stay below 2^31 (MAX_PLAINTEXT_LENGTH), so 32-bit operators are exact.
  return (length + mask) & ~mask
}

/** The padded length of a plaintext of `plaintextLength` bytes. */
export function paddedLength (plaintextLength: number): number {
  return padme(Math.max(plaintextLength + 1, MIN_PADDED_LENGTH))
}

export function padPlaintext (plaintext: Uint8Array): Uint8Array {
  return padBody(0, plaintext)
}

/**
 * pad(prefix || plaintext) with room left for a prefix of `prefixLength` bytes at the front
 * (the caller writes it there): the Triple Ratchet's post-quantum payload goes inside the
 * padding, so its presence shows only through the bucket (docs/protocol.md part 3b).
 */
export function padBody (prefixLength: number, plaintext: Uint8Array): Uint8Array {
  if (plaintext.length > MAX_PLAINTEXT_LENGTH) {
    throw new InvalidMessageError(`plaintext longer than ${MAX_PLAINTEXT_LENGTH} bytes`)
  }
  const length = prefixLength + plaintext.length
  const out = new Uint8Array(paddedLength(length))
  out.set(plaintext, prefixLength)
  out[length] = PADDING_MARKER
  return out
}

/** Strip trailing zeros, then require and strip one 0x80; anything else is InvalidMessageError. */
export function unpadPlaintext (padded: Uint8Array): Uint8Array {
  let end = padded.length - 1
  while (end >= 0 && padded[end] === 0) end--
  if (end < 0 || padded[end] !== PADDING_MARKER) throw new InvalidMessageError('bad plaintext padding')
  if (end > MAX_PADDED_CONTENT_LENGTH) throw new InvalidMessageError(`plaintext longer than ${MAX_PLAINTEXT_LENGTH} bytes`)
  return padded.slice(0, end)
}
