/**
 * Prekey bundles (PQXDH spec §3.2): the public half of an identity's prekeys, what an
 * initiator fetches. A bundle without a valid signed ML-KEM prekey is rejected: there is no
 * downgrade to X3DH (DESIGN.md "Key agreement").
 */
import { InvalidBundleError } from '../errors.js'
import { isLowOrderX25519 } from '../low-order.js'
import {
  ED25519_PUBLIC_KEY_LENGTH, ED25519_SIGNATURE_LENGTH, MLKEM768_PUBLIC_KEY_LENGTH, X25519_KEY_LENGTH,
  type CryptoProvider
} from '../provider.js'
import { PreKeyBundle as WirePreKeyBundle } from '../../wire/prekey.js'
import { bytesEqual, isU32 } from './bytes.js'
import { signedPreKeyLabel } from './constants.js'
import type { IdentityKeys } from './identity-keys.js'
import { kemPreKeyLabel, preKeySignedMessage, type KemPreKeyRecord, type OneTimePreKeyRecord, type SignedPreKeyRecord } from './prekeys.js'

export interface SignedPreKeyPublic { id: number, publicKey: Uint8Array, signature: Uint8Array }
export interface KemPreKeyPublic { id: number, publicKey: Uint8Array, signature: Uint8Array }
export interface OneTimePreKeyPublic { id: number, publicKey: Uint8Array }

export interface PreKeyBundle {
  /** Ed25519 identity key (32). */
  identityKey: Uint8Array
  signedPreKey: SignedPreKeyPublic
  lastResortKemPreKey: KemPreKeyPublic
  oneTimePreKey?: OneTimePreKeyPublic
  oneTimeKemPreKey?: KemPreKeyPublic
}

export type InvalidBundleReason =
  'identity-mismatch' | 'signed-prekey-signature' | 'kem-prekey-signature' | 'missing-kem-prekey' |
  'low-order-key' | 'field-length' | 'malformed'

export interface BundleKeys {
  signedPreKey: SignedPreKeyRecord
  lastResortKemPreKey: KemPreKeyRecord
  oneTimePreKey?: OneTimePreKeyRecord
  oneTimeKemPreKey?: KemPreKeyRecord
}

/** The public bundle of the given prekeys (private parts stay with the caller). */
export function createBundle (identity: Pick<IdentityKeys, 'publicKey'>, keys: BundleKeys): PreKeyBundle {
  if (keys.lastResortKemPreKey.kind !== 'last-resort') throw new InvalidBundleError('missing-kem-prekey', 'lastResortKemPreKey must be of kind last-resort')
  if (keys.oneTimeKemPreKey != null && keys.oneTimeKemPreKey.kind !== 'one-time') throw new InvalidBundleError('kem-prekey-signature', 'oneTimeKemPreKey must be of kind one-time')
  const bundle: PreKeyBundle = {
    identityKey: identity.publicKey.slice(),
    signedPreKey: { id: keys.signedPreKey.id, publicKey: keys.signedPreKey.keyPair.publicKey.slice(), signature: keys.signedPreKey.signature.slice() },
    lastResortKemPreKey: { id: keys.lastResortKemPreKey.id, publicKey: keys.lastResortKemPreKey.keyPair.publicKey.slice(), signature: keys.lastResortKemPreKey.signature.slice() }
  }
  if (keys.oneTimePreKey != null) bundle.oneTimePreKey = { id: keys.oneTimePreKey.id, publicKey: keys.oneTimePreKey.keyPair.publicKey.slice() }
  if (keys.oneTimeKemPreKey != null) bundle.oneTimeKemPreKey = { id: keys.oneTimeKemPreKey.id, publicKey: keys.oneTimeKemPreKey.keyPair.publicKey.slice(), signature: keys.oneTimeKemPreKey.signature.slice() }
  return bundle
}

function isBytes (value: unknown, length: number): boolean {
  return value instanceof Uint8Array && value.length === length
}

function signedOk (key: { id: unknown, publicKey: unknown, signature: unknown }, publicKeyLength: number): boolean {
  return isU32(key.id) && isBytes(key.publicKey, publicKeyLength) && isBytes(key.signature, ED25519_SIGNATURE_LENGTH)
}

/** Structure and exact field lengths; throws 'missing-kem-prekey' or 'field-length'. */
function checkShape (bundle: PreKeyBundle): void {
  if (bundle == null || typeof bundle !== 'object') throw new InvalidBundleError('malformed')
  if (bundle.lastResortKemPreKey == null) throw new InvalidBundleError('missing-kem-prekey')
  if (!isBytes(bundle.identityKey, ED25519_PUBLIC_KEY_LENGTH)) throw new InvalidBundleError('field-length', 'identityKey must be 32 bytes')
  if (bundle.signedPreKey == null || !signedOk(bundle.signedPreKey, X25519_KEY_LENGTH)) throw new InvalidBundleError('field-length', 'signedPreKey has a wrong field length')
  if (!signedOk(bundle.lastResortKemPreKey, MLKEM768_PUBLIC_KEY_LENGTH)) throw new InvalidBundleError('field-length', 'lastResortKemPreKey has a wrong field length')
  const otpk = bundle.oneTimePreKey
  if (otpk != null && !(isU32(otpk.id) && isBytes(otpk.publicKey, X25519_KEY_LENGTH))) throw new InvalidBundleError('field-length', 'oneTimePreKey has a wrong field length')
  if (bundle.oneTimeKemPreKey != null && !signedOk(bundle.oneTimeKemPreKey, MLKEM768_PUBLIC_KEY_LENGTH)) throw new InvalidBundleError('field-length', 'oneTimeKemPreKey has a wrong field length')
}

/**
 * Verify a bundle before use (PQXDH spec §3.3: "Alice verifies the prekey signatures and
 * aborts the protocol if verification fails"). Checks, in this order: shape and lengths
 * ('missing-kem-prekey', 'field-length'), the expected identity ('identity-mismatch'),
 * low-order X25519 keys ('low-order-key'), the signed prekey signature
 * ('signed-prekey-signature'), the KEM prekey signatures ('kem-prekey-signature').
 * Throws InvalidBundleError(reason); returns nothing on success.
 */
export function verifyBundle (provider: CryptoProvider, bundle: PreKeyBundle, expectedIdentityKey?: Uint8Array): void {
  checkShape(bundle)
  if (expectedIdentityKey != null && !bytesEqual(bundle.identityKey, expectedIdentityKey)) {
    throw new InvalidBundleError('identity-mismatch')
  }
  if (isLowOrderX25519(bundle.signedPreKey.publicKey)) throw new InvalidBundleError('low-order-key', 'signedPreKey is of low order')
  if (bundle.oneTimePreKey != null && isLowOrderX25519(bundle.oneTimePreKey.publicKey)) throw new InvalidBundleError('low-order-key', 'oneTimePreKey is of low order')

  const spk = bundle.signedPreKey
  if (!provider.ed25519Verify(spk.signature, preKeySignedMessage(signedPreKeyLabel, spk.id, spk.publicKey), bundle.identityKey)) {
    throw new InvalidBundleError('signed-prekey-signature')
  }
  const lastResort = bundle.lastResortKemPreKey
  if (!provider.ed25519Verify(lastResort.signature, preKeySignedMessage(kemPreKeyLabel('last-resort'), lastResort.id, lastResort.publicKey), bundle.identityKey)) {
    throw new InvalidBundleError('kem-prekey-signature', 'Invalid prekey bundle: last-resort KEM prekey signature')
  }
  const oneTimeKem = bundle.oneTimeKemPreKey
  if (oneTimeKem != null && !provider.ed25519Verify(oneTimeKem.signature, preKeySignedMessage(kemPreKeyLabel('one-time'), oneTimeKem.id, oneTimeKem.publicKey), bundle.identityKey)) {
    throw new InvalidBundleError('kem-prekey-signature', 'Invalid prekey bundle: one-time KEM prekey signature')
  }
}

/** The protobuf encoding of a bundle (src/wire/prekey.proto, message PreKeyBundle). */
export function encodeBundle (bundle: PreKeyBundle): Uint8Array {
  const b = (bytes: Uint8Array): Uint8Array<ArrayBuffer> => bytes as Uint8Array<ArrayBuffer>
  const signed = (key: KemPreKeyPublic): { id: number, publicKey: Uint8Array<ArrayBuffer>, signature: Uint8Array<ArrayBuffer> } =>
    ({ id: key.id, publicKey: b(key.publicKey), signature: b(key.signature) })
  const wire: Partial<WirePreKeyBundle> = {
    identityKey: b(bundle.identityKey),
    signedPreKey: signed(bundle.signedPreKey),
    lastResortKemPreKey: signed(bundle.lastResortKemPreKey)
  }
  if (bundle.oneTimePreKey != null) wire.oneTimePreKey = { id: bundle.oneTimePreKey.id, publicKey: b(bundle.oneTimePreKey.publicKey) }
  if (bundle.oneTimeKemPreKey != null) wire.oneTimeKemPreKey = signed(bundle.oneTimeKemPreKey)
  return WirePreKeyBundle.encode(wire)
}

/**
 * Decode untrusted bundle bytes. Undecodable -> 'malformed'; no last-resort KEM prekey ->
 * 'missing-kem-prekey'; no signed prekey or a wrong field length -> 'field-length'.
 * Signatures are NOT checked here: call verifyBundle.
 */
export function decodeBundle (bytes: Uint8Array): PreKeyBundle {
  let wire: WirePreKeyBundle
  try {
    wire = WirePreKeyBundle.decode(bytes)
  } catch {
    throw new InvalidBundleError('malformed')
  }
  if (wire.lastResortKemPreKey == null) throw new InvalidBundleError('missing-kem-prekey')
  if (wire.signedPreKey == null) throw new InvalidBundleError('field-length', 'signedPreKey is missing')
  const bundle: PreKeyBundle = {
    identityKey: wire.identityKey,
    signedPreKey: wire.signedPreKey,
    lastResortKemPreKey: wire.lastResortKemPreKey
  }
  if (wire.oneTimePreKey != null) bundle.oneTimePreKey = wire.oneTimePreKey
  if (wire.oneTimeKemPreKey != null) bundle.oneTimeKemPreKey = wire.oneTimeKemPreKey
  checkShape(bundle)
  return bundle
}
