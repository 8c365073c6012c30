/**
 * The initiator's side of PQXDH (PQXDH spec §3.3 "Sending the initial message"), without
 * the ratchet: verify the bundle, then
 *
 *   EK_A = fresh X25519 pair (32 bytes from provider.randomBytes)
 *   DH1 = DH(IK_A, SPK_B)   DH2 = DH(EK_A, IK_B)   DH3 = DH(EK_A, SPK_B)
 *   DH4 = DH(EK_A, OPK_B)   only when the bundle has a one-time prekey
 *   (CT, SS) = ML-KEM-768.Encaps(PQPK_B)   (32 bytes from provider.randomBytes), with the
 *             one-time KEM prekey when the bundle has one, else the last-resort one.
 *
 * IK_A/IK_B take part in DH in their X25519 form; the AD and the message carry them as
 * Ed25519 keys.
 */
import { InvalidBundleError, InvalidKeyError } from '../errors.js'
import type { CryptoProvider, KemEncapsulation } from '../provider.js'
import { verifyBundle, type PreKeyBundle } from './bundle.js'
import { remoteIdentityDhKey, type IdentityKeys } from './identity-keys.js'
import { derivePqxdhKeys, pqxdhAssociatedData, type PqxdhKeys } from './key-agreement.js'
import type { PreKeyHeader } from './message.js'

export interface PqxdhInitiatorResult extends PqxdhKeys {
  /** The PQXDH header to send with every message until the first reply. */
  header: PreKeyHeader
  /** The session associated data: "murmur/v1/ad" || IK_A || IK_B. */
  ad: Uint8Array
  /** SPK_B: the responder's first ratchet public key (Double Ratchet spec §3.3 / §4). */
  remoteRatchetKey: Uint8Array
  /** The individual terms, exposed for known-answer vectors. */
  dh1: Uint8Array
  dh2: Uint8Array
  dh3: Uint8Array
  dh4?: Uint8Array
  kemSharedSecret: Uint8Array
}

export interface PqxdhInitiateOptions {
  /** When set, the bundle must belong to this Ed25519 identity key ('identity-mismatch'). */
  expectedIdentityKey?: Uint8Array
}

export function pqxdhInitiate (provider: CryptoProvider, identity: IdentityKeys, bundle: PreKeyBundle, options: PqxdhInitiateOptions = {}): PqxdhInitiatorResult {
  verifyBundle(provider, bundle, options.expectedIdentityKey)
  let remoteIdentityDh: Uint8Array
  try {
    remoteIdentityDh = remoteIdentityDhKey(bundle.identityKey)
  } catch {
    // Unreachable after a strict signature check (it refuses small-order and non-canonical
    // keys), kept so a bad key can never reach DH.
    throw new InvalidBundleError('low-order-key', 'identityKey has no valid X25519 form')
  }

  const baseKeyPair = provider.x25519GenerateKeyPair()
  const spk = bundle.signedPreKey.publicKey
  const dh1 = provider.x25519(identity.dhPrivateKey, spk)
  const dh2 = provider.x25519(baseKeyPair.privateKey, remoteIdentityDh)
  const dh3 = provider.x25519(baseKeyPair.privateKey, spk)
  const dh4 = bundle.oneTimePreKey != null ? provider.x25519(baseKeyPair.privateKey, bundle.oneTimePreKey.publicKey) : undefined

  const kemPreKey = bundle.oneTimeKemPreKey ?? bundle.lastResortKemPreKey
  let encapsulation: KemEncapsulation
  try {
    encapsulation = provider.mlkem768Encapsulate(kemPreKey.publicKey)
  } catch (err) {
    // A signed but invalid ML-KEM key (FIPS 203 §7.2 modulus check) leaves no valid
    // post-quantum prekey, and there is no downgrade.
    if (err instanceof InvalidKeyError) throw new InvalidBundleError('missing-kem-prekey', 'ML-KEM prekey is not a valid encapsulation key')
    throw err
  }

  const keys = derivePqxdhKeys(provider, { dh1, dh2, dh3, dh4, kemSharedSecret: encapsulation.sharedSecret })
  const header: PreKeyHeader = {
    identityKey: identity.publicKey.slice(),
    recipientIdentityKey: bundle.identityKey.slice(),
    baseKey: baseKeyPair.publicKey,
    signedPreKeyId: bundle.signedPreKey.id,
    kemPreKeyId: kemPreKey.id,
    kemPreKeyKind: bundle.oneTimeKemPreKey != null ? 'one-time' : 'last-resort',
    kemCiphertext: encapsulation.ciphertext
  }
  if (bundle.oneTimePreKey != null) header.oneTimePreKeyId = bundle.oneTimePreKey.id
  const result: PqxdhInitiatorResult = {
    ...keys,
    header,
    ad: pqxdhAssociatedData(identity.publicKey, bundle.identityKey),
    remoteRatchetKey: spk.slice(),
    dh1,
    dh2,
    dh3,
    kemSharedSecret: encapsulation.sharedSecret
  }
  if (dh4 != null) result.dh4 = dh4
  return result
}
