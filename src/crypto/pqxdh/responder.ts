/**
 * The responder's side of PQXDH (PQXDH spec §3.4 "Receiving the initial message"), without
 * the ratchet: given the header and the private prekeys it names, recompute the same terms
 *
 *   DH1 = DH(SPK_B, IK_A)   DH2 = DH(IK_B, EK_A)   DH3 = DH(SPK_B, EK_A)   [DH4 = DH(OPK_B, EK_A)]
 *   SS  = ML-KEM-768.Decaps(CT, PQSK_B)
 *
 * ML-KEM decapsulation never fails (implicit rejection): a forged ciphertext yields a wrong
 * secret and the first ratchet message then fails to decrypt.
 */
import { InvalidMessageError, LowOrderPointError } from '../errors.js'
import { isLowOrderX25519 } from '../low-order.js'
import type { CryptoProvider, KeyPair } from '../provider.js'
import { remoteIdentityDhKey, type IdentityKeys } from './identity-keys.js'
import { derivePqxdhKeys, pqxdhAssociatedData, type PqxdhKeys } from './key-agreement.js'
import type { PreKeyHeader } from './message.js'

export interface PqxdhResponderKeys {
  signedPreKey: KeyPair
  kemPreKey: KeyPair
  oneTimePreKey?: KeyPair
}

export interface PqxdhResponderResult extends PqxdhKeys {
  ad: Uint8Array
  dh1: Uint8Array
  dh2: Uint8Array
  dh3: Uint8Array
  dh4?: Uint8Array
  kemSharedSecret: Uint8Array
}

export function pqxdhRespond (provider: CryptoProvider, identity: IdentityKeys, keys: PqxdhResponderKeys, header: PreKeyHeader): PqxdhResponderResult {
  if (isLowOrderX25519(header.baseKey)) throw new LowOrderPointError('PreKeyMessage baseKey is of low order')
  let remoteIdentityDh: Uint8Array
  try {
    remoteIdentityDh = remoteIdentityDhKey(header.identityKey)
  } catch {
    throw new InvalidMessageError('PreKeyMessage identityKey is not a valid Ed25519 public key')
  }
  const dh1 = provider.x25519(keys.signedPreKey.privateKey, remoteIdentityDh)
  const dh2 = provider.x25519(identity.dhPrivateKey, header.baseKey)
  const dh3 = provider.x25519(keys.signedPreKey.privateKey, header.baseKey)
  const dh4 = keys.oneTimePreKey != null ? provider.x25519(keys.oneTimePreKey.privateKey, header.baseKey) : undefined
  const kemSharedSecret = provider.mlkem768Decapsulate(header.kemCiphertext, keys.kemPreKey.privateKey)
  const derived = derivePqxdhKeys(provider, { dh1, dh2, dh3, dh4, kemSharedSecret })
  const result: PqxdhResponderResult = {
    ...derived,
    ad: pqxdhAssociatedData(header.identityKey, identity.publicKey),
    dh1,
    dh2,
    dh3,
    kemSharedSecret
  }
  if (dh4 != null) result.dh4 = dh4
  return result
}
