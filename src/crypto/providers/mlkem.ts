/**
 * ML-KEM-768 (FIPS 203) from @noble/post-quantum: the noble provider's, and the node
 * provider's until libsodium's has loaded (mlkem-native.ts). Node 20 has no ML-KEM. Randomness
 * is passed in so that known-answer vectors are reproducible.
 *
 * Speed: most of an encapsulation, and of the re-encryption inside a decapsulation, is
 * expanding the matrix Â from the encapsulation key (FIPS 203 §5.2, SampleNTT). noble's
 * `prepare(ek)` does that once and keeps only public data (ek, Â, t̂, H(ek)); the same key is
 * used again by a responder decapsulating under its last-resort KEM prekey and by an
 * initiator that fetches the same bundle again. So prepared keys are kept in a small LRU cache
 * keyed by ek. Preparing costs what the one-shot call costs, so a miss loses nothing. The bytes
 * are those of the one-shot calls (same algorithm; checked in the tests).
 */
import { ml_kem768 } from '@noble/post-quantum/ml-kem.js'
import { InvalidKeyError, InvalidMessageError } from '../errors.js'
import { boundedCache, publicBytesKey } from './caches.js'
import {
  MLKEM768_CIPHERTEXT_LENGTH, MLKEM768_PUBLIC_KEY_LENGTH, MLKEM768_SECRET_KEY_LENGTH,
  type KemEncapsulation, type KeyPair
} from '../provider.js'

/** What this module uses of noble's KEMPrepared (its declared type is heavily branded). */
interface Prepared {
  encapsulate: (msg: Uint8Array) => { cipherText: Uint8Array, sharedSecret: Uint8Array }
  decapsulate: (cipherText: Uint8Array, secretKey: Uint8Array) => Uint8Array
}

/** Prepared keys kept (each ~10 KiB of public data). */
export const MLKEM_PREPARED_CACHE_SIZE = 16
/** FIPS 203 §7.1: dk = dk_PKE (384k bytes) || ek || H(ek) || z, with k = 3. */
export const EK_OFFSET_IN_DK = 384 * 3

const prepared = boundedCache<Prepared>(MLKEM_PREPARED_CACHE_SIZE)

/** The prepared form of `ek`; throws (noble's Error) when ek fails the FIPS 203 §7.2 check. */
function preparedKey (ek: Uint8Array): Prepared {
  const key = publicBytesKey(ek)
  let entry = prepared.get(key)
  if (entry === undefined) {
    const made: Prepared = ml_kem768.prepare(ek)
    entry = made
    prepared.set(key, entry)
  }
  return entry
}

/** The input lengths of FIPS 203 §7, checked alike before either engine runs (mlkem-native.ts). */
export function checkKeyGenSeed (seed64: Uint8Array): void {
  if (seed64.length !== 64) throw new InvalidKeyError('ML-KEM-768 key generation takes a 64-byte seed')
}

export function checkEncapsulateInputs (publicKey: Uint8Array, randomness32: Uint8Array): void {
  if (publicKey.length !== MLKEM768_PUBLIC_KEY_LENGTH) throw new InvalidKeyError('ML-KEM-768 public key must be 1184 bytes')
  if (randomness32.length !== 32) throw new InvalidKeyError('ML-KEM-768 encapsulation takes 32 random bytes')
}

export function checkDecapsulateInputs (ciphertext: Uint8Array, secretKey: Uint8Array): void {
  if (ciphertext.length !== MLKEM768_CIPHERTEXT_LENGTH) throw new InvalidMessageError('ML-KEM-768 ciphertext must be 1088 bytes')
  if (secretKey.length !== MLKEM768_SECRET_KEY_LENGTH) throw new InvalidKeyError('ML-KEM-768 secret key must be 2400 bytes')
}

export const mlkem768 = {
  generateKeyPair (seed64: Uint8Array): KeyPair {
    checkKeyGenSeed(seed64)
    const { publicKey, secretKey } = ml_kem768.keygen(seed64)
    return { publicKey, privateKey: secretKey }
  },
  encapsulate (publicKey: Uint8Array, randomness32: Uint8Array): KemEncapsulation {
    checkEncapsulateInputs(publicKey, randomness32)
    let result
    try {
      // FIPS 203 section 7.2 input check: the key must re-encode to itself (noble validates in
      // prepare, once per cached key).
      result = preparedKey(publicKey).encapsulate(randomness32)
    } catch {
      throw new InvalidKeyError('ML-KEM-768 public key is not a valid encapsulation key')
    }
    return { ciphertext: result.cipherText, sharedSecret: result.sharedSecret.slice() }
  },
  decapsulate (ciphertext: Uint8Array, secretKey: Uint8Array): Uint8Array {
    checkDecapsulateInputs(ciphertext, secretKey)
    // Decapsulation never fails on a bad ciphertext (implicit rejection): it returns a
    // pseudorandom secret, and the AEAD of the first message then fails to open.
    const ek = secretKey.subarray(EK_OFFSET_IN_DK, EK_OFFSET_IN_DK + MLKEM768_PUBLIC_KEY_LENGTH)
    let entry: Prepared | undefined
    try {
      entry = preparedKey(ek)
    } catch {
      // An ek that fails the modulus check: the one-shot call decapsulates without it.
    }
    try {
      // noble checks H(ek) (FIPS 203 §7.3), and the embedded ek against the prepared key.
      return entry !== undefined ? entry.decapsulate(ciphertext, secretKey.slice()) : ml_kem768.decapsulate(ciphertext, secretKey.slice())
    } catch {
      // A bad ciphertext never throws (implicit rejection, and its length is checked above).
      throw new InvalidKeyError('ML-KEM-768 secret key fails its hash check (FIPS 203 section 7.3)')
    }
  }
}
