/**
 * Encoding checks for strict Ed25519 verification (RFC 8032 section 5.1.7, without the
 * ZIP-215 leniencies), run before either provider's verify so that node:crypto and noble
 * accept exactly the same signatures:
 * - lengths: 64-byte signature, 32-byte public key;
 * - S < L (non-malleable signatures);
 * - R and A encode a y-coordinate below p (canonical encodings);
 * - A is not of small order (a small-order key would "verify" forged signatures on some
 *   messages under cofactored rules and is never a legitimate identity).
 *
 * The verification equation itself is the cofactorless one, [S]B = R + [k]A compared as
 * encodings (RFC 8032 section 5.1.7 permits it), because that is what OpenSSL checks; noble's
 * own `verify` is cofactored and would accept signatures whose R carries a small-order
 * component that OpenSSL rejects. `verifyEd25519Cofactorless` gives noble the OpenSSL rule.
 */
import { ed25519 } from '@noble/curves/ed25519.js'
import { sha512 } from '@noble/hashes/sha2.js'
import { boundedCache, publicBytesKey } from './caches.js'

const P = (1n << 255n) - 19n
const L = (1n << 252n) + 27742317777372353535851937790883648493n

function leToBigInt (bytes: Uint8Array): bigint {
  let v = 0n
  for (let i = bytes.length - 1; i >= 0; i--) v = (v << 8n) | BigInt(bytes[i])
  return v
}

function isCanonicalPointEncoding (bytes: Uint8Array): boolean {
  const y = leToBigInt(bytes) & ((1n << 255n) - 1n)
  return y < P
}

// Small-order checks decode a point, which costs a few microseconds; identity keys repeat,
// so remember the verdict for recently seen keys.
const smallOrderCache = boundedCache<boolean>(256)

function isSmallOrderPublicKey (publicKey: Uint8Array): boolean {
  const key = publicBytesKey(publicKey)
  const cached = smallOrderCache.get(key)
  if (cached !== undefined) return cached
  let small: boolean
  try {
    small = ed25519.Point.fromBytes(publicKey).isSmallOrder()
  } catch {
    small = true // not a point at all: refuse as well
  }
  smallOrderCache.set(key, small)
  return small
}

/**
 * True when `publicKey` is a 32-byte canonical encoding of a curve point that is not of small
 * order: the rule for every identity key murmur accepts.
 */
export function isValidEd25519PublicKey (publicKey: Uint8Array): boolean {
  if (!(publicKey instanceof Uint8Array) || publicKey.length !== 32) return false
  return isCanonicalPointEncoding(publicKey) && !isSmallOrderPublicKey(publicKey)
}

/** True when the signature and key pass every strict encoding check. */
export function checkEd25519Strict (signature: Uint8Array, publicKey: Uint8Array): boolean {
  if (!(signature instanceof Uint8Array) || signature.length !== 64) return false
  if (!(publicKey instanceof Uint8Array) || publicKey.length !== 32) return false
  if (leToBigInt(signature.subarray(32)) >= L) return false
  if (!isCanonicalPointEncoding(signature.subarray(0, 32))) return false
  if (!isCanonicalPointEncoding(publicKey)) return false
  return !isSmallOrderPublicKey(publicKey)
}

/**
 * Cofactorless Ed25519 verification with noble's arithmetic: k = SHA-512(R || A || M) mod L,
 * then accept iff encode([S]B - [k]A) equals the 32 bytes of R (RFC 8032 section 5.1.7, the
 * unmultiplied equation, as OpenSSL's ossl_ed25519_verify does). Call it only after
 * `checkEd25519Strict` returned true. Returns false, never throws.
 */
export function verifyEd25519Cofactorless (signature: Uint8Array, message: Uint8Array, publicKey: Uint8Array): boolean {
  try {
    const A = ed25519.Point.fromBytes(publicKey, false)
    const r = signature.subarray(0, 32)
    const s = leToBigInt(signature.subarray(32))
    const hashInput = new Uint8Array(64 + message.length)
    hashInput.set(r, 0)
    hashInput.set(publicKey, 32)
    hashInput.set(message, 64)
    const k = leToBigInt(sha512(hashInput)) % L
    const check = ed25519.Point.BASE.multiplyUnsafe(s).subtract(A.multiplyUnsafe(k)).toBytes()
    let diff = 0
    for (let i = 0; i < 32; i++) diff |= check[i] ^ r[i]
    return diff === 0
  } catch {
    return false
  }
}
