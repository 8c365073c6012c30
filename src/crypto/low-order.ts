/**
 * Small-order X25519 points (RFC 7748 section 6.1, "Security Considerations").
 *
 * A Diffie-Hellman agreement with a small-order point gives an all-zero or attacker-chosen
 * result independent of our private key. We refuse such public keys wherever they enter
 * (bundles, prekey messages, ratchet headers) and, as a second line, refuse any all-zero
 * agreement result. Both checks run in both providers so they fail identically.
 */

const P = (1n << 255n) - 19n

// The u-coordinates of the points of order 1, 2, 4 and 8 on Curve25519, reduced mod p:
// 0 (order 2 or the identity encoding), 1 (order 4), p - 1 (order 4), and the two of order 8.
const SMALL_ORDER_U = new Set<bigint>([
  0n,
  1n,
  P - 1n,
  325606250916557431795983626356110631294008115727848805560023387167927233504n,
  39382357235489614581723060781553021112529911719440698176882885853963445705823n
])

function decodeU (publicKey: Uint8Array): bigint {
  let u = 0n
  for (let i = 31; i >= 0; i--) u = (u << 8n) | BigInt(publicKey[i])
  // RFC 7748 section 5: the top bit is masked; values >= p are reduced.
  return (u & ((1n << 255n) - 1n)) % P
}

/** True when `publicKey` (32 bytes, little-endian u) is a small-order Curve25519 point in any encoding. */
export function isLowOrderX25519 (publicKey: Uint8Array): boolean {
  return SMALL_ORDER_U.has(decodeU(publicKey))
}

/** True when every byte is zero, in time independent of where a non-zero byte is. */
export function isAllZero (bytes: Uint8Array): boolean {
  let acc = 0
  for (let i = 0; i < bytes.length; i++) acc |= bytes[i]
  return acc === 0
}
