/**
 * ML-KEM-768 for the `node` provider: libsodium's (mlkem-sodium.ts, some 5-9x faster) once its
 * module has loaded, noble's (mlkem.ts) before. The same inputs, the same bytes, the same errors:
 * the FIPS 203 §7 input checks are made here for libsodium, as noble makes them for itself.
 */
import { createHash } from 'node:crypto'
import { InvalidKeyError, InvalidMessageError } from '../errors.js'
import { MLKEM768_CIPHERTEXT_LENGTH, MLKEM768_PUBLIC_KEY_LENGTH, MLKEM768_SECRET_KEY_LENGTH, type KemEncapsulation, type KeyPair } from '../provider.js'
import { EK_OFFSET_IN_DK, mlkem768 } from './mlkem.js'
import { mlkemDecapsulateSodium, mlkemEncapsulateSodium, mlkemKeyPairSodium, mlkemSodium } from './mlkem-sodium.js'

/** FIPS 203 §7.3 hash check: H(ek), stored in dk right after ek, is SHA3-256 of that ek. */
function hashCheckPasses (secretKey: Uint8Array): boolean {
  const ekEnd = EK_OFFSET_IN_DK + MLKEM768_PUBLIC_KEY_LENGTH
  const stored = secretKey.subarray(ekEnd, ekEnd + 32)
  const computed = createHash('sha3-256').update(secretKey.subarray(EK_OFFSET_IN_DK, ekEnd)).digest()
  return computed.equals(stored)
}

export const mlkem768Native = {
  generateKeyPair (seed64: Uint8Array): KeyPair {
    const sodium = mlkemSodium()
    if (sodium === undefined) return mlkem768.generateKeyPair(seed64)
    // noble refuses any other length; so does this path, rather than read a stale arena.
    if (seed64.length !== 64) throw new InvalidKeyError('ML-KEM-768 key generation takes a 64-byte seed')
    const { publicKey, secretKey } = mlkemKeyPairSodium(sodium, seed64)
    return { publicKey, privateKey: secretKey }
  },
  encapsulate (publicKey: Uint8Array, randomness32: Uint8Array): KemEncapsulation {
    const sodium = mlkemSodium()
    if (sodium === undefined) return mlkem768.encapsulate(publicKey, randomness32)
    if (publicKey.length !== MLKEM768_PUBLIC_KEY_LENGTH) throw new InvalidKeyError('ML-KEM-768 public key must be 1184 bytes')
    if (randomness32.length !== 32) throw new InvalidKeyError('ML-KEM-768 encapsulation takes 32 random bytes')
    const result = mlkemEncapsulateSodium(sodium, publicKey, randomness32)
    if (result === undefined) throw new InvalidKeyError('ML-KEM-768 public key is not a valid encapsulation key')
    return result
  },
  decapsulate (ciphertext: Uint8Array, secretKey: Uint8Array): Uint8Array {
    const sodium = mlkemSodium()
    if (sodium === undefined) return mlkem768.decapsulate(ciphertext, secretKey)
    if (ciphertext.length !== MLKEM768_CIPHERTEXT_LENGTH) throw new InvalidMessageError('ML-KEM-768 ciphertext must be 1088 bytes')
    if (secretKey.length !== MLKEM768_SECRET_KEY_LENGTH) throw new InvalidKeyError('ML-KEM-768 secret key must be 2400 bytes')
    if (!hashCheckPasses(secretKey)) throw new InvalidKeyError('ML-KEM-768 secret key fails its hash check (FIPS 203 section 7.3)')
    return mlkemDecapsulateSodium(sodium, ciphertext, secretKey)
  }
}
