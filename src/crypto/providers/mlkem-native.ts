/**
 * ML-KEM-768 for the `node` provider: libsodium's (mlkem-sodium.ts, some 5-9x faster) once its
 * module has loaded, noble's (mlkem.ts) before. The same inputs, the same bytes, the same errors:
 * the FIPS 203 §7 input checks are made here for libsodium, as noble makes them for itself.
 */
import { createHash } from 'node:crypto'
import { InvalidKeyError } from '../errors.js'
import { MLKEM768_PUBLIC_KEY_LENGTH, type KemEncapsulation, type KeyPair } from '../provider.js'
import { checkDecapsulateInputs, checkEncapsulateInputs, checkKeyGenSeed, EK_OFFSET_IN_DK, mlkem768 } from './mlkem.js'
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
    // noble's path refuses any other length; so does this one, rather than read a stale arena.
    checkKeyGenSeed(seed64)
    const { publicKey, secretKey } = mlkemKeyPairSodium(sodium, seed64)
    return { publicKey, privateKey: secretKey }
  },
  encapsulate (publicKey: Uint8Array, randomness32: Uint8Array): KemEncapsulation {
    const sodium = mlkemSodium()
    if (sodium === undefined) return mlkem768.encapsulate(publicKey, randomness32)
    checkEncapsulateInputs(publicKey, randomness32)
    const result = mlkemEncapsulateSodium(sodium, publicKey, randomness32)
    if (result === undefined) throw new InvalidKeyError('ML-KEM-768 public key is not a valid encapsulation key')
    return result
  },
  decapsulate (ciphertext: Uint8Array, secretKey: Uint8Array): Uint8Array {
    const sodium = mlkemSodium()
    if (sodium === undefined) return mlkem768.decapsulate(ciphertext, secretKey)
    checkDecapsulateInputs(ciphertext, secretKey)
    if (!hashCheckPasses(secretKey)) throw new InvalidKeyError('ML-KEM-768 secret key fails its hash check (FIPS 203 section 7.3)')
    return mlkemDecapsulateSodium(sodium, ciphertext, secretKey)
  }
}
