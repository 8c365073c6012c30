/**
 * ML-KEM-768 (FIPS 203) from @noble/post-quantum, shared by both providers: Node 20 has no
 * ML-KEM. Randomness is passed in so that known-answer vectors are reproducible.
 */
import { ml_kem768 } from '@noble/post-quantum/ml-kem.js'
import { InvalidKeyError, InvalidMessageError } from '../errors.js'
import {
  MLKEM768_CIPHERTEXT_LENGTH, MLKEM768_PUBLIC_KEY_LENGTH, MLKEM768_SECRET_KEY_LENGTH,
  type KemEncapsulation, type KeyPair
} from '../provider.js'

export const mlkem768 = {
  generateKeyPair (seed64: Uint8Array): KeyPair {
    const { publicKey, secretKey } = ml_kem768.keygen(seed64)
    return { publicKey, privateKey: secretKey }
  },
  encapsulate (publicKey: Uint8Array, randomness32: Uint8Array): KemEncapsulation {
    if (publicKey.length !== MLKEM768_PUBLIC_KEY_LENGTH) throw new InvalidKeyError('ML-KEM-768 public key must be 1184 bytes')
    let result
    try {
      // FIPS 203 section 7.2 input check: the key must re-encode to itself (noble validates).
      result = ml_kem768.encapsulate(publicKey, randomness32)
    } catch {
      throw new InvalidKeyError('ML-KEM-768 public key is not a valid encapsulation key')
    }
    return { ciphertext: result.cipherText, sharedSecret: result.sharedSecret }
  },
  decapsulate (ciphertext: Uint8Array, secretKey: Uint8Array): Uint8Array {
    if (ciphertext.length !== MLKEM768_CIPHERTEXT_LENGTH) throw new InvalidMessageError('ML-KEM-768 ciphertext must be 1088 bytes')
    if (secretKey.length !== MLKEM768_SECRET_KEY_LENGTH) throw new InvalidKeyError('ML-KEM-768 secret key must be 2400 bytes')
    // Decapsulation never fails on a bad ciphertext (implicit rejection): it returns a
    // pseudorandom secret, and the AEAD of the first message then fails to open.
    return ml_kem768.decapsulate(ciphertext, secretKey.slice())
  }
}
