/**
 * Safety numbers (DESIGN.md "Identity and addressing"; docs/protocol.md part 1 "Safety
 * numbers"), in the shape of Signal's numeric fingerprint: each side's half is 30 digits
 * derived from its identity key by 5200 iterations of SHA-512, and the safety number is the
 * two halves in sorted order, so both users see the same 60 digits.
 */
import { concat, u16be } from './bytes.js'
import { peerIdBytesFromIdentityKey } from './identity.js'
import type { CryptoProvider } from './provider.js'

/** Version of the fingerprint derivation, hashed first. */
export const FINGERPRINT_VERSION = 0
/** SHA-512 iterations after the first hash, as in Signal's NumericFingerprintGenerator. */
export const FINGERPRINT_ITERATIONS = 5200
const CHUNKS = 6
const CHUNK_BYTES = 5
const CHUNK_MODULUS = 100000n

/**
 * 30 digits for one identity key:
 *   h = SHA-512(u16be(0) || identityKey || peerIdBytes)
 *   5200 times: h = SHA-512(h || identityKey)
 *   for i in 0..5: the 5 bytes h[5i .. 5i+5] as a big-endian integer, mod 100000, as 5 digits.
 * InvalidKeyError when the key is not a valid identity key.
 */
export function fingerprintHalf (provider: CryptoProvider, identityKey: Uint8Array): string {
  const peerIdBytes = peerIdBytesFromIdentityKey(identityKey)
  let h = provider.sha512(concat(u16be(FINGERPRINT_VERSION), identityKey, peerIdBytes))
  const block = new Uint8Array(h.length + identityKey.length)
  block.set(identityKey, h.length)
  for (let i = 0; i < FINGERPRINT_ITERATIONS; i++) {
    block.set(h, 0)
    h = provider.sha512(block)
  }
  let digits = ''
  for (let i = 0; i < CHUNKS; i++) {
    let chunk = 0n
    for (let j = 0; j < CHUNK_BYTES; j++) chunk = (chunk << 8n) | BigInt(h[i * CHUNK_BYTES + j])
    digits += (chunk % CHUNK_MODULUS).toString().padStart(5, '0')
  }
  return digits
}

/** 60 digits: the two halves sorted as strings and concatenated, the same on both sides. */
export function safetyNumber (provider: CryptoProvider, localIdentityKey: Uint8Array, remoteIdentityKey: Uint8Array): string {
  const halves = [fingerprintHalf(provider, localIdentityKey), fingerprintHalf(provider, remoteIdentityKey)]
  halves.sort()
  return halves[0] + halves[1]
}

/** Digits in groups of 5 separated by single spaces, on one line (60 digits -> 12 groups). */
export function formatSafetyNumber (digits: string): string {
  if (!/^\d*$/.test(digits)) throw new TypeError('formatSafetyNumber: digits only')
  return digits.match(/.{1,5}/g)?.join(' ') ?? ''
}
