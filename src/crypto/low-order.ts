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

function encodeU (u: bigint): Uint8Array {
  const out = new Uint8Array(32)
  for (let i = 0; i < 32; i++) out[i] = Number((u >> BigInt(8 * i)) & 0xffn)
  return out
}

// Every 32-byte encoding of a small-order point: u and, when below 2^255, u + p (the
// non-canonical form), each with the top bit clear or set (RFC 7748 section 5 masks it). The
// check below is then one lookup instead of BigInt arithmetic on every key that enters (a
// ratchet header carries one per DH step). At most 5 x 2 x 2 = 20 strings.
const SMALL_ORDER_ENCODINGS = new Set<string>()
for (const u of SMALL_ORDER_U) {
  for (const value of [u, u + P]) {
    if (value >= 1n << 255n) continue
    for (const top of [0n, 1n << 255n]) SMALL_ORDER_ENCODINGS.add(Buffer.from(encodeU(value | top)).toString('latin1'))
  }
}

/** True when `publicKey` (32 bytes, little-endian u) is a small-order Curve25519 point in any encoding. */
export function isLowOrderX25519 (publicKey: Uint8Array): boolean {
  if (publicKey.length !== 32) return SMALL_ORDER_U.has(decodeU(publicKey))
  return SMALL_ORDER_ENCODINGS.has(Buffer.from(publicKey.buffer, publicKey.byteOffset, 32).toString('latin1'))
}

/** The BigInt definition the lookup above must agree with (exported for the tests). */
export function isLowOrderX25519Reference (publicKey: Uint8Array): boolean {
  return SMALL_ORDER_U.has(decodeU(publicKey))
}

/** True when every byte is zero, in time independent of where a non-zero byte is. */
export function isAllZero (bytes: Uint8Array): boolean {
  let acc = 0
  for (let i = 0; i < bytes.length; i++) acc |= bytes[i]
  return acc === 0
}
